// The claims API (issue 17), computed from the chain alone:
//   GET  /api/v1/claims/metrics                      per-payer PA metrics as of the tip (?payer=)
//   GET  /api/v1/claims/fingerprints/:fingerprint    which claim holds a line now (a duplicate check)
//   GET  /api/v1/claims/rules/:payerOrgId            a payer's rule table (?version=, default the latest)
//   GET  /api/v1/claims/prior-auth/:requestId        a PA request, its deadline and whether it was met
//   GET  /api/v1/claims/:claimId                     a claim's commitment, status, line verdicts, digest
//   POST /api/v1/claims/:claimId/replay              { facts } → the engine's answer and whether it
//                                                    reproduces the committed digest
//   POST /api/v1/claims/prior-auth/:requestId/decision  { action, authNumber }: the payer's staff answer
//                                                    a PA request through their own node (token needed)
//   POST /api/v1/claims                              { payerOrgId, patientPseudonym, facts, lines, … }:
//                                                    the provider's staff submit a claim (token needed)
//   POST /api/v1/claims/:claimId/adjudication        {}: the payer's claims office adjudicates it from the
//                                                    content its node fetches from the provider's node;
//                                                    the payer's node keeps the EOB (token needed)
//   GET  /api/v1/patients/me/explanation-of-benefits the patient's EOBs at this payer (FHIR Bundle)
//   GET  /api/v1/claims/workspace                    the payer's claims office: the latest claims and PA
//                                                    requests sent to this node's organisation, with the
//                                                    clocks and its metrics (token needed)
//   GET  /api/v1/claims/:claimId/documentation       the same office: each cited record version's
//                                                    existence and timing from the chain (token needed)
// The reads need no token: the chain they read is public between members (commitments, pseudonyms,
// verdicts, figures, never claim content), and a replay only computes. Errors: { error: { code,
// message, details } }.
import type { FastifyInstance } from 'fastify';
import {
  CLAIMS_API,
  claimAnswerSchema,
  claimParams,
  decisionAnswerSchema,
  decisionBody,
  fingerprintAnswerSchema,
  fingerprintParams,
  metricsAnswerSchema,
  metricsQuery,
  priorAuthAnswerSchema,
  priorAuthParams,
  replayAnswerSchema,
  replayBody,
  ruleTableAnswerSchema,
  ruleTableParams,
  ruleTableQuery,
  type DecisionBody,
  type ReplayBody,
  adjudicationAnswerSchema,
  adjudicationBody,
  submitClaimAnswerSchema,
  submitClaimBody,
  type AdjudicationBody,
  type SubmitClaimBody,
  documentationAnswerSchema,
  workspaceAnswerSchema,
} from '../../contract/claims.ts';
import { documentationView, workspaceView } from '../../services/claims/workspace.ts';
import { fhirBundleSchema } from '../../contract/fhir.ts';
import type { ClaimBillingService } from '../../services/claims/billing.ts';
import type { PriorAuthService } from '../../services/claims/prior-auth.ts';
import { errorSchema } from '../../contract/ledger.ts';
import type { CarechainNode } from '../../node/node.ts';
import {
  claimOrRefuse,
  fingerprintView,
  metricsView,
  priorAuthView,
  replayView,
  ruleTableView,
} from '../../services/claims/views.ts';

const refusals = { 400: errorSchema, 404: errorSchema, 422: errorSchema };
const callerRefusals = { ...refusals, 401: errorSchema, 403: errorSchema, 503: errorSchema };
export const MY_EOBS_PATH = '/api/v1/patients/me/explanation-of-benefits';

export function registerClaimsRoutes(
  app: FastifyInstance,
  node: CarechainNode,
  priorAuth: PriorAuthService | undefined,
  billing: ClaimBillingService | undefined,
): void {
  const { ledger } = node;
  app.get<{ Querystring: { payer?: string } }>(
    `${CLAIMS_API}/metrics`,
    { schema: { querystring: metricsQuery, response: { 200: metricsAnswerSchema, ...refusals } } },
    (request) => metricsView(ledger.state, ledger.tip(), request.query.payer),
  );
  app.get<{ Params: { fingerprint: string } }>(
    `${CLAIMS_API}/fingerprints/:fingerprint`,
    { schema: { params: fingerprintParams, response: { 200: fingerprintAnswerSchema, ...refusals } } },
    (request) => fingerprintView(ledger.state, request.params.fingerprint),
  );
  app.get<{ Params: { payerOrgId: string }; Querystring: { version?: number } }>(
    `${CLAIMS_API}/rules/:payerOrgId`,
    {
      schema: {
        params: ruleTableParams,
        querystring: ruleTableQuery,
        response: { 200: ruleTableAnswerSchema, ...refusals },
      },
    },
    (request) => ruleTableView(ledger.state, request.params.payerOrgId, request.query.version),
  );
  app.get<{ Params: { requestId: string } }>(
    `${CLAIMS_API}/prior-auth/:requestId`,
    { schema: { params: priorAuthParams, response: { 200: priorAuthAnswerSchema, ...refusals } } },
    (request) => priorAuthView(ledger.state, request.params.requestId),
  );
  app.get<{ Params: { claimId: string } }>(
    `${CLAIMS_API}/:claimId`,
    { schema: { params: claimParams, response: { 200: claimAnswerSchema, ...refusals } } },
    (request) => ({
      height: ledger.tip().height,
      claim: claimOrRefuse(ledger.state, request.params.claimId),
    }),
  );
  app.post<{ Params: { claimId: string }; Body: ReplayBody }>(
    `${CLAIMS_API}/:claimId/replay`,
    {
      schema: { params: claimParams, body: replayBody, response: { 200: replayAnswerSchema, ...refusals } },
    },
    (request) => replayView(ledger.state, request.params.claimId, request.body.facts),
  );
  registerWorkspaceRoutes(app, node);
  if (billing !== undefined) registerBillingRoutes(app, billing);
  if (priorAuth === undefined) return;
  app.post<{ Params: { requestId: string }; Body: DecisionBody }>(
    `${CLAIMS_API}/prior-auth/:requestId/decision`,
    {
      schema: {
        params: priorAuthParams,
        body: decisionBody,
        response: { 200: decisionAnswerSchema, ...refusals, 401: errorSchema, 403: errorSchema },
      },
    },
    async (request) => {
      const { action, authNumber } = request.body;
      const who = await request.caller();
      const { txHash, height } = await priorAuth.decide(who, request.params.requestId, action, authNumber);
      return { txHash, height, ...priorAuthView(ledger.state, request.params.requestId) };
    },
  );
}

/** The insurer workspace's reads: the payer's claims office at its own node (services/claims/workspace.ts). */
function registerWorkspaceRoutes(app: FastifyInstance, node: CarechainNode): void {
  const refusedCaller = { 401: errorSchema, 403: errorSchema, 404: errorSchema, 422: errorSchema };
  app.get(
    `${CLAIMS_API}/workspace`,
    { schema: { response: { 200: workspaceAnswerSchema, ...refusedCaller } } },
    async (request, reply) =>
      reply.header('cache-control', 'no-store').send(workspaceView(node, await request.caller())),
  );
  app.get<{ Params: { claimId: string } }>(
    `${CLAIMS_API}/:claimId/documentation`,
    { schema: { params: claimParams, response: { 200: documentationAnswerSchema, ...refusedCaller } } },
    async (request, reply) =>
      reply
        .header('cache-control', 'no-store')
        .send(documentationView(node, await request.caller(), request.params.claimId)),
  );
}

/** Claims for payment and the EOBs they end in: every route needs a caller; the service decides who. */
function registerBillingRoutes(app: FastifyInstance, billing: ClaimBillingService): void {
  app.post<{ Body: SubmitClaimBody }>(
    CLAIMS_API,
    { schema: { body: submitClaimBody, response: { 200: submitClaimAnswerSchema, ...callerRefusals } } },
    async (request) => billing.submit(await request.caller(), request.body),
  );
  app.post<{ Params: { claimId: string }; Body: AdjudicationBody }>(
    `${CLAIMS_API}/:claimId/adjudication`,
    {
      schema: {
        params: claimParams,
        body: adjudicationBody,
        response: { 200: adjudicationAnswerSchema, ...callerRefusals },
      },
    },
    async (request) => billing.adjudicate(await request.caller(), request.params.claimId),
  );
  app.get(
    MY_EOBS_PATH,
    { schema: { response: { 200: fhirBundleSchema, 401: errorSchema, 403: errorSchema } } },
    async (request, reply) =>
      reply
        .header('content-type', 'application/fhir+json')
        .header('cache-control', 'no-store')
        .send(await billing.eobsOf(await request.caller())),
  );
}
