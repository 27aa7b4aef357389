// The SQL port over PostgreSQL: each call crosses to the `pg` worker (worker.mjs) and blocks until the
// answer is back (synckit: Atomics.wait on a shared buffer), so stores see the same synchronous calls as
// on SQLite. `?` placeholders become $1, $2, ….
import { createSyncFn } from 'synckit';
import type { SqlPort, SqlStatement, SqlValue } from '../port.ts';

type WorkerCall = (op: string, ...args: unknown[]) => unknown;

let worker: WorkerCall | undefined;
/** One worker per process, shared by every connection (calls are sequential anyway). */
export function pgWorker(): WorkerCall {
  worker ??= createSyncFn<WorkerCall>(new URL('./worker.mjs', import.meta.url));
  return worker;
}

const numbered = new Map<string, string>();
/** `?` → `$n`. The stores' SQL has no `?` inside string literals. */
export function numberPlaceholders(sql: string): string {
  let text = numbered.get(sql);
  if (text === undefined) {
    let n = 0;
    text = sql.replace(/\?/g, () => `$${++n}`);
    numbered.set(sql, text);
  }
  return text;
}

export class PostgresPort implements SqlPort {
  readonly dialect = 'postgres' as const;
  private readonly id: number;
  private readonly call: WorkerCall;
  private depth = 0;
  private closed = false;
  private readonly onClose: () => void;

  constructor(connectionString: string, setup: readonly string[], onClose: () => void = () => {}) {
    this.call = pgWorker();
    this.id = this.call('connect', connectionString, setup) as number;
    this.onClose = onClose;
  }

  all<T>(sql: string, params: readonly SqlValue[] = []): T[] {
    return this.call('all', this.id, numberPlaceholders(sql), params) as T[];
  }

  get<T>(sql: string, params: readonly SqlValue[] = []): T | undefined {
    return this.all<T>(sql, params)[0];
  }

  run(sql: string, params: readonly SqlValue[] = []): number {
    return this.call('run', this.id, numberPlaceholders(sql), params) as number;
  }

  batch(statements: readonly SqlStatement[]): void {
    if (statements.length === 0) return;
    this.call(
      'batch',
      this.id,
      statements.map((s) => ({ sql: numberPlaceholders(s.sql), params: s.params ?? [] })),
    );
  }

  exec(script: string): void {
    this.call('exec', this.id, script);
  }

  transaction<T>(fn: () => T): T {
    // Nested calls (a store method inside another's transaction) become savepoints, as in better-sqlite3.
    const savepoint = `sp${this.depth}`;
    this.exec(this.depth === 0 ? 'BEGIN' : `SAVEPOINT ${savepoint}`);
    this.depth++;
    try {
      const result = fn();
      this.depth--;
      this.exec(this.depth === 0 ? 'COMMIT' : `RELEASE SAVEPOINT ${savepoint}`);
      return result;
    } catch (err) {
      this.depth--;
      this.exec(this.depth === 0 ? 'ROLLBACK' : `ROLLBACK TO SAVEPOINT ${savepoint}`);
      throw err;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.call('close', this.id);
    this.onClose();
  }
}
