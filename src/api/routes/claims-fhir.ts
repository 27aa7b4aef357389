// Prior authorisation on the FHIR boundary (issue 17 §5, Da Vinci PAS): registered inside the /fhir/R4
// scope (routes/fhir.ts), so failures leave as OperationOutcomes and application/fhir+json is parsed.
//   POST /fhir/R4/Claim/$submit    a PAS request Bundle → the PAS response Bundle (A4 until decided)
//   POST /fhir/R4/Claim/$inquire   the same request Bundle → its response Bundle as the chain has it now
// The token is checked before the body is read; the service decides who may (staff of this node).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fhirBundleSchema } from '../../contract/fhir.ts';
import type { PriorAuthService } from '../../services/claims/prior-auth.ts';
import { FHIR_JSON_CONTENT_TYPE } from '../../services/fhir/operation-outcome.ts';

export const CLAIM_SUBMIT_PATH = '/fhir/R4/Claim/$submit';
export const CLAIM_INQUIRE_PATH = '/fhir/R4/Claim/$inquire';

export function registerPriorAuthFhirRoutes(
  scope: FastifyInstance,
  service: PriorAuthService,
  authenticateFirst: (request: FastifyRequest) => Promise<void>,
): void {
  const answer = (reply: FastifyReply, bundle: unknown) =>
    reply.header('content-type', FHIR_JSON_CONTENT_TYPE).header('cache-control', 'no-store').send(bundle);
  const route = {
    onRequest: authenticateFirst,
    schema: { body: fhirBundleSchema, response: { 200: fhirBundleSchema } },
  };
  scope.post(CLAIM_SUBMIT_PATH, route, async (request, reply) =>
    answer(reply, await service.submit(await request.caller(), request.body)),
  );
  scope.post(CLAIM_INQUIRE_PATH, route, async (request, reply) =>
    answer(reply, service.inquire(await request.caller(), request.body)),
  );
}
