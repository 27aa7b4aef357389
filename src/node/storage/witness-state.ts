// What a witness remembers per log (c2sp.org/tlog-witness): the last checkpoint it cosigned, its size
// and root, and the cosignature it gave, in one row written in one statement. The spec's rollback rule
// needs the size persisted before the cosignature is returned, and atomically with it: a crash can
// never leave a cosignature given for a size the witness has forgotten. The write is a compare-and-swap
// on the old size, so two requests racing from the same old size cannot both be cosigned. Used by every
// member node ('witness' store) and by the standalone `carechain witness`.
import { PortStore } from './ddl.ts';

export interface WitnessHead {
  readonly size: number;
  readonly rootHash: Uint8Array;
  /** The cosignature line given for this head. */
  readonly cosignature: string;
}

interface Row {
  size: number;
  root_hash: Uint8Array;
  cosignature: string;
}

const SCHEMA_SQL = `CREATE TABLE IF NOT EXISTS witness_heads (
  origin TEXT PRIMARY KEY,
  size INTEGER NOT NULL,
  root_hash BLOB NOT NULL,
  cosignature TEXT NOT NULL,
  updated_at_ms INTEGER NOT NULL
) STRICT`;

export class WitnessStateStore extends PortStore('witness', SCHEMA_SQL) {
  last(origin: string): WitnessHead | null {
    const row = this.port.get<Row>(
      'SELECT size, root_hash, cosignature FROM witness_heads WHERE origin = ?',
      [origin],
    );
    if (row === undefined) return null;
    return { size: row.size, rootHash: new Uint8Array(row.root_hash), cosignature: row.cosignature };
  }

  /**
   * Records a cosigned head if the stored size is still `oldSize` (none stored counts as 0); false when
   * another write got there first, and the cosignature must then not be returned.
   */
  advance(origin: string, oldSize: number, head: WitnessHead, atMs: number): boolean {
    const params = [head.size, head.rootHash, head.cosignature, atMs, origin] as const;
    const updated = this.port.run(
      'UPDATE witness_heads SET size = ?, root_hash = ?, cosignature = ?, updated_at_ms = ? WHERE origin = ? AND size = ?',
      [...params, oldSize],
    );
    if (updated === 1) return true;
    if (oldSize !== 0 || this.last(origin) !== null) return false;
    return (
      this.port.run(
        'INSERT INTO witness_heads (size, root_hash, cosignature, updated_at_ms, origin) VALUES (?, ?, ?, ?, ?) ON CONFLICT (origin) DO NOTHING',
        [...params],
      ) === 1
    );
  }
}
