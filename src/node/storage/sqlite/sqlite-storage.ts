// The embedded default: one SQLite file per store in the node's data directory, in WAL mode, with the
// store's durability as `synchronous` (FULL, or NORMAL for the mempool's log).
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { STORE_DURABILITY, type OpenOptions, type Storage, type StoreName } from '../port.ts';
import { makePrivateDir } from '../../private-dir.ts';
import { SqlitePort } from './sqlite-port.ts';

export const STORE_FILES: Record<StoreName, string> = {
  ledger: 'ledger.sqlite',
  mempool: 'mempool.sqlite',
  vault: 'vault.sqlite',
  directory: 'directory.sqlite',
  'break-glass': 'break-glass.sqlite',
  witness: 'witness.sqlite',
  monitoring: 'monitoring.sqlite',
  genomics: 'genomics.sqlite',
  hl7: 'hl7.sqlite',
  claims: 'claims.sqlite',
  ai: 'ai.sqlite',
};

export class SqliteStorage implements Storage {
  readonly kind = 'sqlite' as const;
  readonly description: string;
  readonly dataDir: string;
  private readonly open_ = new Set<SqlitePort>();

  constructor(dataDir: string) {
    this.dataDir = dataDir;
    this.description = `SQLite in ${dataDir}`;
  }

  open(store: StoreName, options: OpenOptions = {}): SqlitePort {
    const readonly = options.readonly ?? false;
    // The node's folder is its own (finding 15): 0700, files 0600 (private-dir.ts).
    if (!readonly) makePrivateDir(this.dataDir);
    const db = new Database(join(this.dataDir, STORE_FILES[store]), { readonly, fileMustExist: readonly });
    if (!readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${STORE_DURABILITY[store] === 'full' ? 'FULL' : 'NORMAL'}`);
    }
    const port = new SqlitePort(db, () => {
      db.close();
      this.open_.delete(port);
    });
    this.open_.add(port);
    return port;
  }

  lockValidator(): void {}

  close(): void {
    for (const port of [...this.open_]) port.close();
  }
}
