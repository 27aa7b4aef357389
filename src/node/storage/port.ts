// The one way a store of the node reaches its database: a small SYNCHRONOUS SQL port. The ledger, the
// executor and `verify` read state synchronously (as the pure layers expect), so rather than turn the
// node async, every backend offers the same blocking calls: better-sqlite3 directly, and PostgreSQL
// through `pg` in a worker thread driven synchronously (postgres/). SQL is written once per store in the
// portable subset both dialects accept, with `?` placeholders; schemas go through portableDdl (ddl.ts).
export type Dialect = 'sqlite' | 'postgres';

/** What a column holds on both backends: BLOB/BYTEA come back as Uint8Array, integers as number. */
export type SqlValue = string | number | null | Uint8Array;

export interface SqlStatement {
  readonly sql: string;
  readonly params?: readonly SqlValue[];
}

export interface SqlPort {
  readonly dialect: Dialect;
  all<T>(sql: string, params?: readonly SqlValue[]): T[];
  get<T>(sql: string, params?: readonly SqlValue[]): T | undefined;
  /** Runs a write; returns the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): number;
  /** Runs many writes in order in one round trip (one crossing to the PostgreSQL worker). */
  batch(statements: readonly SqlStatement[]): void;
  /** Runs a script of statements without parameters (schemas). */
  exec(script: string): void;
  /** Runs fn in one database transaction: committed when it returns, rolled back when it throws. */
  transaction<T>(fn: () => T): T;
  close(): void;
}

/** Every store of a node, each in its own SQLite file or PostgreSQL schema. */
export type StoreName =
  | 'ledger'
  | 'mempool'
  | 'vault'
  | 'directory'
  | 'break-glass'
  | 'witness'
  | 'monitoring'
  | 'genomics'
  | 'hl7'
  | 'claims'
  | 'ai';

/**
 * How durable a commit is. 'full': on disk before the call returns (SQLite synchronous=FULL, PostgreSQL
 * synchronous_commit=on). 'process': survives a kill of the node process but maybe not a power loss
 * (SQLite synchronous=NORMAL, PostgreSQL synchronous_commit=off): the mempool's trade, see pending-log.ts.
 */
export type Durability = 'full' | 'process';

export const STORE_DURABILITY: Record<StoreName, Durability> = {
  ledger: 'full',
  mempool: 'process',
  vault: 'full',
  directory: 'full',
  'break-glass': 'full',
  witness: 'full',
  monitoring: 'full',
  genomics: 'full',
  hl7: 'full',
  claims: 'full',
  ai: 'full',
};

export type StorageKind = 'sqlite' | 'postgres' | 'memory';

export interface OpenOptions {
  /** verify opens the ledger read-only: it must not create or change anything. */
  readonly readonly?: boolean;
}

/** A node's storage: where its stores live. Open one per node; close it after the node. */
export interface Storage {
  readonly kind: StorageKind;
  /** For logs and errors: the backend and where, never a password. */
  readonly description: string;
  open(store: StoreName, options?: OpenOptions): SqlPort;
  /**
   * Claims the right to sign as this validator key for as long as the storage is open: a second process
   * claiming it on the same database fails (PostgreSQL advisory lock). A no-op for SQLite and memory,
   * whose data directory belongs to one process.
   */
  lockValidator(publicKey: string): void;
  close(): void;
}

export class StorageError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}
