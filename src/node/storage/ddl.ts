// Schemas are written once, in SQLite's words, and translated for PostgreSQL here. Text columns get the
// "C" collation there so that ORDER BY and range scans (stateByPrefix) order keys by bytes, as SQLite
// does: both backends must list the same rows in the same order.
import type { Dialect } from './port.ts';

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
