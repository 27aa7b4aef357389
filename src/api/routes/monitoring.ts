// Remote monitoring routes (issue 18).
//   POST /api/v1/monitoring/news2/score      no caller: computes from the body alone, stores nothing
//   POST /api/v1/monitoring/batches          a gateway's compact signed batch: committed, then stored
//   GET  /api/v1/monitoring/devices/:systemId/readings/:readingId/proof   staff of the device's organisation
// and, beside it, the FHIR upload and searches (monitoring-fhir.ts) and NEWS2 escalations with their live
// alerts (monitoring-escalations.ts).
// A batch needs no bearer token: the device's or gateway's signature over the period's root is what the
// chain checks, and an unknown, unbound or revoked device or a replay is refused with nothing stored.
// Bodies (vital signs, readings) are never logged (server.ts).
import type { FastifyInstance } from 'fastify';
import { readDevice } from '../../app/monitoring/keys.ts';
import { errorSchema } from '../../contract/ledger.ts';
import {
  BATCHES_PATH,
  batchCommittedSchema,
  compactBatchSchema,
  NEWS2_SCORE_PATH,
  news2ScoreSchema,
  news2VitalsSchema,
  READING_PROOF_PATH,
  readingProofParams,
  readingProofSchema,
  type CompactBatchBody,
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
import { systemClock } from '../../node/env.ts';

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
      return reply.header('cache-control', 'no-store').send(ingest.proof(systemId, readingId));
    },
  );
  registerEscalationRoutes(app, node, committer);
  return registerMonitoringFhir(app, node, ingest);
}
