// The records-admin routes' JSON Schemas (TypeBox) and their types (issue 4 "Access", "Erasure"):
// break-glass, the privacy officer's list, the patient's access log and audit events, and the erasure
// request (its answers are in erasure.ts). The routes answer failures as OperationOutcomes, like the
// FHIR endpoint beside them. Request bodies name their fields without demanding them: the records
// admin answers a missing one with its own OperationOutcome. Entries of the lists the services build
// pass whole; FHIR resources and Bundles are FHIR's shapes.
import { Type, type Static } from '@sinclair/typebox';
import { hex32 } from './ledger.ts';

const passWhole = (description: string) => Type.Object({}, { additionalProperties: true, description });

/** A FHIR R4 resource, as FHIR defines it (validated by the gateway, not here). */
export const fhirResourceSchema = Type.Object(
  { resourceType: Type.String() },
  { additionalProperties: true, description: 'a FHIR R4 resource' },
);

/** Paging of the records lists: _offset ≥ 0, _count 1..RECORDS_PAGE_MAX (checked by the services). */
export const recordsPageQuery = Type.Object({
  _offset: Type.Optional(Type.String()),
  _count: Type.Optional(Type.String()),
});

/** POST /api/v1/records/break-glass: read a record in an emergency, flagged to the patient. */
export const breakGlassBody = Type.Object({
  resourceType: Type.Optional(Type.String()),
  id: Type.Optional(Type.String()),
  purpose: Type.Optional(Type.String({ description: 'ETREAT' })),
  reason: Type.Optional(Type.String({ description: 'why, kept off chain for the privacy officer' })),
});
export type BreakGlassBody = Static<typeof breakGlassBody>;
export const breakGlassAnswerSchema = Type.Object({
  eventId: Type.String(),
  txHash: hex32,
  resource: fhirResourceSchema,
});
export type BreakGlassAnswer = Static<typeof breakGlassAnswerSchema>;

/** GET /api/v1/records/break-glass: the custodian's break-glass events with their written reasons. */
export const breakGlassListSchema = passWhole('break-glass events, newest first, with their reasons');
/** GET /api/v1/patients/me/access-log: the patient's access log (records accessLog). */
export const accessLogSchema = passWhole('the patient’s access log, one entry per access event');

/** GET /api/v1/patients/me/audit-events: the same log as a FHIR searchset Bundle of AuditEvent (BALP). */
export const auditEventsResponse = {
  description: 'a FHIR searchset Bundle of AuditEvent',
  content: { 'application/fhir+json': { schema: fhirResourceSchema } },
};

/** POST /api/v1/patients/me/erasure: the patient's signed records.requestErasure tx. */
export const erasureBody = Type.Object({
  tx: Type.Optional(passWhole('a records.requestErasure tx signed by the patient')),
});
