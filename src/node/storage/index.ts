// Choosing a node's storage: SQLite files in the data directory (the default, `npm start` needs nothing
// else), PostgreSQL given a postgres:// URL (`carechain node --database`, or `database` in node.json),
// or memory (the simulator).
import { MemoryStorage } from './memory/memory-storage.ts';
import { StorageError, type Storage } from './port.ts';
import { isPostgresUrl, PostgresStorage } from './postgres/postgres-storage.ts';
import { SqliteStorage } from './sqlite/sqlite-storage.ts';

export * from './port.ts';
export { MemoryStorage } from './memory/memory-storage.ts';
export { PostgresStorage, isPostgresUrl, redactUrl } from './postgres/postgres-storage.ts';
export { SqliteStorage, STORE_FILES } from './sqlite/sqlite-storage.ts';

export interface StorageChoice {
  readonly dataDir: string;
  /** Absent or 'sqlite': SQLite in dataDir; 'memory'; or a postgres:// URL. */
  readonly database?: string | undefined;
}

export function openStorage(choice: StorageChoice): Storage {
  const database = choice.database ?? 'sqlite';
  if (database === 'sqlite') return new SqliteStorage(choice.dataDir);
  if (database === 'memory') return new MemoryStorage();
  if (isPostgresUrl(database)) return new PostgresStorage(database);
  throw new StorageError(
    'storage.invalid',
    'database must be "sqlite", "memory" or a postgres:// URL (postgres://user@host:5432/db)',
  );
}
