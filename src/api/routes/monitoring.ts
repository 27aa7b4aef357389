// Remote monitoring routes (issue 18).
//   POST /api/v1/monitoring/news2/score      no caller: computes from the body alone, stores nothing
//   POST /api/v1/monitoring/batches          a gateway's compact signed batch: committed, then stored
//   GET  /api/v1/monitoring/devices/:systemId/readings/:readingId/proof   staff of the device's organisation,
//                                            once the read's access event is committed (read-log.ts)
//   GET  /api/v1/monitoring/access-log       the patient (or proxy): who was released their readings
//   GET  /api/v1/monitoring/devices, …/escalations    staff: their organisation's devices and escalations
//   GET  /api/v1/monitoring/devices/:systemId/billing/:periodStartMs      a billing fact and its proof
// and, beside it, the FHIR upload and searches (monitoring-fhir.ts) and NEWS2 escalations with their live
// alerts (monitoring-escalations.ts).
// A batch needs no bearer token: the device's or gateway's signature over the period's root is what the
// chain checks, and an unknown, unbound or revoked device or a replay is refused with nothing stored.
// Bodies (vital signs, readings) are never logged (server.ts).
import type { FastifyInstance } from 'fastify';
import { readDevice } from '../../app/monitoring/keys.ts';
import { errorSchema } from '../../contract/ledger.ts';
import {
  ACCESS_LOG_PATH,
  accessLogSchema,
  BATCHES_PATH,
  batchCommittedSchema,
  BILLING_FACT_PATH,
  billingFactParams,
  billingFactSchema,
  compactBatchSchema,
  DEVICES_PATH,
  deviceListSchema,
  ESCALATIONS_PATH,
  escalationListSchema,
  monitoringPageQuery,
  NEWS2_SCORE_PATH,
  news2ScoreSchema,
  news2VitalsSchema,
  READING_PROOF_PATH,
  readingProofParams,
  readingProofSchema,
  type CompactBatchBody,
  type MonitoringPageQuery,
  type News2VitalsBody,
} from '../../contract/monitoring.ts';
import type { CarechainNode } from '../../node/node.ts';
import { ServiceError } from '../../services/errors.ts';
import { MonitoringIngest } from '../../services/monitoring/ingest.ts';
import { scoreVitals } from '../../services/monitoring/news2.ts';
import type { FhirSearchExtension } from './fhir.ts';
import { SupplyService } from '../../services/supply/service.ts';
import { registerEscalationRoutes } from './monitoring-escalations.ts';
import { registerMonitoringFhir } from './monitoring-fhir.ts';
import { systemClock, systemRandomBytes } from '../../node/env.ts';
import { billingFactAnswer } from '../../services/monitoring/billing.ts';
import { devicesOfOwnOrg, escalationsOfOwnOrg } from '../../services/monitoring/lists.ts';
import { ownMonitoringAccessLog, releaseLog } from '../../services/monitoring/read-log.ts';

export interface MonitoringRouteOptions {
  /** Mount the ingest and proof routes (a node that authenticates callers, i.e. a custodian). */
  readonly ingest: boolean;
  readonly commitTimeoutMs?: number;
}

/** Registers the domain routes; answers the FHIR searches for registerFhirRoutes to mount. */
export function registerMonitoringRoutes(
  app: FastifyInstance,
  node: CarechainNode,
  options: MonitoringRouteOptions,
): FhirSearchExtension[] {
  app.post<{ Body: News2VitalsBody }>(
    NEWS2_SCORE_PATH,
    { schema: { body: news2VitalsSchema, response: { 200: news2ScoreSchema, 400: errorSchema } } },
    (request, reply) => reply.header('cache-control', 'no-store').send(scoreVitals(request.body)),
  );
  if (!options.ingest) return [];
  const committer = new SupplyService(
    { commitTimeoutMs: options.commitTimeoutMs },
    { node, clock: systemClock },
  );
  const ingest = new MonitoringIngest(node, committer);
  const readLog = releaseLog(committer, systemRandomBytes);

  app.post<{ Body: CompactBatchBody }>(
    BATCHES_PATH,
    {
      schema: {
        body: compactBatchSchema,
        response: { 200: batchCommittedSchema, 400: errorSchema, 422: errorSchema },
      },
    },
    (request) => ingest.ingest(request.body),
  );

  app.get<{ Params: { systemId: string; readingId: string } }>(
    READING_PROOF_PATH,
    {
      schema: {
        params: readingProofParams,
        response: { 200: readingProofSchema, 403: errorSchema, 422: errorSchema },
      },
    },
    async (request, reply) => {
      const caller = await request.caller();
      const { systemId, readingId } = request.params;
      const device = readDevice(node.ledger.state, systemId);
      if (caller.kind !== 'practitioner' || device === undefined || caller.orgId !== device.orgId) {
        throw new ServiceError('monitoring.not_staff', 'only staff of the device’s organisation');
      }
      const answer = ingest.proof(systemId, readingId);
      await readLog(caller, systemId, [answer.batch]);
      return reply.header('cache-control', 'no-store').send(answer);
    },
  );

  // Three pages of the caller's own: the patient's access log, the staff's devices and escalations.
  const lists = [
    [ACCESS_LOG_PATH, accessLogSchema, ownMonitoringAccessLog],
    [DEVICES_PATH, deviceListSchema, devicesOfOwnOrg],
    [ESCALATIONS_PATH, escalationListSchema, escalationsOfOwnOrg],
  ] as const;
  for (const [path, schema, list] of lists) {
    app.get<{ Querystring: MonitoringPageQuery }>(
      path,
      {
        schema: {
          querystring: monitoringPageQuery,
          response: { 200: schema, 400: errorSchema, 403: errorSchema },
        },
      },
      async (request, reply) => {
        const caller = await request.caller();
        const page = { offset: request.query.offset ?? 0, limit: request.query.limit ?? 20 };
        return reply.header('cache-control', 'no-store').send(list(node.ledger.state, caller, page));
      },
    );
  }

  app.get<{ Params: { systemId: string; periodStartMs: number } }>(
    BILLING_FACT_PATH,
    {
      schema: {
        params: billingFactParams,
        response: { 200: billingFactSchema, 400: errorSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const caller = await request.caller();
      const { systemId, periodStartMs } = request.params;
      const answer = billingFactAnswer(node.ledger.state, caller, systemId, periodStartMs);
      return reply.header('cache-control', 'no-store').send(answer);
    },
  );
  registerEscalationRoutes(app, node, committer);
  return registerMonitoringFhir(app, node, ingest, readLog);
}
