// The records-admin routes' JSON Schemas (TypeBox) and their types (issue 4 "Access", "Erasure"):
// break-glass, the privacy officer's list, the patient's access log and audit events, and the erasure
// request (its answers are in erasure.ts). The routes answer failures as OperationOutcomes, like the
// FHIR endpoint beside them. Request bodies name their fields without demanding them: the records
// admin answers a missing one with its own OperationOutcome. Entries of the lists pass whole, typed by
// the app's AccessLogEntry (the app decides their fields); FHIR resources and Bundles are FHIR's shapes
// (fhir.ts).
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { AccessLogEntry } from '../app/records/types.ts';
import { fhirBundleSchema, fhirResourceSchema } from './fhir.ts';
import { hex32 } from './ledger.ts';

/** The records-admin routes' paths (api/routes/records-admin.ts), for the API and its clients alike. */
export const BREAK_GLASS_PATH = '/api/v1/records/break-glass';
export const EMERGENCY_SUMMARY_PATH = '/api/v1/records/break-glass/summary';
export const ACCESS_LOG_PATH = '/api/v1/patients/me/access-log';
export const AUDIT_EVENTS_PATH = '/api/v1/patients/me/audit-events';
export const CUSTODIAL_CLAIMS_PATH = '/api/v1/records/custodial-claims';

const passWhole = (description: string) => Type.Object({}, { additionalProperties: true, description });

/** A page of a records list: how many the whole list has, and this page's items. */
const pageOf = <T extends TSchema>(items: T) =>
  Type.Object({ total: Type.Integer(), items: Type.Array(items) });

/** An access event of the records module as the app lists it, passed whole. */
const accessEntry = Type.Unsafe<AccessLogEntry>(
  Type.Object(
    {},
    { additionalProperties: true, description: 'an access event (app/records AccessLogEntry)' },
  ),
);

/** Paging of the records lists: _offset ≥ 0, _count 1..RECORDS_PAGE_MAX (checked by the services). */
export const recordsPageQuery = Type.Object({
  _offset: Type.Optional(Type.String()),
  _count: Type.Optional(Type.String()),
});

/** What every break-glass request states: the emergency purpose and the written reason. */
const breakGlassJustification = {
  purpose: Type.Optional(Type.String({ description: 'ETREAT' })),
  reason: Type.Optional(Type.String({ description: 'why, kept off chain for the privacy officer' })),
};
/** What every break-glass answer names: the flagged records.access event committed before the release. */
const breakGlassEvent = { eventId: Type.String(), txHash: hex32 };

/** POST /api/v1/records/break-glass: read a record in an emergency, flagged to the patient. */
export const breakGlassBody = Type.Object({
  resourceType: Type.Optional(Type.String()),
  id: Type.Optional(Type.String()),
  ...breakGlassJustification,
});
export type BreakGlassBody = Static<typeof breakGlassBody>;
export const breakGlassAnswerSchema = Type.Object({ ...breakGlassEvent, resource: fhirResourceSchema });
export type BreakGlassAnswer = Static<typeof breakGlassAnswerSchema>;

/**
 * POST /api/v1/records/break-glass/summary: the patient's emergency summary (allergies, conditions,
 * medications, latest observations and the Patient) held at this node, under one flagged event.
 */
export const emergencySummaryBody = Type.Object({
  patient: Type.Optional(Type.String({ description: "the patient's pseudonym (64 hex)" })),
  ...breakGlassJustification,
});
export type EmergencySummaryBody = Static<typeof emergencySummaryBody>;
export const emergencySummaryAnswerSchema = Type.Object({
  ...breakGlassEvent,
  resources: Type.Array(fhirResourceSchema),
});
export type EmergencySummaryAnswer = Static<typeof emergencySummaryAnswerSchema>;

/**
 * POST /api/v1/records/custodial-claims (issue 13): the custodian's attestation that `patientKey` is the
 * patient of its custodial identity `pseudonym`, for the patient's membership.claimPatient tx.
 */
export const custodialClaimBody = Type.Object({
  pseudonym: Type.Optional(Type.String()),
  patientKey: Type.Optional(Type.String()),
});
export const custodialClaimAnswerSchema = Type.Object({
  pseudonym: hex32,
  patientKey: hex32,
  attestedBy: hex32,
  attestation: Type.String(),
});
export type CustodialClaimAnswer = Static<typeof custodialClaimAnswerSchema>;

/** What the custodian kept off chain of a break-glass read, beside the event. */
const writtenReason = Type.Object({
  reason: Type.Union([Type.String(), Type.Null()]),
  reasonSalt: Type.Union([Type.String(), Type.Null()]),
  /** False when the reason kept off chain no longer matches its commitment on chain (altered). */
  reasonMatchesCommitment: Type.Boolean(),
});

/**
 * GET /api/v1/records/break-glass: the custodian's break-glass events, newest first, each with the
 * reason written off chain, its salt, and whether it still matches its commitment on chain.
 */
export const breakGlassListSchema = pageOf(
  Type.Unsafe<AccessLogEntry & Static<typeof writtenReason>>(
    Type.Object(writtenReason.properties, {
      additionalProperties: true,
      description: 'a break-glass access event with its written reason',
    }),
  ),
);
export type BreakGlassList = Static<typeof breakGlassListSchema>;

/** GET /api/v1/patients/me/access-log: the patient's access log, newest first (records accessLog). */
export const accessLogSchema = pageOf(accessEntry);
export type AccessLogAnswer = Static<typeof accessLogSchema>;

/** GET /api/v1/patients/me/audit-events: the same log as a FHIR searchset Bundle of AuditEvent (BALP). */
export const auditEventsResponse = {
  description: 'a FHIR searchset Bundle of AuditEvent',
  content: { 'application/fhir+json': { schema: fhirBundleSchema } },
};

/** POST /api/v1/patients/me/erasure: the patient's signed records.requestErasure tx. */
export const erasureBody = Type.Object({
  tx: Type.Optional(passWhole('a records.requestErasure tx signed by the patient')),
});
