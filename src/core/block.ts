// Blocks and their headers. A header binds everything a block depends on: the previous block, the
// commit that finalised it, the txs (RFC 9162 root), the state after applying them, the validator
// set, and the global transparency log after appending them. The block hash is the header's hash,
// so a commit (precommits for a block hash) signs all of it; that is why a header plus its commit
// serves as a checkpoint (see docs/ARCHITECTURE.md "Checkpoints").
import { canonicalBytes } from './canonical.ts';
import { toHex } from './bytes.ts';
import { CoreError } from './errors.ts';
import { hashCanonical, ZERO_HASH } from './hash.ts';
import { BLOCK_BYTES_MAX, BLOCK_TXS_MAX } from './limits.ts';
import { leafHash, merkleRoot } from './merkle/index.ts';
import { encodeTx, type SignedTx } from './tx.ts';
import { commitTimeMs, verifyCommit, type Commit } from './vote.ts';
import { findValidator, validatorSetHash, type ValidatorSet } from './validators.ts';

export interface BlockHeader {
  readonly chainId: string;
  readonly height: number;
  /** BFT time: the weighted median of the previous block's precommit times (genesis time at height 1). */
  readonly timeMs: number;
  /** Hash of the previous block's header; the genesis hash at height 1. */
  readonly previousHash: string;
  readonly lastCommitHash: string;
  /** RFC 9162 root over this block's encoded txs. */
  readonly txRoot: string;
  readonly txCount: number;
  /** State commitment after applying this block's txs (see app/state-hash.ts). */
  readonly appHash: string;
  /** The set that signs this block (its commit). */
  readonly validatorSetHash: string;
  /**
   * Only in the block before a validator-set change: the hash of the set that signs the next block
   * (app/chain-sets.ts). Absent otherwise, so chains that never change their set hash as before.
   */
  readonly nextValidatorSetHash?: string;
  readonly proposer: string;
  /** The global transparency log after appending this block's txs. */
  readonly logSize: number;
  readonly logRoot: string;
}

export interface Block {
  readonly header: BlockHeader;
  readonly txs: readonly SignedTx[];
  /** The commit of the previous block; null at height 1. */
  readonly lastCommit: Commit | null;
}

export function blockHash(header: BlockHeader): string {
  return hashCanonical('block-header', header);
}

export function commitHash(commit: Commit | null): string {
  return commit === null ? ZERO_HASH : hashCanonical('commit', commit);
}

export function txLeafHashes(encodedTxs: readonly Uint8Array[]): Uint8Array[] {
  return encodedTxs.map((bytes) => leafHash(bytes));
}

/** RFC 9162 Merkle tree hash of one block's txs, the same hashing as the global log. */
export function txRootOf(encodedTxs: readonly Uint8Array[]): string {
  return toHex(merkleRoot(txLeafHashes(encodedTxs)));
}

export function encodeBlock(block: Block): Uint8Array {
  return canonicalBytes(block);
}

/** What a block must link to: the chain's state just before it. */
export interface ChainTip {
  readonly chainId: string;
  /** Height of the last block, 0 before block 1. */
  readonly height: number;
  /** Hash of the last block, or the genesis hash. */
  readonly hash: string;
  readonly timeMs: number;
  readonly logSize: number;
  /** The set that signs the next block (its header's validatorSetHash and proposer). */
  readonly validatorSet: ValidatorSet;
  /** The set that signed the tip, whose commit the next block carries; the genesis set at height 0. */
  readonly lastValidatorSet: ValidatorSet;
}

function mismatch(field: string, expected: string | number, actual: string | number): CoreError {
  return new CoreError('block.mismatch', `${field} differs: expected ${expected}, found ${actual}`, {
    field,
    expected,
    actual,
  });
}

/**
 * Checks everything about a block that follows from the previous tip and the block itself: links,
 * commit quorum and time, tx root, counts and limits. App hash and log root need state and are
 * checked by the executor. Throws CoreError('block.mismatch' | 'block.too_large' | 'commit.*').
 */
export function checkBlockAgainstTip(block: Block, tip: ChainTip, encodedTxs: readonly Uint8Array[]): void {
  const h = block.header;
  if (h.chainId !== tip.chainId) throw mismatch('chainId', tip.chainId, h.chainId);
  if (h.height !== tip.height + 1) throw mismatch('height', tip.height + 1, h.height);
  if (h.previousHash !== tip.hash) throw mismatch('previousHash', tip.hash, h.previousHash);
  if (h.validatorSetHash !== validatorSetHash(tip.validatorSet)) {
    throw mismatch('validatorSetHash', validatorSetHash(tip.validatorSet), h.validatorSetHash);
  }
  if (findValidator(tip.validatorSet, h.proposer) === undefined) {
    throw new CoreError('block.mismatch', 'proposer is not a validator', { field: 'proposer' });
  }
  if (h.lastCommitHash !== commitHash(block.lastCommit)) {
    throw mismatch('lastCommitHash', commitHash(block.lastCommit), h.lastCommitHash);
  }
  if (tip.height === 0) {
    if (block.lastCommit !== null) throw new CoreError('block.mismatch', 'block 1 has no last commit');
    if (h.timeMs !== tip.timeMs) throw mismatch('timeMs', tip.timeMs, h.timeMs);
  } else {
    if (block.lastCommit === null) throw new CoreError('block.mismatch', 'missing last commit');
    if (block.lastCommit.height !== tip.height)
      throw mismatch('lastCommit.height', tip.height, block.lastCommit.height);
    if (block.lastCommit.blockHash !== tip.hash) {
      throw mismatch('lastCommit.blockHash', tip.hash, block.lastCommit.blockHash);
    }
    verifyCommit(tip.chainId, tip.lastValidatorSet, block.lastCommit);
    const expectedTime = commitTimeMs(tip.lastValidatorSet, block.lastCommit);
    if (h.timeMs !== expectedTime) throw mismatch('timeMs', expectedTime, h.timeMs);
    if (h.timeMs <= tip.timeMs) throw mismatch('timeMs', `> ${tip.timeMs}`, h.timeMs);
  }
  if (block.txs.length > BLOCK_TXS_MAX) {
    throw new CoreError('block.too_large', `more than ${BLOCK_TXS_MAX} txs`, { actual: block.txs.length });
  }
  const bytes = encodedTxs.reduce((sum, e) => sum + e.length, 0);
  if (bytes > BLOCK_BYTES_MAX) {
    throw new CoreError('block.too_large', `txs exceed ${BLOCK_BYTES_MAX} bytes`, { actual: bytes });
  }
  if (h.txCount !== block.txs.length) throw mismatch('txCount', block.txs.length, h.txCount);
  const txRoot = txRootOf(encodedTxs);
  if (h.txRoot !== txRoot) throw mismatch('txRoot', txRoot, h.txRoot);
  if (h.logSize !== tip.logSize + block.txs.length) {
    throw mismatch('logSize', tip.logSize + block.txs.length, h.logSize);
  }
}

export function encodeBlockTxs(block: Block): Uint8Array[] {
  return block.txs.map((tx) => encodeTx(tx));
}
