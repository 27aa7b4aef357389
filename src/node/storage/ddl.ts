// Schemas are written once, in SQLite's words, and translated for PostgreSQL here. Text columns get the
// "C" collation there so that ORDER BY and range scans (stateByPrefix) order keys by bytes, as SQLite
// does: both backends must list the same rows in the same order.
import type { Dialect, SqlPort, Storage, StoreName } from './port.ts';

export function portableDdl(dialect: Dialect, sqliteDdl: string): string {
  if (dialect === 'sqlite') return sqliteDdl;
  return sqliteDdl
    .replace(/--[^\n]*/g, '')
    .replace(/\bINTEGER PRIMARY KEY AUTOINCREMENT\b/g, 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY')
    .replace(/\bINTEGER\b/g, 'BIGINT')
    .replace(/\bBLOB\b/g, 'BYTEA')
    .replace(/\bTEXT\b/g, 'TEXT COLLATE "C"')
    .replace(/\)\s*(WITHOUT ROWID|STRICT)\s*;/g, ');')
    .replace(/\)\s*(WITHOUT ROWID|STRICT)\s*$/g, ')');
}

/** Creates a store's tables (written in SQLite's words) on its port, in the port's dialect. */
export function createSchema(port: SqlPort, sqliteDdl: string): void {
  port.exec(portableDdl(port.dialect, sqliteDdl));
}

/** A store that owns one port and its tables: creates them on open, closes the port with the store. */
export abstract class SchemaStore {
  protected readonly port: SqlPort;

  protected constructor(port: SqlPort, sqliteDdl: string) {
    this.port = port;
    createSchema(port, sqliteDdl);
  }

  close(): void {
    this.port.close();
  }
}

/**
 * The base of a store that needs nothing but its port, which lives under `portName` in a node's Storage:
 * `new X(port)` creates the tables on a port given, `X.open(storage)` opens its own port.
 */
export function PortStore(portName: StoreName, sqliteDdl: string) {
  return class extends SchemaStore {
    constructor(port: SqlPort) {
      super(port, sqliteDdl);
    }

    static open<T>(this: new (port: SqlPort) => T, storage: Storage): T {
      return new this(storage.open(portName));
    }
  };
}
