// AI routes of a custodian node (issue 20). Reads of the registry and of cohorts are public (the chain's
// records are); writes need a staff token of this node's organisation, which signs them; analytics and
// inference need a practitioner; "AI and my data" is the patient's own. Every write answers once committed.
//   POST /api/v1/ai/models                                   register a version (card, Device, artefact)
//   GET  /api/v1/ai/models, /models/:modelId, /models/:modelId/versions/:version
//   POST /api/v1/ai/models/:modelId/versions/:version/withdrawal
//   POST /api/v1/ai/cohorts                                  { query, purpose } run here, committed
//   GET  /api/v1/ai/cohorts/:cohortId
//   POST /api/v1/ai/rounds                                   { modelId?, round, cohortId, sites, features }
//   POST /api/v1/ai/datasets                                 { cohortId, limitMilli }
//   GET  /api/v1/ai/datasets/:datasetId/budget               the calling analyst's ε
//   POST /api/v1/ai/analytics                                a noisy count, after the spend commits
//   POST /api/v1/ai/inferences                               { modelId, version, patient }
//   GET  /api/v1/patients/me/ai                              the patient's "AI and my data"
import { randomInt } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  AI_PATH,
  aiCommittedSchema,
  analyticsBody,
  analyticsSchema,
  budgetSchema,
  cohortParams,
  cohortSchema,
  commitCohortBody,
  committedCohortSchema,
  datasetParams,
  inferenceBody,
  inferenceSchema,
  modelLineageSchema,
  modelParams,
  modelsSchema,
  modelVersionSchema,
  MY_AI_PATH,
  myAiSchema,
  registerDatasetBody,
  registeredDatasetSchema,
  registeredModelSchema,
  registerModelBody,
  roundAnswerSchema,
  runRoundBody,
  versionParams,
  withdrawModelBody,
  type AnalyticsBody,
  type CommitCohortBody,
  type InferenceBody,
  type RegisterDatasetBody,
  type RegisterModelBody,
  type RunRoundBody,
} from '../../contract/ai.ts';
import { errorSchema } from '../../contract/ledger.ts';
import { systemClock, systemRandomBytes } from '../../node/env.ts';
import type { CarechainNode } from '../../node/node.ts';
import { answerAnalytics, analystBudget, registerDataset } from '../../services/ai/analytics.ts';
import { cohortOf, commitCohort } from '../../services/ai/cohorts.ts';
import { runRound } from '../../services/ai/federated-rounds.ts';
import { AI_UPDATE_METHOD, serveUpdate } from '../../services/ai/federated-site.ts';
import { myAi, runInference } from '../../services/ai/inference.ts';
import { lineage, modelRecordOf, models, modelVersion, registerModel } from '../../services/ai/models.ts';
import { AiService, type Practitioner } from '../../services/ai/service.ts';
import type { RecordsGateway } from '../../services/records/gateway.ts';

type VersionRequest = FastifyRequest<{ Params: { modelId: string; version: string } }>;
const refusals = { 400: errorSchema, 403: errorSchema, 404: errorSchema, 422: errorSchema };

export function registerAiRoutes(app: FastifyInstance, node: CarechainNode, gateway: RecordsGateway): void {
  const service = new AiService({
    node,
    gateway,
    clock: systemClock,
    randomBytes: systemRandomBytes,
    randomInt: (bound) => randomInt(bound),
  });

  // Coordinators ask this node, as a custodian, for its masked update of a federated round.
  // (A refusal thrown in the executor rejects the promise: the peer gets an error answer.)
  node.network?.handleRequests(AI_UPDATE_METHOD, (from, params) => serveUpdate(service, from, params));

  /** A write by this organisation's staff that creates something: 201 with what was committed. */
  function staffCreates<B>(
    path: string,
    schema: { body: object; created: object },
    create: (caller: Practitioner, body: B) => Promise<unknown>,
  ): void {
    app.post<{ Body: B }>(
      `${AI_PATH}${path}`,
      { schema: { body: schema.body, response: { 201: schema.created, ...refusals } } },
      async (request, reply) =>
        reply.status(201).send(await create(service.ownStaff(await request.caller()), request.body as B)),
    );
  }

  staffCreates<RegisterModelBody>(
    '/models',
    { body: registerModelBody, created: registeredModelSchema },
    (caller, body) => registerModel(service, caller, body),
  );
  app.get(`${AI_PATH}/models`, { schema: { response: { 200: modelsSchema } } }, () => models(service));
  app.get<{ Params: { modelId: string } }>(
    `${AI_PATH}/models/:modelId`,
    { schema: { params: modelParams, response: { 200: modelLineageSchema, 404: errorSchema } } },
    (request) => lineage(service, request.params.modelId),
  );
  app.get(
    `${AI_PATH}/models/:modelId/versions/:version`,
    { schema: { params: versionParams, response: { 200: modelVersionSchema, 404: errorSchema } } },
    (request: VersionRequest) =>
      modelVersion(service, request.params.modelId, Number(request.params.version)),
  );
  app.post(
    `${AI_PATH}/models/:modelId/versions/:version/withdrawal`,
    {
      schema: {
        params: versionParams,
        body: withdrawModelBody,
        response: { 200: aiCommittedSchema, ...refusals },
      },
    },
    async (request: VersionRequest) => {
      service.ownStaff(await request.caller());
      const version = Number(request.params.version);
      modelRecordOf(service, request.params.modelId, version);
      return service.commit('ai.withdrawModel', { modelId: request.params.modelId, version });
    },
  );

  staffCreates<CommitCohortBody>(
    '/cohorts',
    { body: commitCohortBody, created: committedCohortSchema },
    (caller, body) => commitCohort(service, caller, body),
  );
  app.get<{ Params: { cohortId: string } }>(
    `${AI_PATH}/cohorts/:cohortId`,
    { schema: { params: cohortParams, response: { 200: cohortSchema, 404: errorSchema } } },
    (request) => cohortOf(service, request.params.cohortId),
  );

  staffCreates<RunRoundBody>('/rounds', { body: runRoundBody, created: roundAnswerSchema }, (_caller, body) =>
    runRound(service, body),
  );

  staffCreates<RegisterDatasetBody>(
    '/datasets',
    { body: registerDatasetBody, created: registeredDatasetSchema },
    (_caller, body) => registerDataset(service, body),
  );
  app.get<{ Params: { datasetId: string } }>(
    `${AI_PATH}/datasets/:datasetId/budget`,
    { schema: { params: datasetParams, response: { 200: budgetSchema, ...refusals } } },
    async (request, reply) => {
      const caller = service.practitioner(await request.caller());
      const answer = analystBudget(service, caller, request.params.datasetId);
      return reply.header('cache-control', 'no-store').send(answer);
    },
  );
  app.post<{ Body: AnalyticsBody }>(
    `${AI_PATH}/analytics`,
    { schema: { body: analyticsBody, response: { 200: analyticsSchema, 429: errorSchema, ...refusals } } },
    async (request, reply) => {
      const caller = service.practitioner(await request.caller());
      const answer = await answerAnalytics(service, caller, request.body);
      return reply.header('cache-control', 'no-store').send(answer);
    },
  );

  app.post<{ Body: InferenceBody }>(
    `${AI_PATH}/inferences`,
    { schema: { body: inferenceBody, response: { 201: inferenceSchema, ...refusals } } },
    async (request, reply) => {
      const caller = service.practitioner(await request.caller());
      const answer = await runInference(service, caller, request.body);
      return reply.status(201).header('cache-control', 'no-store').send(answer);
    },
  );
  app.get(
    MY_AI_PATH,
    { schema: { response: { 200: myAiSchema, 403: errorSchema } } },
    async (request, reply) =>
      reply.header('cache-control', 'no-store').send(myAi(service, await request.caller())),
  );
}
