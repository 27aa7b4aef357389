// The HL7 message log of a custodian node (issue 21 §6; contract/hl7.ts, services/hl7/message-log-view.ts):
//   GET /api/v1/hl7/messages        newest first, filtered by status and type, paged by `before`
//   GET /api/v1/hl7/messages/:id    one message's row and the ACKs sent
// Every route needs a staff token of this node's organisation in an integration role. Errors:
// { error: { code, message, details } }.
import type { FastifyInstance } from 'fastify';
import { errorSchema } from '../../contract/ledger.ts';
import {
  HL7_API,
  hl7MessageAnswerSchema,
  hl7MessageParams,
  hl7MessagesAnswerSchema,
  hl7MessagesQuery,
  type Hl7MessagesQuery,
} from '../../contract/hl7.ts';
import type { CarechainNode } from '../../node/node.ts';
import type { Hl7LogEntries } from '../../node/storage/hl7-log-entries.ts';
import { messagesView, messageView } from '../../services/hl7/message-log-view.ts';

const refusals = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 503: errorSchema };

export function registerHl7Routes(app: FastifyInstance, node: CarechainNode, log: Hl7LogEntries): void {
  app.get<{ Querystring: Hl7MessagesQuery }>(
    `${HL7_API}/messages`,
    { schema: { querystring: hl7MessagesQuery, response: { 200: hl7MessagesAnswerSchema, ...refusals } } },
    async (request, reply) =>
      reply
        .header('cache-control', 'no-store')
        .send(messagesView(node, log, await request.caller(), request.query)),
  );
  app.get<{ Params: { id: string } }>(
    `${HL7_API}/messages/:id`,
    { schema: { params: hl7MessageParams, response: { 200: hl7MessageAnswerSchema, ...refusals } } },
    async (request, reply) =>
      reply
        .header('cache-control', 'no-store')
        .send(messageView(node, log, await request.caller(), request.params.id)),
  );
}
