// The HL7 v2 message log ('hl7' store): one row per message the MLLP listener acknowledged AA, keyed by
// (sender, MSH-10, digest), as HL7 delivery is at least once and a sender re-sends what it saw no ACK
// for. A re-sent message (same sender, control id and bytes) is answered with the ACK it got the first
// time and writes nothing. A different message under a control id already used is not a re-send: it is
// processed (senders that reuse control ids exist, the public samples among them), never dropped. The row holds no PHI: the sender, the control id, a SHA-256 of the message and the ACK
// we sent (whose MSH and MSA name facilities and the control id, and whose ERR names fields, not values).
import { SchemaStore } from './ddl.ts';
import type { SqlPort } from './port.ts';

export interface MessageKey {
  readonly sender: string;
  readonly controlId: string;
  /** SHA-256 of the message text, hex. */
  readonly digest: string;
}

const SCHEMA_SQL = `CREATE TABLE IF NOT EXISTS hl7_messages (
  sender TEXT NOT NULL,
  control_id TEXT NOT NULL,
  digest TEXT NOT NULL,
  ack TEXT NOT NULL,
  acknowledged_at_ms INTEGER NOT NULL,
  PRIMARY KEY (sender, control_id, digest)
) STRICT`;

export class Hl7MessageLog extends SchemaStore {
  constructor(port: SqlPort) {
    super(port, SCHEMA_SQL);
  }

  /** The ACK a message was answered with, if it was acknowledged AA before. */
  ackOf(key: MessageKey): string | undefined {
    return this.port.get<{ ack: string }>(
      'SELECT ack FROM hl7_messages WHERE sender = ? AND control_id = ? AND digest = ?',
      [key.sender, key.controlId, key.digest],
    )?.ack;
  }

  /** Records an acknowledged message; a second record of the same message keeps the first. */
  put(key: MessageKey, ack: string, atMs: number): void {
    this.port.run(
      'INSERT INTO hl7_messages (sender, control_id, digest, ack, acknowledged_at_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT (sender, control_id, digest) DO NOTHING',
      [key.sender, key.controlId, key.digest, ack, atMs],
    );
  }
}
