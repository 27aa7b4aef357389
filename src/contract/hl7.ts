// The HL7 message log of a custodian node (issue 21 §6), for its own organisation's integration staff:
//   GET /api/v1/hl7/messages        newest first, ?status= ?type= (MSH-9, e.g. ORU^R01) ?before= ?limit=,
//                                   with a per-status count and latency summary
//   GET /api/v1/hl7/messages/:id    one message: its row and the ACKs the node sent, oldest first
// No PHI by construction: the schemas below are the response whitelist, and they name the message's
// sender, control id, type, times, ACK codes, ERR code and text (the node's own sentences, which name
// fields, never values), record count and tx. Never PID content, never message bytes.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { Hl7LogStatus } from '../app/hl7/log-status.ts';

export const HL7_API = '/api/v1/hl7';
/** A page holds this many messages at most (and by default). */
export const HL7_PAGE_MAX = 100;

const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const text = Type.String({ maxLength: 200 });
/** app/hl7/log-status.ts's statuses (a contract imports only types from app): the checks below keep them one list. */
const STATUSES = ['accepted', 'final', 'error', 'refused'] as const satisfies readonly Hl7LogStatus[];
const everyStatusListed: Hl7LogStatus extends (typeof STATUSES)[number] ? true : never = true;
void everyStatusListed;
export const hl7StatusSchema = Type.Union(STATUSES.map((s) => Type.Literal(s)));

export const hl7MessagesQuery = Type.Object({
  status: Type.Optional(hl7StatusSchema),
  /** MSH-9.1 and 9.2 as 'ORU^R01'. */
  type: Type.Optional(Type.String({ pattern: '^[A-Z0-9]{3}(\\^[A-Z0-9]{3})?$' })),
  /** The id of the previous page's last message: the page after it. */
  before: Type.Optional(Type.Integer({ minimum: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: HL7_PAGE_MAX })),
});
export type Hl7MessagesQuery = Static<typeof hl7MessagesQuery>;

export const hl7MessageParams = Type.Object({ id: Type.String({ pattern: '^[1-9][0-9]{0,15}$' }) });

export const hl7MessageSchema = Type.Object({
  id: Type.Integer(),
  /** MSH-4.1, else MSH-3.1: whom node.json configures. */
  sender: text,
  sendingApplication: text,
  sendingFacility: text,
  /** MSH-10. */
  controlId: text,
  messageType: text,
  mode: Type.Union([Type.Literal('original'), Type.Literal('enhanced')]),
  status: hl7StatusSchema,
  receivedAtMs: Type.Integer(),
  /** When the last ACK was sent. */
  acknowledgedAtMs: Type.Integer(),
  finalAtMs: nullable(Type.Integer()),
  /** The last ACK's MSA-1. */
  ackCode: text,
  /** Its ERR-3 (table 0357, or 204–207) and text, when it carried one. */
  errorCode: nullable(text),
  errorText: nullable(text),
  /** Once final: the records the message wrote, and the tx and block that made them final. */
  recordCount: nullable(Type.Integer()),
  height: nullable(Type.Integer()),
  txHash: nullable(Type.String({ pattern: '^[0-9a-f]{64}$' })),
});
export type Hl7Message = Static<typeof hl7MessageSchema>;

export const hl7StatusSummarySchema = Type.Object({
  status: hl7StatusSchema,
  count: Type.Integer(),
  /** Median and 99th percentile latency (arrival to last ACK), over `latencySample` of the latest. */
  p50Ms: nullable(Type.Integer()),
  p99Ms: nullable(Type.Integer()),
  latencySample: Type.Integer(),
});
export type Hl7StatusSummary = Static<typeof hl7StatusSummarySchema>;

export const hl7AckSchema = Type.Object({
  code: text,
  errorCode: nullable(text),
  errorText: nullable(text),
  atMs: Type.Integer(),
});
export type Hl7Ack = Static<typeof hl7AckSchema>;

export const hl7MessagesAnswerSchema = Type.Object({
  orgId: Type.String(),
  messages: Type.Array(hl7MessageSchema),
  /** The `before` of the next page; null on the last. */
  next: nullable(Type.Integer()),
  summary: Type.Array(hl7StatusSummarySchema),
});
export type Hl7MessagesAnswer = Static<typeof hl7MessagesAnswerSchema>;

export const hl7MessageAnswerSchema = Type.Object({
  message: hl7MessageSchema,
  acks: Type.Array(hl7AckSchema),
});
export type Hl7MessageAnswer = Static<typeof hl7MessageAnswerSchema>;
