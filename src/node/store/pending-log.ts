// The mempool's durable log: every tx the node accepted and has not yet committed, so an acknowledged tx
// survives a crash of the node (DESIGN.md principle 6). A separate SQLite file in WAL mode with
// synchronous=NORMAL: a commit is in the OS before the client hears "accepted", which survives kill -9
// of the process; only a power loss in the instant after can lose the newest accepted txs (never a
// committed one: blocks live in ledger.sqlite with synchronous=FULL). The trade is one fsync per block
// rather than one per tx.
import { createSchema } from '../storage/ddl.ts';
import type { SqlPort } from '../storage/port.ts';

export const PENDING_LOG_FILE = 'mempool.sqlite';

export interface PendingTxLog {
  /** Queues a tx; it is written by the next flush (at the latest on the next turn of the event loop). */
  put(hash: string, encoded: Uint8Array): void;
  /** Writes every queued tx now, in one database transaction. */
  flush(): void;
  delete(hashes: readonly string[]): void;
  /** Encoded txs in the order they were accepted. */
  all(): Uint8Array[];
  close(): void;
}

const INSERT = 'INSERT INTO pending (hash, body) VALUES (?, ?) ON CONFLICT DO NOTHING';
const REMOVE = 'DELETE FROM pending WHERE hash = ?';

/** The pending log on the storage's 'mempool' store (durability 'process'). */
export class StoredPendingTxLog implements PendingTxLog {
  private readonly port: SqlPort;
  private queued: [string, Uint8Array][] = [];
  private flushScheduled = false;
  private closed = false;

  constructor(port: SqlPort) {
    this.port = port;
    createSchema(
      port,
      'CREATE TABLE IF NOT EXISTS pending (seq INTEGER PRIMARY KEY AUTOINCREMENT, hash TEXT NOT NULL UNIQUE, body BLOB NOT NULL)',
    );
  }

  put(hash: string, encoded: Uint8Array): void {
    this.queued.push([hash, encoded]);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  flush(): void {
    this.flushScheduled = false;
    if (this.queued.length === 0 || this.closed) return;
    const batch = this.queued;
    this.queued = [];
    this.port.transaction(() =>
      this.port.batch(batch.map(([hash, encoded]) => ({ sql: INSERT, params: [hash, encoded] }))),
    );
  }

  delete(hashes: readonly string[]): void {
    if (hashes.length === 0) return;
    this.flush(); // a queued put of a hash deleted here must not land after the delete
    this.port.transaction(() => this.port.batch(hashes.map((hash) => ({ sql: REMOVE, params: [hash] }))));
  }

  all(): Uint8Array[] {
    this.flush();
    return this.port
      .all<{ body: Uint8Array }>('SELECT body FROM pending ORDER BY seq')
      .map((r) => new Uint8Array(r.body));
  }

  close(): void {
    this.flush();
    this.closed = true;
    this.port.close();
  }
}
