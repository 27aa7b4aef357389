// Read-only consent views for the web app (issue 6), answered from the latest committed state:
//   GET /api/v1/patients/me/consents          the patient (or proxy): every consent they granted, in
//                                             commit order, revoked ones included (they sign the changes
//                                             themselves as consent.* txs at POST /api/v1/txs)
//   GET /api/v1/patients/me/consents/fhir     the same consents as FHIR R4 Consent resources, in a
//                                             searchset Bundle (consent/fhir.ts toFhirConsent)
//   GET /api/v1/patients/me/consent-requests  the patient: requests practitioners made, oldest first
//   GET /api/v1/consents/allowed?patient=…&resourceType=A,B&purpose=TREAT&action=read
//                                             a practitioner: what the patient's consent allows THEM
//                                             (consent evaluateAccess), per resource type asked; only
//                                             the caller's own verdicts, never the consents themselves
// Errors are the domain format; who sees what is decided in services/consents/views.ts.
import type { FastifyInstance } from 'fastify';
import type { CarechainNode } from '../../node/node.ts';
import {
  allowedQuery,
  allowedSchema,
  consentPageQuery,
  myConsentRequestsSchema,
  myConsentsSchema,
  myFhirConsentsResponse,
} from '../../contract/consents.ts';
import {
  allowedForCaller,
  ownConsentRequests,
  ownConsents,
  ownFhirConsents,
  type AllowedQuery,
  type PageQuery,
} from '../../services/consents/views.ts';

export { ALLOWED_TYPES_MAX } from '../../services/consents/views.ts';
export const MY_CONSENTS_PATH = '/api/v1/patients/me/consents';
export const MY_FHIR_CONSENTS_PATH = '/api/v1/patients/me/consents/fhir';
export const MY_CONSENT_REQUESTS_PATH = '/api/v1/patients/me/consent-requests';
export const CONSENTS_ALLOWED_PATH = '/api/v1/consents/allowed';

export function registerConsentRoutes(
  app: FastifyInstance,
  node: CarechainNode,
  /** The node's FHIR base URL, for the Bundle's fullUrls. */
  fhirBaseUrl: string,
): void {
  const state = () => node.ledger.state;

  void app.register((scope, _opts, done) => {
    scope.get(
      MY_CONSENTS_PATH,
      { schema: { response: { 200: myConsentsSchema } } },
      async (request, reply) => {
        const consents = ownConsents(state(), await request.caller());
        return reply.header('cache-control', 'no-store').send({ consents });
      },
    );

    scope.get(
      MY_FHIR_CONSENTS_PATH,
      { schema: { response: { 200: myFhirConsentsResponse } } },
      async (request, reply) => {
        const bundle = ownFhirConsents(state(), await request.caller(), fhirBaseUrl);
        return reply
          .header('content-type', 'application/fhir+json')
          .header('cache-control', 'no-store')
          .send(bundle);
      },
    );

    const requests = { querystring: consentPageQuery, response: { 200: myConsentRequestsSchema } };
    scope.get<{ Querystring: PageQuery }>(
      MY_CONSENT_REQUESTS_PATH,
      { schema: requests },
      async (request, reply) => {
        const page = ownConsentRequests(state(), await request.caller(), request.query);
        return reply.header('cache-control', 'no-store').send(page);
      },
    );

    const allowed = { querystring: allowedQuery, response: { 200: allowedSchema } };
    scope.get<{ Querystring: AllowedQuery }>(
      CONSENTS_ALLOWED_PATH,
      { schema: allowed },
      async (request, reply) => {
        const who = await request.caller();
        const verdicts = allowedForCaller(state(), node.ledger.tip(), who, request.query, MY_CONSENTS_PATH);
        return reply.header('cache-control', 'no-store').send(verdicts);
      },
    );
    done();
  });
}
