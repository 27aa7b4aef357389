// PostgreSQL for large sites: every store of the node in one database, each store in its own schema
// (ledger, mempool, vault, directory, break_glass) so their tables keep the names they have on SQLite.
// One connection per store; commits of the 'full' stores wait for the WAL flush (synchronous_commit=on).
import { createHash } from 'node:crypto';
import { STORE_DURABILITY, StorageError, type OpenOptions, type Storage, type StoreName } from '../port.ts';
import { PostgresPort } from './postgres-port.ts';

export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//.test(value);
}

/** The URL without its password, for logs and errors. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

/** The advisory lock key of a validator: 52 bits of a hash of its public key (a safe integer). */
export function validatorLockKey(publicKey: string): string {
  const digest = createHash('sha256').update(`carechain/v1/validator-lock\n${publicKey}`).digest('hex');
  return String(parseInt(digest.slice(0, 13), 16));
}

export class PostgresStorage implements Storage {
  readonly kind = 'postgres' as const;
  readonly description: string;
  private readonly url: string;
  private readonly open_ = new Set<PostgresPort>();
  private lock: PostgresPort | undefined;

  constructor(url: string) {
    this.url = url;
    this.description = `PostgreSQL at ${redactUrl(url)}`;
  }

  open(store: StoreName, options: OpenOptions = {}): PostgresPort {
    const schema = store.replace('-', '_');
    const setup = [
      ...(options.readonly
        ? ['SET default_transaction_read_only = on']
        : [`CREATE SCHEMA IF NOT EXISTS ${schema}`]),
      `SET search_path TO ${schema}`,
      `SET synchronous_commit = ${STORE_DURABILITY[store] === 'full' ? 'on' : 'off'}`,
      // Notices of "already exists, skipping" from the schemas are noise.
      'SET client_min_messages = warning',
    ];
    let port: PostgresPort;
    try {
      port = new PostgresPort(this.url, setup, () => this.open_.delete(port));
    } catch (err) {
      throw new StorageError(
        'storage.unavailable',
        `cannot open the ${store} store in ${this.description}: ${(err as Error).message}`,
      );
    }
    this.open_.add(port);
    return port;
  }

  lockValidator(publicKey: string): void {
    if (this.lock !== undefined) return;
    const lock = new PostgresPort(this.url, []);
    const row = lock.get<{ locked: boolean }>('SELECT pg_try_advisory_lock(?::bigint) AS locked', [
      validatorLockKey(publicKey),
    ]);
    if (row?.locked !== true) {
      lock.close();
      throw new StorageError(
        'storage.validator_locked',
        `another process is running as validator ${publicKey.slice(0, 16)}… on ${this.description}; two processes must never sign as one validator`,
      );
    }
    // Held by this session until close (or until the process dies and PostgreSQL drops the connection).
    this.lock = lock;
  }

  close(): void {
    for (const port of [...this.open_]) port.close();
    this.lock?.close();
    this.lock = undefined;
  }
}
