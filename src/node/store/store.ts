// The node's durable ledger store, on any backend of node/storage: a block is written in one database
// transaction with full durability (SQLite synchronous=FULL, PostgreSQL synchronous_commit=on), so a
// block acknowledged as stored survives kill -9 and power loss (DESIGN.md principle 6).
import { canonicalJson } from '../../core/canonical.ts';
import { fromUtf8 } from '../../core/bytes.ts';
import { BoundedMap } from '../../core/bounded-map.ts';
import type { Block, BlockHeader } from '../../core/block.ts';
import type { Genesis } from '../../core/genesis.ts';
import type { LogNodeReader } from '../../core/merkle/index.ts';
import type { SignedTx } from '../../core/tx.ts';
import type { Commit } from '../../core/vote.ts';
import type { StateReader } from '../../app/state.ts';
import { createSchema } from '../storage/ddl.ts';
import type { SqlPort, SqlStatement, Storage } from '../storage/port.ts';
import { SCHEMA_SQL, SCHEMA_VERSION } from './schema.ts';

export const DATABASE_FILE = 'ledger.sqlite';
/** Entries of the latest-state read cache; about 100 bytes each. */
const STATE_CACHE_ENTRIES_MAX = 200_000;

export interface StoredTx {
  readonly hash: string;
  readonly height: number;
  readonly position: number;
  readonly logIndex: number;
  readonly tx: SignedTx;
  readonly encoded: Uint8Array;
}

export interface StoredBlock {
  readonly hash: string;
  readonly block: Block;
}

/** Everything one block adds to the store, written all-or-nothing. */
export interface BlockWrite {
  readonly block: Block;
  readonly hash: string;
  readonly encodedTxs: readonly Uint8Array[];
  readonly txHashes: readonly string[];
  readonly logWrites: readonly { level: number; index: number; hash: Uint8Array }[];
  readonly stateWrites: readonly [string, string | null][];
  readonly commit: Commit;
}

export class StoreError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

interface TxRow {
  hash: string;
  height: number;
  position: number;
  log_index: number;
  body: Uint8Array;
}

/**
 * The steps of a block write, in order, for the crash test's hook (appendBlock): a kill at any of them
 * must leave the block either whole or absent.
 */
export const BLOCK_WRITE_STEPS = ['begin', 'block', 'txs', 'log', 'state', 'commit', 'committed'] as const;
export type BlockWriteStep = (typeof BLOCK_WRITE_STEPS)[number];

const TX_COLUMNS = 'hash, height, position, log_index, body';

export class LedgerStore implements LogNodeReader {
  readonly port: SqlPort;
  /** Test hook: called at each step of a block write (the crash test kills the process there). */
  onWriteStep: ((step: BlockWriteStep) => void) | undefined;

  constructor(port: SqlPort, options: { readonly?: boolean } = {}) {
    this.port = port;
    if (!options.readonly) createSchema(port, SCHEMA_SQL);
  }

  /** Opens the ledger store of a storage (read-only for verify). */
  static open(storage: Storage, options: { readonly?: boolean } = {}): LedgerStore {
    const port = storage.open('ledger', options);
    try {
      return new LedgerStore(port, options);
    } catch (err) {
      port.close();
      throw err;
    }
  }

  close(): void {
    this.port.close();
  }

  meta(key: string): string | undefined {
    return this.port.get<{ value: string }>('SELECT value FROM meta WHERE key = ?', [key])?.value;
  }

  /** Sets a node-local meta value (a recovery applied here, say): never part of the chain or its hashes. */
  setMeta(key: string, value: string): void {
    this.port.run(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      [key, value],
    );
  }

  /** Stores genesis and its state once; a second call with a different genesis is refused. */
  initGenesis(genesis: Genesis, stateWrites: readonly [string, string | null][], appHash: string): void {
    const text = canonicalJson(genesis);
    const existing = this.meta('genesis');
    if (existing !== undefined) {
      if (existing !== text)
        throw new StoreError('store.genesis_mismatch', 'data directory holds another chain');
      return;
    }
    const putMeta = 'INSERT INTO meta (key, value) VALUES (?, ?)';
    this.port.transaction(() =>
      this.port.batch([
        { sql: putMeta, params: ['schema_version', String(SCHEMA_VERSION)] },
        { sql: putMeta, params: ['genesis', text] },
        { sql: putMeta, params: ['genesis_app_hash', appHash] },
        ...stateWrites.map(([key, value]) => ({ sql: INSERT_STATE, params: [key, 0, value] })),
      ]),
    );
  }

  tip(): { height: number; hash: string; header: BlockHeader } | undefined {
    const row = this.port.get<{ height: number; hash: string; header: string }>(
      'SELECT height, hash, header FROM blocks ORDER BY height DESC LIMIT 1',
    );
    return row && { height: row.height, hash: row.hash, header: JSON.parse(row.header) as BlockHeader };
  }

  /** The block at height as stored, with its txs decoded (no checks: `verify` does those). */
  block(height: number): StoredBlock | undefined {
    const row = this.port.get<{ hash: string; header: string; last_commit: string | null }>(
      'SELECT hash, header, last_commit FROM blocks WHERE height = ?',
      [height],
    );
    if (row === undefined) return undefined;
    const txs = this.blockTxRows(height).map((r) => r.tx);
    return {
      hash: row.hash,
      block: {
        header: JSON.parse(row.header) as BlockHeader,
        txs,
        lastCommit: row.last_commit === null ? null : (JSON.parse(row.last_commit) as Commit),
      },
    };
  }

  blockTxRows(height: number): StoredTx[] {
    return this.port
      .all<TxRow>(`SELECT ${TX_COLUMNS} FROM txs WHERE height = ? ORDER BY position`, [height])
      .map(decodeTxRow);
  }

  tx(hash: string): StoredTx | undefined {
    const row = this.port.get<TxRow>(`SELECT ${TX_COLUMNS} FROM txs WHERE hash = ?`, [hash]);
    return row && decodeTxRow(row);
  }

  txsBySigner(signer: string, limit: number): StoredTx[] {
    return this.port
      .all<TxRow>(`SELECT ${TX_COLUMNS} FROM txs WHERE signer = ? ORDER BY nonce LIMIT ?`, [signer, limit])
      .map(decodeTxRow);
  }

  commit(height: number): Commit | undefined {
    const row = this.port.get<{ body: string }>('SELECT body FROM commits WHERE height = ?', [height]);
    return row && (JSON.parse(row.body) as Commit);
  }

  getNode(level: number, index: number): Uint8Array | undefined {
    const row = this.port.get<{ hash: Uint8Array }>(
      'SELECT hash FROM log_nodes WHERE level = ? AND idx = ?',
      [level, index],
    );
    return row && bytesOf(row.hash);
  }

  /**
   * Latest committed values read so far. Every state write goes through appendBlock (and genesis, before
   * any read), which updates this cache after its database transaction commits, so a hit is always the
   * committed value. Bounded: cleared whole when full.
   */
  private readonly stateCache = new BoundedMap<string, string | null>(STATE_CACHE_ENTRIES_MAX);
  /** Blocks written through this store: prefixVersion's numbers start from it. */
  private stateVersionValue = 0;
  private readonly prefixVersions = new Map<string, number>();

  /** Committed state at the tip. */
  readonly latestState: StateReader = {
    get: (key) => {
      const cached = this.stateCache.get(key);
      if (cached !== undefined) return cached ?? undefined;
      const value =
        this.port.get<{ value: string | null }>(
          'SELECT value FROM state WHERE key = ? ORDER BY height DESC LIMIT 1',
          [key],
        )?.value ?? null;
      this.stateCache.set(key, value);
      return value ?? undefined;
    },
  };

  /** Latest values of the keys starting with prefix, in key order, deletions left out. */
  stateByPrefix(prefix: string, limit: number): [string, string][] {
    // Keys are ASCII paths; '\uffff' sorts after every key that starts with the prefix (byte order on
    // both backends: PostgreSQL's key column has the "C" collation).
    const rows = this.port.all<{ key: string; value: string | null }>(
      `SELECT key, value FROM state AS s WHERE key >= ? AND key < ?
         AND height = (SELECT max(height) FROM state WHERE key = s.key) ORDER BY key`,
      [prefix, prefix + '\uffff'],
    );
    return rows
      .filter((r) => r.value !== null)
      .slice(0, limit)
      .map((r) => [r.key, r.value!]);
  }

  stateAt(height: number): StateReader {
    return {
      get: (key) =>
        this.port.get<{ value: string | null }>(
          'SELECT value FROM state WHERE key = ? AND height <= ? ORDER BY height DESC LIMIT 1',
          [key, height],
        )?.value ?? undefined,
    };
  }

  /** Writes a whole block in one database transaction: after a crash it is either all there or absent. */
  appendBlock(write: BlockWrite): void {
    const { block, hash } = write;
    const height = block.header.height;
    const firstLogIndex = block.header.logSize - block.txs.length;
    const steps: [BlockWriteStep, SqlStatement[]][] = [
      [
        'block',
        [
          {
            sql: 'INSERT INTO blocks (height, hash, header, last_commit, tx_count) VALUES (?, ?, ?, ?, ?)',
            params: [
              height,
              hash,
              canonicalJson(block.header),
              block.lastCommit === null ? null : canonicalJson(block.lastCommit),
              block.txs.length,
            ],
          },
        ],
      ],
      [
        'txs',
        block.txs.map((tx, i) => ({
          sql: 'INSERT INTO txs (hash, height, position, log_index, signer, nonce, type, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          params: [
            write.txHashes[i]!,
            height,
            i,
            firstLogIndex + i,
            tx.signer,
            tx.nonce,
            tx.type,
            write.encodedTxs[i]!,
          ],
        })),
      ],
      [
        'log',
        write.logWrites.map((node) => ({
          sql: 'INSERT INTO log_nodes (level, idx, hash) VALUES (?, ?, ?)',
          params: [node.level, node.index, node.hash],
        })),
      ],
      [
        'state',
        write.stateWrites.map(([key, value]) => ({ sql: INSERT_STATE, params: [key, height, value] })),
      ],
      [
        'commit',
        [
          {
            sql: 'INSERT INTO commits (height, body) VALUES (?, ?)',
            params: [height, canonicalJson(write.commit)],
          },
        ],
      ],
    ];
    const hook = this.onWriteStep;
    this.port.transaction(() => {
      if (hook === undefined) {
        this.port.batch(steps.flatMap(([, statements]) => statements));
        return;
      }
      hook('begin');
      for (const [step, statements] of steps) {
        this.port.batch(statements);
        hook(step);
      }
    });
    hook?.('committed');
    // Only after the commit: a failed database transaction leaves the cache as the database is.
    for (const [key, value] of write.stateWrites) {
      if (this.stateCache.has(key)) this.stateCache.set(key, value);
    }
    this.stateVersionValue += 1;
    for (const [prefix, version] of this.prefixVersions) {
      if (write.stateWrites.some(([key]) => key.startsWith(prefix))) {
        this.prefixVersions.set(prefix, version + 1);
      }
    }
  }

  /**
   * A number that changes whenever a block writes a key starting with `prefix`: a reader that derives
   * something from many state values under it (a prefix scan, parsed) may keep that while the number stays
   * the same. The first call for a prefix starts watching it; past PREFIXES_WATCHED_MAX prefixes the
   * number changes with every block instead (still correct, no longer a saving).
   */
  prefixVersion(prefix: string): number {
    const version = this.prefixVersions.get(prefix);
    if (version !== undefined) return version;
    if (this.prefixVersions.size >= PREFIXES_WATCHED_MAX) return this.stateVersionValue;
    this.prefixVersions.set(prefix, this.stateVersionValue);
    return this.stateVersionValue;
  }
}

const INSERT_STATE = 'INSERT INTO state (key, height, value) VALUES (?, ?, ?)';
/** Prefixes prefixVersion watches: each costs every block a scan of its writes. */
const PREFIXES_WATCHED_MAX = 16;

function bytesOf(value: Uint8Array): Uint8Array {
  return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

function decodeTxRow(row: TxRow): StoredTx {
  const encoded = bytesOf(row.body);
  return {
    hash: row.hash,
    height: row.height,
    position: row.position,
    logIndex: row.log_index,
    tx: JSON.parse(fromUtf8(encoded)) as SignedTx,
    encoded,
  };
}
