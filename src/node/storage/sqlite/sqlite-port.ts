// The SQL port over better-sqlite3: statements are prepared once per SQL text and kept.
import Database from 'better-sqlite3';
import type { SqlPort, SqlStatement, SqlValue } from '../port.ts';

export class SqlitePort implements SqlPort {
  readonly dialect = 'sqlite' as const;
  readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly onClose: () => void;

  constructor(db: Database.Database, onClose: () => void = () => db.close()) {
    this.db = db;
    this.onClose = onClose;
  }

  private prepare(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  all<T>(sql: string, params: readonly SqlValue[] = []): T[] {
    return this.prepare(sql).all(...params) as T[];
  }

  get<T>(sql: string, params: readonly SqlValue[] = []): T | undefined {
    return this.prepare(sql).get(...params) as T | undefined;
  }

  run(sql: string, params: readonly SqlValue[] = []): number {
    return this.prepare(sql).run(...params).changes;
  }

  batch(statements: readonly SqlStatement[]): void {
    for (const s of statements) this.prepare(s.sql).run(...(s.params ?? []));
  }

  exec(script: string): void {
    this.db.exec(script);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  close(): void {
    this.statements.clear();
    if (this.db.open) this.onClose();
  }
}
