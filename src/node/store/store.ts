// The node's durable store: SQLite through better-sqlite3 in WAL mode with synchronous=FULL, so a
// block acknowledged as stored survives kill -9 and power loss (DESIGN.md principle 6).
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson } from '../../core/canonical.ts';
import { fromUtf8 } from '../../core/bytes.ts';
import type { Block, BlockHeader } from '../../core/block.ts';
import type { Genesis } from '../../core/genesis.ts';
import type { LogNodeReader } from '../../core/merkle/index.ts';
import type { SignedTx } from '../../core/tx.ts';
import type { Commit } from '../../core/vote.ts';
import type { StateReader } from '../../app/state.ts';
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
  body: Buffer;
}

export class LedgerStore implements LogNodeReader {
  readonly db: Database.Database;
  private readonly statements;

  constructor(dataDir: string, options: { readonly?: boolean } = {}) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new Database(join(dataDir, DATABASE_FILE), { readonly: options.readonly ?? false });
    if (!options.readonly) {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.exec(SCHEMA_SQL);
    }
    this.statements = this.prepare();
  }

  private prepare() {
    const db = this.db;
    return {
      getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      putMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)'),
      tip: db.prepare<[], { height: number; hash: string; header: string }>(
        'SELECT height, hash, header FROM blocks ORDER BY height DESC LIMIT 1',
      ),
      block: db.prepare<[number], { hash: string; header: string; last_commit: string | null }>(
        'SELECT hash, header, last_commit FROM blocks WHERE height = ?',
      ),
      blockTxs: db.prepare<[number], TxRow>(
        'SELECT hash, height, position, log_index, body FROM txs WHERE height = ? ORDER BY position',
      ),
      tx: db.prepare<[string], TxRow>(
        'SELECT hash, height, position, log_index, body FROM txs WHERE hash = ?',
      ),
      txsBySigner: db.prepare<[string, number], TxRow>(
        'SELECT hash, height, position, log_index, body FROM txs WHERE signer = ? ORDER BY nonce LIMIT ?',
      ),
      commit: db.prepare<[number], { body: string }>('SELECT body FROM commits WHERE height = ?'),
      logNode: db.prepare<[number, number], { hash: Buffer }>(
        'SELECT hash FROM log_nodes WHERE level = ? AND idx = ?',
      ),
      state: db.prepare<[string], { value: string | null }>(
        'SELECT value FROM state WHERE key = ? ORDER BY height DESC LIMIT 1',
      ),
      stateAt: db.prepare<[string, number], { value: string | null }>(
        'SELECT value FROM state WHERE key = ? AND height <= ? ORDER BY height DESC LIMIT 1',
      ),
      insertBlock: db.prepare(
        'INSERT INTO blocks (height, hash, header, last_commit, tx_count) VALUES (?, ?, ?, ?, ?)',
      ),
      insertCommit: db.prepare('INSERT INTO commits (height, body) VALUES (?, ?)'),
      insertTx: db.prepare(
        'INSERT INTO txs (hash, height, position, log_index, signer, nonce, type, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      insertLogNode: db.prepare('INSERT INTO log_nodes (level, idx, hash) VALUES (?, ?, ?)'),
      insertState: db.prepare('INSERT INTO state (key, height, value) VALUES (?, ?, ?)'),
    };
  }

  close(): void {
    this.db.close();
  }

  meta(key: string): string | undefined {
    return this.statements.getMeta.get(key)?.value;
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
    this.db.transaction(() => {
      this.statements.putMeta.run('schema_version', String(SCHEMA_VERSION));
      this.statements.putMeta.run('genesis', text);
      this.statements.putMeta.run('genesis_app_hash', appHash);
      for (const [key, value] of stateWrites) this.statements.insertState.run(key, 0, value);
    })();
  }

  tip(): { height: number; hash: string; header: BlockHeader } | undefined {
    const row = this.statements.tip.get();
    return row && { height: row.height, hash: row.hash, header: JSON.parse(row.header) as BlockHeader };
  }

  /** The block at height as stored, with its txs decoded (no checks: `verify` does those). */
  block(height: number): StoredBlock | undefined {
    const row = this.statements.block.get(height);
    if (row === undefined) return undefined;
    const txs = this.statements.blockTxs.all(height).map((r) => decodeTxRow(r).tx);
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
    return this.statements.blockTxs.all(height).map(decodeTxRow);
  }

  tx(hash: string): StoredTx | undefined {
    const row = this.statements.tx.get(hash);
    return row && decodeTxRow(row);
  }

  txsBySigner(signer: string, limit: number): StoredTx[] {
    return this.statements.txsBySigner.all(signer, limit).map(decodeTxRow);
  }

  commit(height: number): Commit | undefined {
    const row = this.statements.commit.get(height);
    return row && (JSON.parse(row.body) as Commit);
  }

  getNode(level: number, index: number): Uint8Array | undefined {
    const row = this.statements.logNode.get(level, index);
    return row && new Uint8Array(row.hash.buffer, row.hash.byteOffset, row.hash.byteLength);
  }

  /**
   * Latest committed values read so far. Every state write goes through appendBlock (and genesis, before
   * any read), which updates this cache after its database transaction commits, so a hit is always the
   * committed value. Bounded: cleared whole when full.
   */
  private readonly stateCache = new Map<string, string | null>();

  /** Committed state at the tip. */
  readonly latestState: StateReader = {
    get: (key) => {
      const cached = this.stateCache.get(key);
      if (cached !== undefined) return cached ?? undefined;
      const value = this.statements.state.get(key)?.value ?? null;
      if (this.stateCache.size >= STATE_CACHE_ENTRIES_MAX) this.stateCache.clear();
      this.stateCache.set(key, value);
      return value ?? undefined;
    },
  };

  /** Latest values of the keys starting with prefix, in key order, deletions left out. */
  stateByPrefix(prefix: string, limit: number): [string, string][] {
    // Keys are ASCII paths; '\uffff' sorts after every key that starts with the prefix.
    const rows = this.db
      .prepare<[string, string], { key: string; value: string | null }>(
        `SELECT key, value FROM state AS s WHERE key >= ? AND key < ?
           AND height = (SELECT max(height) FROM state WHERE key = s.key) ORDER BY key`,
      )
      .all(prefix, prefix + '\uffff');
    return rows
      .filter((r) => r.value !== null)
      .slice(0, limit)
      .map((r) => [r.key, r.value!]);
  }

  stateAt(height: number): StateReader {
    return { get: (key) => this.statements.stateAt.get(key, height)?.value ?? undefined };
  }

  /** Writes a whole block in one database transaction: after a crash it is either all there or absent. */
  appendBlock(write: BlockWrite): void {
    const { block, hash } = write;
    const height = block.header.height;
    const firstLogIndex = block.header.logSize - block.txs.length;
    const s = this.statements;
    this.db.transaction(() => {
      s.insertBlock.run(
        height,
        hash,
        canonicalJson(block.header),
        block.lastCommit === null ? null : canonicalJson(block.lastCommit),
        block.txs.length,
      );
      block.txs.forEach((tx, i) => {
        s.insertTx.run(
          write.txHashes[i],
          height,
          i,
          firstLogIndex + i,
          tx.signer,
          tx.nonce,
          tx.type,
          write.encodedTxs[i],
        );
      });
      for (const node of write.logWrites) s.insertLogNode.run(node.level, node.index, node.hash);
      for (const [key, value] of write.stateWrites) s.insertState.run(key, height, value);
      s.insertCommit.run(height, canonicalJson(write.commit));
    })();
    // Only after the commit: a failed database transaction leaves the cache as the database is.
    for (const [key, value] of write.stateWrites) {
      if (this.stateCache.has(key)) this.stateCache.set(key, value);
    }
  }
}

function decodeTxRow(row: TxRow): StoredTx {
  const encoded = new Uint8Array(row.body.buffer, row.body.byteOffset, row.body.byteLength);
  return {
    hash: row.hash,
    height: row.height,
    position: row.position,
    logIndex: row.log_index,
    tx: JSON.parse(fromUtf8(encoded)) as SignedTx,
    encoded,
  };
}
