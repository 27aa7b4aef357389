// The written reasons of break-glass reads (issue 4 "Access"), kept off chain with the custodian: a
// reason is free text and may name the patient or their condition, so only its salted commitment goes
// into the records.access event. Each row keeps the salt, so the custodian's privacy officer can check
// a stored reason against the commitment on chain (and a leaked commitment reveals nothing by guessing).
// The reasons live in the node's storage ('break-glass' store: break-glass.sqlite, or the break_glass
// schema on PostgreSQL), not in the API layer that receives them.
import { concatBytes, fromHex, toHex, utf8 } from '../../core/bytes.ts';
import { sha256 } from '../../core/crypto/index.ts';
import { PortStore } from './ddl.ts';

/** Longest reason accepted, in characters: a sentence or two, not a clinical note. */
export const BREAK_GLASS_REASON_CHARS_MAX = 1000;
export const BREAK_GLASS_SALT_BYTES = 32;
const DOMAIN = 'carechain/v1/break-glass-reason\n';

/** sha256("carechain/v1/break-glass-reason\\n" || salt || utf8(reason)), hex. */
export function breakGlassReasonCommitment(salt: Uint8Array, reason: string): string {
  return toHex(sha256(concatBytes(utf8(DOMAIN), salt, utf8(reason))));
}

export interface StoredBreakGlassReason {
  readonly eventId: string;
  readonly custodianOrgId: string;
  readonly requester: string;
  readonly reason: string;
  readonly salt: string;
  readonly commitment: string;
  readonly createdAtMs: number;
}

interface Row {
  event_id: string;
  custodian_org_id: string;
  requester: string;
  reason: string;
  salt: string;
  commitment: string;
  created_at_ms: number;
}

const SCHEMA_SQL = `CREATE TABLE IF NOT EXISTS break_glass_reasons (
  event_id TEXT PRIMARY KEY,
  custodian_org_id TEXT NOT NULL,
  requester TEXT NOT NULL,
  reason TEXT NOT NULL,
  salt TEXT NOT NULL,
  commitment TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL
) STRICT`;

export class BreakGlassReasonStore extends PortStore('break-glass', SCHEMA_SQL) {
  /** Stored before the event is submitted: a committed event never lacks its reason. */
  put(entry: StoredBreakGlassReason): void {
    this.port.run(
      `INSERT INTO break_glass_reasons
         (event_id, custodian_org_id, requester, reason, salt, commitment, created_at_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [
        entry.eventId,
        entry.custodianOrgId,
        entry.requester,
        entry.reason,
        entry.salt,
        entry.commitment,
        entry.createdAtMs,
      ],
    );
  }

  get(custodianOrgId: string, eventId: string): StoredBreakGlassReason | undefined {
    const row = this.port.get<Row>(
      'SELECT * FROM break_glass_reasons WHERE custodian_org_id = ? AND event_id = ?',
      [custodianOrgId, eventId],
    );
    if (row === undefined) return undefined;
    return {
      eventId: row.event_id,
      custodianOrgId: row.custodian_org_id,
      requester: row.requester,
      reason: row.reason,
      salt: row.salt,
      commitment: row.commitment,
      createdAtMs: row.created_at_ms,
    };
  }
}

/** Whether a stored reason still matches the commitment committed on chain. */
export function reasonMatches(stored: StoredBreakGlassReason, onChainCommitment: string): boolean {
  return (
    stored.commitment === onChainCommitment &&
    breakGlassReasonCommitment(fromHex(stored.salt), stored.reason) === onChainCommitment
  );
}
