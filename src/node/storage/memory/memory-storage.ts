// The simulator's backend: SQLite `:memory:` databases behind the same port, so simulated nodes run the
// very SQL of production. A store closed and opened again (a simulated restart) gets the same database
// back, as a process restart finds its files: committed data stays, an open transaction is gone. The
// databases are freed when the storage is closed.
import Database from 'better-sqlite3';
import type { Storage, StoreName } from '../port.ts';
import { SqlitePort } from '../sqlite/sqlite-port.ts';

export class MemoryStorage implements Storage {
  readonly kind = 'memory' as const;
  readonly description = 'memory';
  private readonly databases = new Map<StoreName, Database.Database>();

  open(store: StoreName): SqlitePort {
    let db = this.databases.get(store);
    if (db === undefined) {
      db = new Database(':memory:');
      this.databases.set(store, db);
    }
    const opened = db;
    // Closing a port leaves the database for the next open; a transaction cannot be left open by a
    // synchronous caller, so nothing half-written survives.
    return new SqlitePort(opened, () => {});
  }

  lockValidator(): void {}

  close(): void {
    for (const db of this.databases.values()) db.close();
    this.databases.clear();
  }
}
