// The HL7 message log's rows for the web app's message log page (issue 21 §6), in the 'hl7' store beside
// the ACK log (hl7-message-log.ts shares its port). One row per message of a configured sender, keyed as
// the ACK log is (sender, MSH-10, digest): what the integration staff need to follow a message and
// nothing of its content. It holds the sending application and facility, the control id, the message
// type, the times, the ACKs sent (code, ERR code and text) and, once final, how many records it wrote and
// the tx and height that made them final. Never PID content, never the message bytes: ERR texts are the
// ingest's own sentences (app/hl7/messages.ts MappingError, services/hl7/ingest.ts), which name fields,
// not values. A message from an unknown sender, or one whose header cannot be read, gets no row (its
// AR is counted in the metrics only): who may fill this table is decided before it is written.
import { HL7_LOG_STATUSES, type Hl7LogStatus } from '../../app/hl7/log-status.ts';
import type { SqlPort } from './port.ts';

/** One ACK the node sent for a message. */
export interface Hl7AckEvent {
  readonly code: string;
  readonly errorCode: string | null;
  readonly errorText: string | null;
  readonly atMs: number;
}

/** What one answer to a message adds to its row. */
export interface Hl7LogUpdate {
  /** The message as the ACK log knows it (hl7-message-log.ts MessageKey; not imported: it imports this). */
  readonly key: { readonly sender: string; readonly controlId: string; readonly digest: string };
  readonly sendingApplication: string;
  readonly sendingFacility: string;
  readonly messageType: string;
  readonly mode: 'original' | 'enhanced';
  readonly status: Hl7LogStatus;
  /** When the message arrived; a row that exists keeps its first. */
  readonly receivedAtMs: number;
  readonly ack: Hl7AckEvent;
  /** For a message acknowledged AA: what made it final. */
  readonly final?: { readonly recordCount: number; readonly height: number; readonly txHash: string };
}

export interface Hl7LogEntry {
  readonly id: number;
  readonly sender: string;
  readonly sendingApplication: string;
  readonly sendingFacility: string;
  readonly controlId: string;
  readonly messageType: string;
  readonly mode: 'original' | 'enhanced';
  readonly status: Hl7LogStatus;
  readonly receivedAtMs: number;
  /** When the last ACK was sent. */
  readonly acknowledgedAtMs: number;
  readonly finalAtMs: number | null;
  readonly ackCode: string;
  readonly errorCode: string | null;
  readonly errorText: string | null;
  readonly recordCount: number | null;
  readonly height: number | null;
  readonly txHash: string | null;
}

export interface Hl7LogQuery {
  readonly status?: Hl7LogStatus | undefined;
  readonly messageType?: string | undefined;
  /** Rows older than this id (the previous page's last). */
  readonly before?: number | undefined;
  readonly limit: number;
}

/** Per status: how many messages, and the latency to their last ACK over the latest of them. */
export interface Hl7StatusSummary {
  readonly status: Hl7LogStatus;
  readonly count: number;
  readonly latencySample: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
}

/** A message's ACK history keeps its latest this many (a sender re-sending an AE'd message forever). */
export const ACKS_KEPT_MAX = 8;
/** The latency summary looks at this many of each status's latest messages. */
export const LATENCY_SAMPLE_MAX = 1_000;
/** Every text column is cut to this many characters (a control id is at most 199, a facility any). */
const TEXT_CHARS_MAX = 200;

export const HL7_LOG_SCHEMA_SQL = `CREATE TABLE IF NOT EXISTS hl7_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  sender TEXT NOT NULL,
  control_id TEXT NOT NULL,
  digest TEXT NOT NULL,
  sending_application TEXT NOT NULL,
  sending_facility TEXT NOT NULL,
  message_type TEXT NOT NULL,
  mode TEXT NOT NULL,
  status TEXT NOT NULL,
  received_at_ms INTEGER NOT NULL,
  acknowledged_at_ms INTEGER NOT NULL,
  final_at_ms INTEGER,
  ack_code TEXT NOT NULL,
  error_code TEXT,
  error_text TEXT,
  record_count INTEGER,
  height INTEGER,
  tx_hash TEXT,
  acks TEXT NOT NULL,
  UNIQUE (sender, control_id, digest)
) STRICT;
CREATE INDEX IF NOT EXISTS hl7_log_by_status ON hl7_log (status, seq);
CREATE INDEX IF NOT EXISTS hl7_log_by_type ON hl7_log (message_type, seq);`;

interface LogRow {
  seq: number;
  sender: string;
  control_id: string;
  sending_application: string;
  sending_facility: string;
  message_type: string;
  mode: string;
  status: string;
  received_at_ms: number;
  acknowledged_at_ms: number;
  final_at_ms: number | null;
  ack_code: string;
  error_code: string | null;
  error_text: string | null;
  record_count: number | null;
  height: number | null;
  tx_hash: string | null;
  acks: string;
}

const COLUMNS =
  'seq, sender, control_id, sending_application, sending_facility, message_type, mode, status, received_at_ms, acknowledged_at_ms, final_at_ms, ack_code, error_code, error_text, record_count, height, tx_hash, acks';
const clip = (text: string) => text.slice(0, TEXT_CHARS_MAX);
const clipOrNull = (text: string | null) => (text === null ? null : clip(text));

export class Hl7LogEntries {
  constructor(private readonly port: SqlPort) {}

  /**
   * Adds an answer to its message's row (the caller holds the database transaction). A CA for a message
   * that has a row already is a re-send's: it changes nothing (a final message never looks accepted again).
   */
  record(update: Hl7LogUpdate): void {
    const key = [clip(update.key.sender), clip(update.key.controlId), update.key.digest];
    const existing = this.port.get<{ seq: number; acks: string }>(
      'SELECT seq, acks FROM hl7_log WHERE sender = ? AND control_id = ? AND digest = ?',
      key,
    );
    if (existing !== undefined && update.status === 'accepted') return;
    const { ack, final } = update;
    const acks = JSON.stringify(
      [
        ...(existing === undefined ? [] : (JSON.parse(existing.acks) as Hl7AckEvent[])),
        { ...ack, errorText: clipOrNull(ack.errorText) },
      ].slice(-ACKS_KEPT_MAX),
    );
    const answer = [
      update.status,
      ack.atMs,
      final === undefined ? null : ack.atMs,
      clip(ack.code),
      clipOrNull(ack.errorCode),
      clipOrNull(ack.errorText),
      final?.recordCount ?? null,
      final?.height ?? null,
      final?.txHash ?? null,
      acks,
    ];
    if (existing !== undefined) {
      this.port.run(
        'UPDATE hl7_log SET status = ?, acknowledged_at_ms = ?, final_at_ms = ?, ack_code = ?, error_code = ?, error_text = ?, record_count = ?, height = ?, tx_hash = ?, acks = ? WHERE seq = ?',
        [...answer, existing.seq],
      );
      return;
    }
    this.port.run(
      `INSERT INTO hl7_log (sender, control_id, digest, sending_application, sending_facility, message_type, mode, received_at_ms, status, acknowledged_at_ms, final_at_ms, ack_code, error_code, error_text, record_count, height, tx_hash, acks) VALUES (${Array(18).fill('?').join(', ')})`,
      [
        ...key,
        clip(update.sendingApplication),
        clip(update.sendingFacility),
        clip(update.messageType),
        update.mode,
        update.receivedAtMs,
        ...answer,
      ],
    );
  }

  /** Newest first, filtered; `limit` rows at most. */
  list(query: Hl7LogQuery): Hl7LogEntry[] {
    const conditions = [
      ['status = ?', query.status],
      ['message_type = ?', query.messageType],
      ['seq < ?', query.before],
    ] as const;
    const given = conditions.filter(([, value]) => value !== undefined);
    const filter = given.length === 0 ? '' : `WHERE ${given.map(([sql]) => sql).join(' AND ')}`;
    return this.port
      .all<LogRow>(`SELECT ${COLUMNS} FROM hl7_log ${filter} ORDER BY seq DESC LIMIT ?`, [
        ...given.map(([, value]) => value!),
        query.limit,
      ])
      .map(entryOf);
  }

  /** One message's row and its ACK history, oldest first. */
  get(id: number): { entry: Hl7LogEntry; acks: Hl7AckEvent[] } | undefined {
    const row = this.port.get<LogRow>(`SELECT ${COLUMNS} FROM hl7_log WHERE seq = ?`, [id]);
    return row === undefined
      ? undefined
      : { entry: entryOf(row), acks: JSON.parse(row.acks) as Hl7AckEvent[] };
  }

  summary(): Hl7StatusSummary[] {
    const counts = new Map(
      this.port
        .all<{ status: string; n: number }>('SELECT status, COUNT(*) AS n FROM hl7_log GROUP BY status')
        .map((r) => [r.status, Number(r.n)]),
    );
    return HL7_LOG_STATUSES.map((status) => {
      const latencies = this.port
        .all<{ ms: number }>(
          'SELECT acknowledged_at_ms - received_at_ms AS ms FROM hl7_log WHERE status = ? ORDER BY seq DESC LIMIT ?',
          [status, LATENCY_SAMPLE_MAX],
        )
        .map((r) => Number(r.ms))
        .sort((a, b) => a - b);
      return {
        status,
        count: counts.get(status) ?? 0,
        latencySample: latencies.length,
        p50Ms: percentile(latencies, 0.5),
        p99Ms: percentile(latencies, 0.99),
      };
    });
  }
}

/** Nearest-rank percentile of sorted values; null for none. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

function entryOf(row: LogRow): Hl7LogEntry {
  return {
    id: Number(row.seq),
    sender: row.sender,
    sendingApplication: row.sending_application,
    sendingFacility: row.sending_facility,
    controlId: row.control_id,
    messageType: row.message_type,
    mode: row.mode === 'enhanced' ? 'enhanced' : 'original',
    status: row.status as Hl7LogStatus,
    receivedAtMs: Number(row.received_at_ms),
    acknowledgedAtMs: Number(row.acknowledged_at_ms),
    finalAtMs: row.final_at_ms === null ? null : Number(row.final_at_ms),
    ackCode: row.ack_code,
    errorCode: row.error_code,
    errorText: row.error_text,
    recordCount: row.record_count === null ? null : Number(row.record_count),
    height: row.height === null ? null : Number(row.height),
    txHash: row.tx_hash,
  };
}
