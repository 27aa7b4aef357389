// The mempool's durable log: every tx the node accepted and has not yet committed, so an acknowledged tx
// survives a crash of the node (DESIGN.md principle 6). A separate SQLite file in WAL mode with
// synchronous=NORMAL: a commit is in the OS before the client hears "accepted", which survives kill -9
// of the process; only a power loss in the instant after can lose the newest accepted txs (never a
// committed one: blocks live in ledger.sqlite with synchronous=FULL). The trade is one fsync per block
// rather than one per tx.
import Database from 'better-sqlite3';
import { join } from 'node:path';

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

export class SqlitePendingTxLog implements PendingTxLog {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement<[string, Uint8Array]>;
  private readonly remove: Database.Statement<[string]>;
  private queued: [string, Uint8Array][] = [];
  private flushScheduled = false;

  constructor(dataDir: string) {
    this.db = new Database(join(dataDir, PENDING_LOG_FILE));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS pending (seq INTEGER PRIMARY KEY AUTOINCREMENT, hash TEXT NOT NULL UNIQUE, body BLOB NOT NULL)',
    );
    this.insert = this.db.prepare('INSERT OR IGNORE INTO pending (hash, body) VALUES (?, ?)');
    this.remove = this.db.prepare('DELETE FROM pending WHERE hash = ?');
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
    if (this.queued.length === 0 || !this.db.open) return;
    const batch = this.queued;
    this.queued = [];
    this.db.transaction(() => {
      for (const [hash, encoded] of batch) this.insert.run(hash, encoded);
    })();
  }

  delete(hashes: readonly string[]): void {
    if (hashes.length === 0) return;
    this.flush(); // a queued put of a hash deleted here must not land after the delete
    this.db.transaction(() => {
      for (const hash of hashes) this.remove.run(hash);
    })();
  }

  all(): Uint8Array[] {
    this.flush();
    return this.db
      .prepare<[], { body: Buffer }>('SELECT body FROM pending ORDER BY seq')
      .all()
      .map((r) => new Uint8Array(r.body));
  }

  close(): void {
    this.flush();
    this.db.close();
  }
}
