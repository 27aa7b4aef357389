// Applying a block to the state: the one composition of the block checks (core), tx execution (the
// BlockExecutor), the app hash and the transparency log (core/merkle). The ledger uses it to build a
// block as proposer and to check a peer's block, `verify` to replay the chain from genesis, and the
// simulator runs it through the real ledger. Pure: the state and log it reads are passed in, and what
// the block writes is returned for the caller to store (or, in verify, to compare with what is stored).
import {
  checkBlockAgainstTip,
  encodeBlockTxs,
  txLeafHashes,
  type Block,
  type ChainTip,
} from '../core/block.ts';
import { toHex } from '../core/bytes.ts';
import { CoreError } from '../core/errors.ts';
import { BLOCK_BYTES_MAX, BLOCK_TXS_MAX } from '../core/limits.ts';
import { planAppend, rootAt, type LogNodeReader, type NodeWrite } from '../core/merkle/index.ts';
import { TxError, txHashOfBytes, type SignedTx, type TxErrorCode } from '../core/tx.ts';
import { validatorSetHash, type ValidatorSet } from '../core/validators.ts';
import { expectedNextSetHash } from './chain-sets.ts';
import type { EffectsCache } from './effects.ts';
import { BlockExecutor } from './executor.ts';
import { RECOVER_TX_TYPE, recoverySetOfBlock, tipForBlock } from './governance/index.ts';
import { rejected } from './payload.ts';
import type { StateReader } from './state.ts';

/** What a block is applied on: the chain's tip, its app hash, the state at it and the log so far. */
export interface BlockBase {
  readonly tip: ChainTip;
  readonly appHash: string;
  readonly state: StateReader;
  readonly log: LogNodeReader;
  /**
   * The node's cache of executed txs' effects (effects.ts): a tx whose inputs are unchanged since the
   * mempool ran it is replayed, not run again. `verify` passes none and runs every tx.
   */
  readonly effects?: EffectsCache;
}

/** What applying a block gives: the header fields it determines, and the rows it writes. */
export interface AppliedBlock {
  readonly appHash: string;
  readonly logSize: number;
  readonly logRoot: string;
  /** What the header must carry as nextValidatorSetHash: undefined unless the next block's set differs. */
  readonly nextValidatorSetHash: string | undefined;
  /** The set that signs this block: the tip's, or a recovery certificate's (governance/recovery.ts). */
  readonly validatorSet: ValidatorSet;
  readonly txHashes: string[];
  readonly stateWrites: [string, string | null][];
  readonly logWrites: readonly NodeWrite[];
}

export interface Candidate {
  readonly tx: SignedTx;
  readonly encoded: Uint8Array;
  readonly hash: string;
}

export interface AppliedCandidates {
  readonly included: Candidate[];
  /** Candidates left out because they failed against the state, with the reason. */
  readonly rejected: { hash: string; error: TxError }[];
  readonly applied: AppliedBlock;
}

/** Reads through log nodes a block is about to write, so its new root can be computed before storing. */
class PendingLogReader implements LogNodeReader {
  private readonly pending = new Map<string, Uint8Array>();
  private readonly base: LogNodeReader;
  constructor(base: LogNodeReader, writes: readonly NodeWrite[]) {
    this.base = base;
    for (const w of writes) this.pending.set(`${w.level}/${w.index}`, w.hash);
  }
  getNode(level: number, index: number): Uint8Array | undefined {
    return this.pending.get(`${level}/${index}`) ?? this.base.getNode(level, index);
  }
}

function newExecutor(
  base: BlockBase,
  next: { readonly height: number; readonly timeMs: number },
): BlockExecutor {
  const context = { chainId: base.tip.chainId, height: next.height, timeMs: next.timeMs };
  return new BlockExecutor(base.state, context, undefined, undefined, base.effects);
}

/** The app hash, state writes and log of executed txs, on top of base. */
function finish(
  base: BlockBase,
  executor: BlockExecutor,
  encodedTxs: readonly Uint8Array[],
  txHashes: string[],
  height: number,
): AppliedBlock {
  const nextValidatorSetHash = expectedNextSetHash(
    executor.state,
    height,
    validatorSetHash(base.tip.validatorSet),
  );
  const execution = executor.finish(base.appHash);
  const { writes: logWrites, newSize } = planAppend(base.log, base.tip.logSize, txLeafHashes(encodedTxs));
  const logRoot = toHex(rootAt(new PendingLogReader(base.log, logWrites), newSize));
  return {
    appHash: execution.appHash,
    logSize: newSize,
    logRoot,
    nextValidatorSetHash,
    validatorSet: base.tip.validatorSet,
    txHashes,
    stateWrites: execution.writes,
    logWrites,
  };
}

/**
 * Applies candidate txs in order for a proposer's next block at (height, timeMs), leaving out those that
 * fail against the state and, once the block is full, those that no longer fit the block limits.
 */
export function applyCandidates(
  base: BlockBase,
  next: { readonly height: number; readonly timeMs: number },
  candidates: readonly Candidate[],
): AppliedCandidates {
  const signing = recoveryBase(base, candidates);
  const executor = newExecutor(signing, next);
  const included: Candidate[] = [];
  const left: { hash: string; error: TxError }[] = [];
  let bytes = 0;
  for (const candidate of candidates) {
    if (included.length >= BLOCK_TXS_MAX || bytes + candidate.encoded.length > BLOCK_BYTES_MAX) break;
    try {
      if (candidate.tx.type === RECOVER_TX_TYPE && (included.length > 0 || signing === base)) {
        throw rejected(
          'governance.recovery_invalid',
          'a recovery is applied by `carechain recover` at a node, as the first tx after the lost set’s last block',
        );
      }
      executor.apply(candidate.tx, candidate.hash);
      included.push(candidate);
      bytes += candidate.encoded.length;
    } catch (err) {
      if (!(err instanceof TxError)) throw err;
      left.push({ hash: candidate.hash, error: err });
    }
  }
  const encodedTxs = included.map((c) => c.encoded);
  const applied = finish(
    signing,
    executor,
    encodedTxs,
    included.map((c) => c.hash),
    next.height,
  );
  return { included, rejected: left, applied };
}

/**
 * The base a proposer builds on: with the recovery's set as the signers when the first candidate is a
 * recovery whose certificate holds (the ledger puts its own there), else base itself.
 */
function recoveryBase(base: BlockBase, candidates: readonly Candidate[]): BlockBase {
  const first = candidates[0];
  if (first?.tx.type !== RECOVER_TX_TYPE) return base;
  try {
    const set = recoverySetOfBlock(base.state, base.tip, [first.tx]);
    return set === undefined ? base : { ...base, tip: { ...base.tip, validatorSet: set } };
  } catch (err) {
    if (err instanceof CoreError) return base; // left out with the reason by applyCandidates
    throw err;
  }
}

/**
 * Applies a whole block on base: checks it against the tip (core), executes every tx (a tx that fails
 * makes the block invalid: its TxError gets `txIndex` in its details), and checks the header's app
 * hash and log root. Throws CoreError naming the first difference. Tx signatures are the caller's
 * stateless pass (the mempool's cache, or verify's own), as they do not depend on the state.
 */
export function applyBlock(
  base: BlockBase,
  block: Block,
  encodedTxs: readonly Uint8Array[] = encodeBlockTxs(block),
): AppliedBlock {
  // A block that opens with a recovery certificate is signed by the set it names, not the state's.
  const signing = { ...base, tip: tipForBlock(base.state, base.tip, block.txs) };
  checkBlockAgainstTip(block, signing.tip, encodedTxs);
  const { header } = block;
  const executor = newExecutor(signing, header);
  const txHashes = encodedTxs.map((e) => txHashOfBytes(e));
  block.txs.forEach((tx, i) => {
    try {
      executor.apply(tx, txHashes[i]!);
    } catch (err) {
      if (!(err instanceof TxError)) throw err;
      throw new TxError(err.code as TxErrorCode, err.message, { ...err.details, txIndex: i });
    }
  });
  const applied = finish(signing, executor, encodedTxs, txHashes, header.height);
  if (header.nextValidatorSetHash !== applied.nextValidatorSetHash) {
    // Both ways: a change the state schedules must be announced, and none may be announced that it does not.
    throw new CoreError(
      'block.mismatch',
      `nextValidatorSetHash differs: the state gives ${applied.nextValidatorSetHash ?? 'none'}, header has ${header.nextValidatorSetHash ?? 'none'}`,
      { field: 'nextValidatorSetHash' },
    );
  }
  if (applied.appHash !== header.appHash) {
    throw new CoreError(
      'block.mismatch',
      `appHash differs: replay gives ${applied.appHash}, header has ${header.appHash}`,
      {
        field: 'appHash',
        expected: applied.appHash,
        actual: header.appHash,
      },
    );
  }
  if (applied.logRoot !== header.logRoot) {
    throw new CoreError(
      'block.mismatch',
      `logRoot differs: recomputed ${applied.logRoot}, header has ${header.logRoot}`,
      {
        field: 'logRoot',
        expected: applied.logRoot,
        actual: header.logRoot,
      },
    );
  }
  return applied;
}
