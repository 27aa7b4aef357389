// The consent views' JSON Schemas (TypeBox) and their types (issue 6): the patient's own consents and
// the requests made to them, and a practitioner's verdicts. The consents themselves are signed by the
// patient as consent.* txs at POST /api/v1/txs; these routes only read. Consents and requests pass
// whole: the app's consent module decides their fields.
import { Type, type Static } from '@sinclair/typebox';

const passWhole = (description: string) => Type.Object({}, { additionalProperties: true, description });

/** GET /api/v1/patients/me/consents: every consent the patient granted, revoked ones included. */
export const myConsentsSchema = Type.Object({
  consents: Type.Array(passWhole('a consent as committed (app/consent)')),
});

/** GET /api/v1/patients/me/consents/fhir: the same consents as a FHIR searchset Bundle of Consent. */
export const myFhirConsentsResponse = {
  description: 'a FHIR searchset Bundle of Consent',
  content: {
    'application/fhir+json': {
      schema: Type.Object({ resourceType: Type.Literal('Bundle') }, { additionalProperties: true }),
    },
  },
};

export const consentPageQuery = Type.Object({
  _offset: Type.Optional(Type.String()),
  _count: Type.Optional(Type.String()),
});
/** GET /api/v1/patients/me/consent-requests: requests practitioners made, oldest first. */
export const myConsentRequestsSchema = passWhole('a page of consent requests: { items, total, ... }');

/** GET /api/v1/consents/allowed?patient=&resourceType=A,B&purpose=&action=: the caller's own verdicts. */
export const allowedQuery = Type.Object({
  patient: Type.Optional(Type.String({ description: 'the patient’s pseudonym (64 hex)' })),
  resourceType: Type.Optional(Type.String({ description: 'FHIR resource types, comma-separated' })),
  purpose: Type.Optional(Type.String()),
  action: Type.Optional(Type.String()),
});
export type AllowedQueryBody = Static<typeof allowedQuery>;
export const allowedSchema = passWhole('per resource type asked, whether the caller may act');
