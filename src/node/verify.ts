// `carechain verify`: re-checks a stored chain from genesis, trusting nothing in the database but the
// genesis document. Every tx signature and hash, every header link, tx root, commit quorum, app hash
// (by re-executing every tx) and log root (by rebuilding the log in memory) is recomputed, and the
// stored log nodes and state rows are compared with the recomputed ones. Blocks are replayed through
// app/block.ts applyBlock, the same composition the ledger checks a peer's block with. The first
// difference is reported with its height.
import { applyBlock } from '../app/block.ts';
import { chainSetsAt } from '../app/chain-sets.ts';
import { executeGenesis } from '../app/executor.ts';
import type { StateReader } from '../app/state.ts';
import { blockHash, type Block, type BlockHeader, type ChainTip } from '../core/block.ts';
import { bytesEqual, fromUtf8, toHex } from '../core/bytes.ts';
import { CoreError } from '../core/errors.ts';
import { genesisHash, parseGenesis } from '../core/genesis.ts';
import { MemoryLogNodeStore, rootAt } from '../core/merkle/index.ts';
import { checkTxStateless, encodeTx, txHashOfBytes, type SignedTx } from '../core/tx.ts';
import { verifyCommit, type Commit } from '../core/vote.ts';
import { SqliteStorage } from './storage/sqlite/sqlite-storage.ts';
import type { Storage } from './storage/port.ts';
import { LedgerStore } from './store/store.ts';

export interface VerifySummary {
  readonly chainId: string;
  readonly blocks: number;
  readonly txs: number;
  readonly logSize: number;
  readonly logRoot: string;
  readonly appHash: string;
}

export type VerifyResult =
  | { readonly ok: true; readonly summary: VerifySummary }
  | { readonly ok: false; readonly height: number; readonly problem: string; readonly summary?: undefined };

export interface VerifyProgress {
  (height: number, tipHeight: number): void;
}

class Failure extends Error {
  readonly height: number;
  constructor(height: number, problem: string) {
    super(problem);
    this.height = height;
  }
}

/** Replayed state: the whole key space in memory, as verify must not trust the stored state. */
class MemoryState implements StateReader {
  readonly values = new Map<string, string>();
  get(key: string): string | undefined {
    return this.values.get(key);
  }
  apply(writes: readonly [string, string | null][]): void {
    for (const [k, v] of writes) {
      if (v === null) this.values.delete(k);
      else this.values.set(k, v);
    }
  }
}

/** Verifies the SQLite ledger in a data directory. */
export function verifyDataDir(dataDir: string, onProgress?: VerifyProgress): VerifyResult {
  return verifyStorage(new SqliteStorage(dataDir), onProgress);
}

/** Verifies the ledger of any storage (SQLite, PostgreSQL, memory), opened read-only. */
export function verifyStorage(storage: Storage, onProgress?: VerifyProgress): VerifyResult {
  let store: LedgerStore;
  try {
    store = LedgerStore.open(storage, { readonly: true });
  } catch (err) {
    return { ok: false, height: 0, problem: `cannot open the ledger: ${(err as Error).message}` };
  }
  try {
    return { ok: true, summary: verifyStore(store, onProgress) };
  } catch (err) {
    if (err instanceof Failure) return { ok: false, height: err.height, problem: err.message };
    throw err;
  } finally {
    store.close();
  }
}

function verifyStore(store: LedgerStore, onProgress?: VerifyProgress): VerifySummary {
  const genesisText = store.meta('genesis');
  if (genesisText === undefined) throw new Failure(0, 'no genesis in the data directory');
  const { genesis } = parseGenesis(JSON.parse(genesisText));
  const state = new MemoryState();
  const genesisExecution = executeGenesis(genesis, genesisHash(genesis));
  state.apply(genesisExecution.writes);
  if (store.meta('genesis_app_hash') !== genesisExecution.appHash) {
    throw new Failure(0, 'genesis app hash differs from the genesis document');
  }
  compareStateRows(store, 0, genesisExecution.writes);

  const log = new MemoryLogNodeStore();
  const tipHeight = store.tip()?.height ?? 0;
  let tip: ChainTip = {
    chainId: genesis.chainId,
    height: 0,
    hash: genesisHash(genesis),
    timeMs: genesis.genesisTimeMs,
    logSize: 0,
    ...setsOf(state, 0),
  };
  let appHash = genesisExecution.appHash;
  let logRoot = toHex(rootAt(log, 0));
  let logNodeCount = 0;
  for (let height = 1; height <= tipHeight; height++) {
    const { block, encodedTxs, hash } = readBlock(store, height);
    const applied = atHeight(height, () => applyBlock({ tip, appHash, state, log }, block, encodedTxs));
    compareStateRows(store, height, applied.stateWrites);
    state.apply(applied.stateWrites);
    appHash = applied.appHash;
    logRoot = applied.logRoot;
    logNodeCount += applied.logWrites.length;
    for (const w of applied.logWrites) {
      log.putNode(w.level, w.index, w.hash);
      const stored = store.getNode(w.level, w.index);
      if (stored === undefined)
        throw new Failure(height, `log node (level ${w.level}, index ${w.index}) is missing`);
      if (!bytesEqual(stored, w.hash)) {
        throw new Failure(
          height,
          `log node (level ${w.level}, index ${w.index}) differs from the recomputed hash`,
        );
      }
    }
    const commit = store.commit(height);
    if (commit === undefined) throw new Failure(height, 'the commit of this block is missing');
    if (commit.blockHash !== hash || commit.height !== height) {
      throw new Failure(height, 'the stored commit is for another block');
    }
    // The commit of block h is checked against the set that signs h (from the state before h, or the
    // recovery certificate h opens with), which governance may have changed: never against genesis alone.
    atHeight(height, () => verifyCommit(genesis.chainId, applied.validatorSet, commit), 'commit');
    tip = {
      ...tip,
      height,
      hash,
      timeMs: block.header.timeMs,
      logSize: applied.logSize,
      ...setsOf(state, height),
    };
    onProgress?.(height, tipHeight);
  }
  checkNothingExtra(store, tip, logNodeCount);
  return {
    chainId: genesis.chainId,
    blocks: tipHeight,
    txs: tip.logSize,
    logSize: tip.logSize,
    logRoot,
    appHash,
  };
}

/** The tip's validator sets, replayed from the state: what a light client following the chain trusts. */
function setsOf(state: StateReader, height: number): Pick<ChainTip, 'validatorSet' | 'lastValidatorSet'> {
  const sets = chainSetsAt(state, height);
  return { validatorSet: sets.next, lastValidatorSet: sets.last };
}

/** Runs a check of core, turning its CoreError into a Failure at height. */
function atHeight<T>(height: number, check: () => T, where?: string): T {
  try {
    return check();
  } catch (err) {
    if (err instanceof CoreError) {
      // applyBlock names the tx that failed in its details.
      const at = where ?? (typeof err.details.txIndex === 'number' ? `tx ${err.details.txIndex}` : undefined);
      throw new Failure(height, at ? `${at}: ${err.message}` : err.message);
    }
    throw err;
  }
}

function readBlock(
  store: LedgerStore,
  height: number,
): { block: Block; encodedTxs: Uint8Array[]; hash: string } {
  const row = store.port.get<{ hash: string; header: string; last_commit: string | null }>(
    'SELECT hash, header, last_commit FROM blocks WHERE height = ?',
    [height],
  );
  if (row === undefined) throw new Failure(height, 'block is missing');
  let header: BlockHeader;
  let lastCommit: Commit | null;
  try {
    header = JSON.parse(row.header) as BlockHeader;
    lastCommit = row.last_commit === null ? null : (JSON.parse(row.last_commit) as Commit);
  } catch {
    throw new Failure(height, 'block header or last commit is not valid JSON');
  }
  const hash = atHeight(height, () => blockHash(header));
  if (hash !== row.hash)
    throw new Failure(height, `block hash differs: header hashes to ${hash}, stored ${row.hash}`);
  const rows = store.port.all<{ hash: string; position: number; log_index: number; body: Uint8Array }>(
    'SELECT hash, position, log_index, body FROM txs WHERE height = ? ORDER BY position',
    [height],
  );
  if (rows.length !== header.txCount) {
    throw new Failure(height, `tx count differs: header says ${header.txCount}, store holds ${rows.length}`);
  }
  const txs: SignedTx[] = [];
  const encodedTxs: Uint8Array[] = [];
  rows.forEach((r, i) => {
    const encoded = new Uint8Array(r.body);
    if (r.position !== i) throw new Failure(height, `tx positions are not 0..${rows.length - 1}`);
    const expectedLogIndex = header.logSize - header.txCount + i;
    if (r.log_index !== expectedLogIndex) {
      throw new Failure(height, `tx ${i} has log index ${r.log_index}, expected ${expectedLogIndex}`);
    }
    if (txHashOfBytes(encoded) !== r.hash)
      throw new Failure(height, `tx ${i} (${r.hash}) does not hash to its key`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(fromUtf8(encoded));
    } catch {
      throw new Failure(height, `tx ${i} (${r.hash}) is not valid JSON`);
    }
    const { tx } = atHeight(height, () => checkTxStateless(parsed, header.chainId), `tx ${i} (${r.hash})`);
    if (!bytesEqual(encodeTx(tx), encoded))
      throw new Failure(height, `tx ${i} (${r.hash}) is not canonically encoded`);
    txs.push(tx);
    encodedTxs.push(encoded);
  });
  return { block: { header, txs, lastCommit }, encodedTxs, hash };
}

function compareStateRows(
  store: LedgerStore,
  height: number,
  writes: readonly [string, string | null][],
): void {
  const rows = store.port.all<{ key: string; value: string | null }>(
    'SELECT key, value FROM state WHERE height = ? ORDER BY key',
    [height],
  );
  const same =
    rows.length === writes.length &&
    rows.every((r, i) => r.key === writes[i]![0] && r.value === writes[i]![1]);
  if (!same) throw new Failure(height, 'stored state writes differ from the replayed ones');
}

function checkNothingExtra(store: LedgerStore, tip: ChainTip, logNodeCount: number): void {
  const count = (sql: string): number => store.port.get<{ n: number }>(sql)?.n ?? 0;
  const blocks = count('SELECT count(*) AS n FROM blocks');
  if (blocks !== tip.height)
    throw new Failure(tip.height, `store holds ${blocks} blocks for ${tip.height} heights`);
  const txs = count('SELECT count(*) AS n FROM txs');
  if (txs !== tip.logSize)
    throw new Failure(tip.height, `store holds ${txs} txs, the log has ${tip.logSize}`);
  const logNodes = count('SELECT count(*) AS n FROM log_nodes');
  if (logNodes !== logNodeCount) {
    throw new Failure(tip.height, `store holds ${logNodes} log nodes, the log has ${logNodeCount}`);
  }
  const stateHeights = count(`SELECT count(*) AS n FROM state WHERE height > ${tip.height}`);
  if (stateHeights !== 0) throw new Failure(tip.height, 'store holds state writes beyond the last block');
}
