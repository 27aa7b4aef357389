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
import { SchemaStore } from './ddl.ts';
import type { SqlPort } from './port.ts';
import { openInboxText, sealInboxText, type InboxKey } from './hl7-inbox-key.ts';

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
) STRICT;`;

interface InboxRow {
  sender: string;
  control_id: string;
  digest: string;
  sealed: Uint8Array | null;
  received_at_ms: number;
  application_ack: string | null;
  delivered: number;
}

const INBOX_COLUMNS = 'sender, control_id, digest, sealed, received_at_ms, application_ack, delivered';
const BY_KEY = 'sender = ? AND control_id = ? AND digest = ?';
const keyParams = (key: MessageKey) => [key.sender, key.controlId, key.digest];

export class Hl7MessageLog extends SchemaStore {
  constructor(
    port: SqlPort,
    private readonly inboxKey: InboxKey,
  ) {
    super(port, SCHEMA_SQL);
  }

  /** The ACK a message was answered with, if it was acknowledged AA before. */
  ackOf(key: MessageKey): string | undefined {
    return this.port.get<{ ack: string }>(`SELECT ack FROM hl7_messages WHERE ${BY_KEY}`, keyParams(key))
      ?.ack;
  }

  /** Records an acknowledged message; a second record of the same message keeps the first. */
  put(key: MessageKey, ack: string, atMs: number): void {
    this.port.run(
      'INSERT INTO hl7_messages (sender, control_id, digest, ack, acknowledged_at_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT (sender, control_id, digest) DO NOTHING',
      [...keyParams(key), ack, atMs],
    );
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
    this.port.run(
      `UPDATE hl7_inbox SET sealed = NULL, application_ack = ?, delivered = ? WHERE ${BY_KEY}`,
      [applicationAck, toDeliver ? 0 : 1, ...keyParams(key)],
    );
  }

  delivered(key: MessageKey): void {
    this.port.run(`UPDATE hl7_inbox SET delivered = 1 WHERE ${BY_KEY}`, keyParams(key));
  }

  /** Messages accepted and not answered yet (a node stopped before it answered them), oldest first. */
  unanswered(): InboxEntry[] {
    return this.port
      .all<InboxRow>(
        `SELECT ${INBOX_COLUMNS} FROM hl7_inbox WHERE application_ack IS NULL ORDER BY seq`,
      )
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
