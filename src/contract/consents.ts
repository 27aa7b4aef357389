// The consent views' JSON Schemas (TypeBox) and their types (issue 6): the patient's own consents and
// the requests made to them, and a practitioner's verdicts. The consents themselves are signed by the
// patient as consent.* txs at POST /api/v1/txs; these routes only read. Consents and requests pass
// whole, typed by the app's ConsentRecord and ConsentRequestRecord: the app's consent module decides
// their fields.
import { Type, type Static } from '@sinclair/typebox';
import type { AccessReason, ConsentRecord, ConsentRequestRecord } from '../app/consent/types.ts';
import type { PolicyReason } from '../app/records/policy.ts';
import { fhirBundleSchema } from './fhir.ts';
import { parseServerSentEvents } from './sse.ts';

/** A record of the chain's consent module, passed whole and typed by its app type. */
function record<T>(description: string) {
  return Type.Unsafe<T>(Type.Object({}, { additionalProperties: true, description }));
}

/** GET /api/v1/patients/me/consents: every consent the patient granted, revoked ones included. */
export const myConsentsSchema = Type.Object({
  consents: Type.Array(record<ConsentRecord>('a consent as committed (app/consent ConsentRecord)')),
});
export type MyConsentsAnswer = Static<typeof myConsentsSchema>;

/** GET /api/v1/patients/me/consents/fhir: the same consents as a FHIR searchset Bundle of Consent. */
export const myFhirConsentsResponse = {
  description: 'a FHIR searchset Bundle of Consent',
  content: { 'application/fhir+json': { schema: fhirBundleSchema } },
};

export const consentPageQuery = Type.Object({
  _offset: Type.Optional(Type.String()),
  _count: Type.Optional(Type.String()),
});
/** GET /api/v1/patients/me/consent-requests: requests practitioners made, oldest first, a page at a time. */
export const myConsentRequestsSchema = Type.Object({
  total: Type.Integer(),
  requests: Type.Array(record<ConsentRequestRecord>('a consent request (app/consent ConsentRequestRecord)')),
});
export type MyConsentRequestsAnswer = Static<typeof myConsentRequestsSchema>;

/** GET /api/v1/consents/allowed?patient=&resourceType=A,B&purpose=&action=: the caller's own verdicts. */
export const allowedQuery = Type.Object({
  patient: Type.Optional(Type.String({ description: 'the patient’s pseudonym (64 hex)' })),
  resourceType: Type.Optional(Type.String({ description: 'FHIR resource types, comma-separated' })),
  purpose: Type.Optional(Type.String()),
  action: Type.Optional(Type.String()),
  custodian: Type.Optional(
    Type.String({ description: "the organisation keeping the records; the caller's own by default" }),
  ),
});
export type AllowedQueryBody = Static<typeof allowedQuery>;

/** One verdict: whether the caller may act on the patient's records of this type, and the reason code. */
export const allowedDecisionSchema = Type.Object({
  resourceType: Type.String(),
  decision: Type.Union([Type.Literal('permit'), Type.Literal('deny')]),
  reason: Type.Unsafe<AccessReason | PolicyReason>(
    Type.String({
      description:
        'consent.permit, consent.denied (a deny matched), consent.none, or the base policy that grants ' +
        'what no consent decided (policy.treatment-relationship, policy.opt-out)',
    }),
  ),
});
/** The answer: the question as understood, and a verdict per resource type asked, in the order asked. */
export const allowedSchema = Type.Object({
  patient: Type.String(),
  purpose: Type.String(),
  action: Type.String(),
  decisions: Type.Array(allowedDecisionSchema),
});
export type AllowedAnswer = Static<typeof allowedSchema>;

/** What a caller's consent event stream (GET /api/v1/events/mine) says happened. */
export const CONSENT_EVENT_KINDS = [
  /** A practitioner asked the patient (sent to the patient). */
  'consent.requested',
  /** The patient approved or declined a request (sent to the practitioner who asked, and the patient). */
  'consent.answered',
  /** The patient granted a consent (sent to the patient and to the practitioners it covers). */
  'consent.granted',
  /** The patient revoked a consent (sent to the patient and to the practitioners it covered). */
  'consent.revoked',
] as const;
export type ConsentEventKind = (typeof CONSENT_EVENT_KINDS)[number];

/**
 * The data of one `consent` event: what happened, in which tx, and which request or consent, never whose
 * records or which kinds; the app refetches the consent views with the caller's own token.
 */
export const consentEventSchema = Type.Object({
  kind: Type.Union(CONSENT_EVENT_KINDS.map((k) => Type.Literal(k))),
  txHash: Type.String(),
  height: Type.Integer(),
  requestId: Type.Optional(Type.String()),
  consentId: Type.Optional(Type.String()),
});
export type ConsentEvent = Static<typeof consentEventSchema>;

/** GET /api/v1/events/mine: Server-Sent Events (`hello` { height }, then one `consent` per event). */
export const myEventStreamResponse = {
  description:
    'Server-Sent Events for the caller only: `hello` { height }, then one `consent` event (ConsentEvent) ' +
    'per consent request, answer, grant or revocation that concerns them',
  content: { 'text/event-stream': { schema: Type.String() } },
};

/** The `consent` events in a chunk of SSE text, and the unfinished rest to prepend to the next chunk. */
export function parseConsentEvents(text: string): { events: ConsentEvent[]; rest: string } {
  return parseServerSentEvents<ConsentEvent>(text, 'consent');
}
