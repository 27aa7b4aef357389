// NEWS2 escalations at the custodian (issue 18 §4), for staff of the device's organisation:
//   POST /api/v1/monitoring/devices/:systemId/vitals     a complete vital-signs set, scored; at medium or
//                                                        high risk an escalation is opened on chain
//   GET  /api/v1/monitoring/escalations/:escalationId    one escalation with its response clock
//   GET  /api/v1/monitoring/alerts                       SSE: the organisation's escalations opening and
//                                                        being acknowledged, from committed blocks only
// The acknowledgement is the practitioner's own signed monitoring.ackEscalation at POST /api/v1/txs.
import type { FastifyInstance } from 'fastify';
import { errorSchema } from '../../contract/ledger.ts';
import {
  ALERTS_PATH,
  alertStreamResponse,
  deviceParams,
  ESCALATION_PATH,
  escalationParams,
  escalationSchema,
  news2VitalsSchema,
  VITALS_PATH,
  vitalsAssessedSchema,
  type News2VitalsBody,
} from '../../contract/monitoring.ts';
import { systemRandomBytes } from '../../node/env.ts';
import type { CarechainNode } from '../../node/node.ts';
import type { ProducedBlock } from '../../node/solo-producer.ts';
import { ServiceError } from '../../services/errors.ts';
import { CallerStreams } from '../../services/live/caller-streams.ts';
import {
  concernsStaff,
  escalationEventsOf,
  MonitoringEscalations,
  type EscalationEvent,
  type OrgAudience,
} from '../../services/monitoring/escalations.ts';
import type { SupplyService } from '../../services/supply/service.ts';
import { blockTxs, EVENT_STREAMS_MAX, openStream, type EventStream } from './events.ts';

/**
 * NEWS2 escalations: a vital-signs set scored and, at medium or high risk, escalated on chain; one
 * escalation read back; and the organisation's alerts live (SSE), from committed blocks only.
 */
export function registerEscalationRoutes(
  app: FastifyInstance,
  node: CarechainNode,
  committer: SupplyService,
): void {
  const escalations = new MonitoringEscalations(committer, systemRandomBytes);
  app.post<{ Params: { systemId: string }; Body: News2VitalsBody }>(
    VITALS_PATH,
    {
      schema: {
        params: deviceParams,
        body: news2VitalsSchema,
        response: { 200: vitalsAssessedSchema, 400: errorSchema, 403: errorSchema, 422: errorSchema },
      },
    },
    async (request, reply) => {
      const caller = await request.caller();
      const assessed = await escalations.assess(caller, request.params.systemId, request.body);
      return reply.header('cache-control', 'no-store').send(assessed);
    },
  );
  app.get<{ Params: { escalationId: string } }>(
    ESCALATION_PATH,
    { schema: { params: escalationParams, response: { 200: escalationSchema, 422: errorSchema } } },
    async (request, reply) => {
      const caller = await request.caller();
      return reply
        .header('cache-control', 'no-store')
        .send(escalations.escalation(caller, request.params.escalationId));
    },
  );

  const alerts = new CallerStreams<EscalationEvent, OrgAudience>(EVENT_STREAMS_MAX, concernsStaff);
  node.on('block', (block: ProducedBlock) =>
    alerts.publish(() => escalationEventsOf(node.ledger.state, blockTxs(node, block))),
  );
  app.get(
    ALERTS_PATH,
    { schema: { response: { 200: alertStreamResponse, 403: errorSchema, 503: errorSchema } } },
    async (request, reply) => {
      const caller = await request.caller();
      if (caller.kind !== 'practitioner') {
        throw new ServiceError('monitoring.not_staff', 'alerts are for organisation staff');
      }
      // Subscribed before the reply is taken over, so a refusal (too many streams) is still a 503.
      const stream: { open?: EventStream } = {};
      const close = alerts.open(caller, (event) => stream.open?.send('escalation', event, event.height));
      stream.open = openStream(request, reply, { height: node.ledger.tip().height }, close);
    },
  );
}
