// The HL7 v2 message log ('hl7' store). Two tables:
//
// hl7_messages: one row per message acknowledged AA, keyed by (sender, MSH-10, digest), as HL7 delivery
// is at least once and a sender re-sends what it saw no ACK for. A re-sent message (same sender, control
// id and bytes) is answered with the ACK it got the first time and writes nothing. A different message
// under a control id already used is not a re-send: it is processed (senders that reuse control ids
// exist, the public samples among them), never dropped. The row holds no PHI: the sender, the control
// id, a SHA-256 of the message and the ACK we sent (whose MSH and MSA name facilities and the control id,
// and whose ERR names fields, not values).
//
// hl7_inbox: the durable inbox of enhanced acknowledgement mode (services/hl7/enhanced.ts). A message is
// answered CA only once its row is here, so a node killed after the CA still has it, processes it when
// it starts again and delivers its application ACK then. The message text is PHI: it is kept only
// sealed (AES-256-GCM under a key derived from the node's own key, hl7-inbox-key.ts, with the row's
// sender, control id and digest as associated data) and dropped once the message is answered.
//
// hl7_log: what the web app's message log page shows of each message, with no PHI (hl7-log-entries.ts).
//
// hl7_outbox and hl7_feed_cursor: the outbound feed's durable outbox (services/hl7/feed.ts). Each feed's
// messages in the order they are to be delivered, sealed as the inbox's are (the feed name and the row's
// label as associated data) and dropped once delivered; and per feed the height up to which committed
// blocks have been turned into messages, moved in the same transaction as the messages are added, so a
// restart neither skips nor repeats a block.
import { SchemaStore } from './ddl.ts';
import type { SqlPort } from './port.ts';
import { openInboxText, sealInboxText, type InboxKey } from './hl7-inbox-key.ts';
import { HL7_LOG_SCHEMA_SQL, Hl7LogEntries, type Hl7LogUpdate } from './hl7-log-entries.ts';

export interface MessageKey {
  readonly sender: string;
  readonly controlId: string;
  /** SHA-256 of the message text, hex. */
  readonly digest: string;
}

/** A message of the inbox: its text until it is answered, then its application ACK. */
export interface InboxEntry {
  readonly key: MessageKey;
  readonly receivedAtMs: number;
  readonly text: string | undefined;
  readonly applicationAck: string | undefined;
  /** The application ACK has been delivered (or the sender asked for none). */
  readonly delivered: boolean;
}

/** An acknowledged message's row, and what its answer adds to the message log page's row. */
export interface AckRow {
  readonly key: MessageKey;
  readonly ack: string;
  readonly atMs: number;
  readonly entry?: Hl7LogUpdate;
}

const SCHEMA_SQL = `CREATE TABLE IF NOT EXISTS hl7_messages (
  sender TEXT NOT NULL,
  control_id TEXT NOT NULL,
  digest TEXT NOT NULL,
  ack TEXT NOT NULL,
  acknowledged_at_ms INTEGER NOT NULL,
  PRIMARY KEY (sender, control_id, digest)
) STRICT;
CREATE TABLE IF NOT EXISTS hl7_inbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  sender TEXT NOT NULL,
  control_id TEXT NOT NULL,
  digest TEXT NOT NULL,
  sealed BLOB,
  received_at_ms INTEGER NOT NULL,
  application_ack TEXT,
  delivered INTEGER NOT NULL,
  UNIQUE (sender, control_id, digest)
) STRICT;
CREATE TABLE IF NOT EXISTS hl7_outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  feed TEXT NOT NULL,
  label TEXT NOT NULL,
  sealed BLOB,
  delivered INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS hl7_feed_cursor (
  feed TEXT PRIMARY KEY,
  height INTEGER NOT NULL
) STRICT;
${HL7_LOG_SCHEMA_SQL}`;

/** A message of a feed's outbox, not delivered yet. */
export interface OutboxEntry {
  readonly seq: number;
  readonly text: string;
}

interface InboxRow {
  sender: string;
  control_id: string;
  digest: string;
  sealed: Uint8Array | null;
  received_at_ms: number;
  application_ack: string | null;
  delivered: number;
}

/** What a sealed outbox message is bound to. */
const outboxRow = (feed: string, label: string) => ({ sender: feed, controlId: label, digest: 'outbox' });

const INBOX_COLUMNS = 'sender, control_id, digest, sealed, received_at_ms, application_ack, delivered';
const BY_KEY = 'sender = ? AND control_id = ? AND digest = ?';
const keyParams = (key: MessageKey) => [key.sender, key.controlId, key.digest];

export class Hl7MessageLog extends SchemaStore {
  /** The message log page's rows (hl7-log-entries.ts). */
  readonly entries: Hl7LogEntries;

  constructor(
    port: SqlPort,
    private readonly inboxKey: InboxKey,
  ) {
    super(port, SCHEMA_SQL);
    this.entries = new Hl7LogEntries(port);
  }

  /** Adds an answer to the message log page's row of its message, in a database transaction of its own. */
  logAnswer(update: Hl7LogUpdate): void {
    this.port.transaction(() => this.entries.record(update));
  }

  /** The ACK a message was answered with, if it was acknowledged AA before. */
  ackOf(key: MessageKey): string | undefined {
    return this.port.get<{ ack: string }>(`SELECT ack FROM hl7_messages WHERE ${BY_KEY}`, keyParams(key))
      ?.ack;
  }

  /** Records an acknowledged message; a second record of the same message keeps the first. */
  put(key: MessageKey, ack: string, atMs: number): void {
    this.putAll([{ key, ack, atMs }]);
  }

  /** Records several acknowledged messages in one database transaction (one commit for them all). */
  putAll(rows: readonly AckRow[]): void {
    if (rows.length === 0) return;
    this.port.transaction(() => {
      this.port.batch(
        rows.map(({ key, ack, atMs }) => ({
          sql: 'INSERT INTO hl7_messages (sender, control_id, digest, ack, acknowledged_at_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT (sender, control_id, digest) DO NOTHING',
          params: [...keyParams(key), ack, atMs],
        })),
      );
      for (const { entry } of rows) if (entry !== undefined) this.entries.record(entry);
    });
  }

  /** Keeps a message in the inbox (durably, before the CA); false when it is there already. */
  accept(key: MessageKey, text: string, atMs: number): boolean {
    const sealed = sealInboxText(this.inboxKey, key, text);
    return (
      this.port.run(
        `INSERT INTO hl7_inbox (${INBOX_COLUMNS}) VALUES (?, ?, ?, ?, ?, NULL, 0) ON CONFLICT (sender, control_id, digest) DO NOTHING`,
        [...keyParams(key), sealed, atMs],
      ) === 1
    );
  }

  inboxEntry(key: MessageKey): InboxEntry | undefined {
    const row = this.port.get<InboxRow>(
      `SELECT ${INBOX_COLUMNS} FROM hl7_inbox WHERE ${BY_KEY}`,
      keyParams(key),
    );
    return row === undefined ? undefined : this.entryOf(row);
  }

  /** The message is answered: its text is dropped and its application ACK kept until it is delivered. */
  answered(key: MessageKey, applicationAck: string, toDeliver: boolean): void {
    this.port.run(`UPDATE hl7_inbox SET sealed = NULL, application_ack = ?, delivered = ? WHERE ${BY_KEY}`, [
      applicationAck,
      toDeliver ? 0 : 1,
      ...keyParams(key),
    ]);
  }

  delivered(key: MessageKey): void {
    this.port.run(`UPDATE hl7_inbox SET delivered = 1 WHERE ${BY_KEY}`, keyParams(key));
  }

  /** Messages accepted and not answered yet (a node stopped before it answered them), oldest first. */
  unanswered(): InboxEntry[] {
    return this.port
      .all<InboxRow>(`SELECT ${INBOX_COLUMNS} FROM hl7_inbox WHERE application_ack IS NULL ORDER BY seq`)
      .map((row) => this.entryOf(row));
  }

  /** Application ACKs not delivered yet, oldest first. */
  undelivered(): InboxEntry[] {
    return this.port
      .all<InboxRow>(
        `SELECT ${INBOX_COLUMNS} FROM hl7_inbox WHERE application_ack IS NOT NULL AND delivered = 0 ORDER BY seq`,
      )
      .map((row) => this.entryOf(row));
  }

  /** The height up to which a feed has turned committed blocks into messages; undefined for a new feed. */
  feedCursor(feed: string): number | undefined {
    return this.port.get<{ height: number }>('SELECT height FROM hl7_feed_cursor WHERE feed = ?', [feed])
      ?.height;
  }

  /** Adds a feed's messages for blocks up to `height` and moves its cursor there, all or nothing. */
  enqueue(feed: string, messages: readonly { label: string; text: string }[], height: number): void {
    this.port.transaction(() => {
      for (const { label, text } of messages) {
        const sealed = sealInboxText(this.inboxKey, outboxRow(feed, label), text);
        this.port.run('INSERT INTO hl7_outbox (feed, label, sealed, delivered) VALUES (?, ?, ?, 0)', [
          feed,
          label,
          sealed,
        ]);
      }
      this.port.run(
        'INSERT INTO hl7_feed_cursor (feed, height) VALUES (?, ?) ON CONFLICT (feed) DO UPDATE SET height = excluded.height',
        [feed, height],
      );
    });
  }

  /** A feed's oldest message not delivered yet. */
  nextOutgoing(feed: string): OutboxEntry | undefined {
    const row = this.port.get<{ seq: number; label: string; sealed: Uint8Array }>(
      'SELECT seq, label, sealed FROM hl7_outbox WHERE feed = ? AND delivered = 0 ORDER BY seq LIMIT 1',
      [feed],
    );
    if (row === undefined) return undefined;
    return { seq: row.seq, text: openInboxText(this.inboxKey, outboxRow(feed, row.label), row.sealed) };
  }

  /** A feed's message is delivered: its text is dropped. */
  sent(seq: number): void {
    this.port.run('UPDATE hl7_outbox SET sealed = NULL, delivered = 1 WHERE seq = ?', [seq]);
  }

  private entryOf(row: InboxRow): InboxEntry {
    const key = { sender: row.sender, controlId: row.control_id, digest: row.digest };
    return {
      key,
      receivedAtMs: row.received_at_ms,
      text: row.sealed === null ? undefined : openInboxText(this.inboxKey, key, row.sealed),
      applicationAck: row.application_ack ?? undefined,
      delivered: row.delivered === 1,
    };
  }
}
