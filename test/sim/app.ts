// The simulator's toy application: a block is a list of tx strings, the previous block's hash and
// commit, and a BFT time; the app state is a hash chain over applied txs. Enough to check that honest
// nodes agree, apply each tx exactly once and include every valid tx, without the real ledger.
import { toHex, utf8 } from '../../src/core/bytes.ts';
import { canonicalBytes } from '../../src/core/canonical.ts';
import { sha256 } from '../../src/core/crypto/index.ts';
import type { ValidatorSet } from '../../src/core/validators.ts';
import { commitTimeMs, verifyCommit, type Commit } from '../../src/core/vote.ts';
import type { ConsensusValue } from '../../src/consensus/index.ts';

export const GENESIS_HASH = '00'.repeat(32);
export const GENESIS_TIME_MS = 1_700_000_000_000;
export const BLOCK_TXS_MAX = 20;

export interface SimBlock extends ConsensusValue {
  readonly height: number;
  readonly prevHash: string;
  /** The commit of the previous block, which fixes this block's time (BFT time); null at height 1. */
  readonly lastCommit: Commit | null;
  readonly txs: readonly string[];
  readonly proposer: string;
}

export function blockHash(b: Omit<SimBlock, 'hash'>): string {
  const { height, prevHash, lastCommit, txs, proposer, timeMs } = b;
  return toHex(sha256(canonicalBytes({ height, prevHash, lastCommit, txs: [...txs], proposer, timeMs })));
}

export function makeBlock(fields: Omit<SimBlock, 'hash' | 'timeMs'>, set: ValidatorSet): SimBlock {
  const timeMs = fields.lastCommit === null ? GENESIS_TIME_MS : commitTimeMs(set, fields.lastCommit);
  const partial = { ...fields, timeMs };
  return { ...partial, hash: blockHash(partial) };
}

/** A tx the app rejects: clients submit some, and no honest node may ever include one. */
export function isValidTx(tx: string): boolean {
  return !tx.startsWith('bad-');
}

/** The replicated state: which txs were applied (with counts, to catch a double apply) and a hash. */
export class AppState {
  height = 0;
  tipHash = GENESIS_HASH;
  tipCommit: Commit | null = null;
  appHash = GENESIS_HASH;
  readonly applied = new Map<string, number>();

  apply(block: SimBlock, commit: Commit): void {
    for (const tx of block.txs) this.applied.set(tx, (this.applied.get(tx) ?? 0) + 1);
    this.appHash = toHex(
      sha256(canonicalBytes({ prev: this.appHash, height: block.height, txs: [...block.txs] })),
    );
    this.height = block.height;
    this.tipHash = block.hash;
    this.tipCommit = commit;
  }
}

/**
 * The driver's valid(v) (Algorithm 1): the block's content hashes to its hash, extends our tip, carries
 * a valid commit of the tip that also fixes its time, and holds only new, valid, distinct txs.
 */
export function validateBlock(chainId: string, set: ValidatorSet, app: AppState, b: SimBlock): string | null {
  if (blockHash(b) !== b.hash) return 'hash does not match content';
  if (b.height !== app.height + 1) return 'wrong height';
  if (b.prevHash !== app.tipHash) return 'does not extend our tip';
  if (b.txs.length > BLOCK_TXS_MAX) return 'too many txs';
  if (b.lastCommit === null) {
    if (b.height !== 1 || b.timeMs !== GENESIS_TIME_MS) return 'missing last commit';
  } else {
    if (b.lastCommit.height !== app.height || b.lastCommit.blockHash !== app.tipHash)
      return 'wrong last commit';
    try {
      verifyCommit(chainId, set, b.lastCommit);
    } catch {
      return 'bad last commit';
    }
    if (b.timeMs !== commitTimeMs(set, b.lastCommit)) return 'time is not the last commit time';
  }
  const seen = new Set<string>();
  for (const tx of b.txs) {
    if (!isValidTx(tx) || seen.has(tx) || app.applied.has(tx)) return `bad or repeated tx`;
    seen.add(tx);
  }
  return null;
}

export function txId(client: number, n: number, valid: boolean): string {
  return `${valid ? '' : 'bad-'}tx-${client}-${n}`;
}

export function hashLabel(label: string): string {
  return toHex(sha256(utf8(label)));
}
