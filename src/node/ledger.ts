// The ledger: a node's store plus the rules to extend it. It builds blocks (as a proposer), checks
// blocks proposed by others, and commits them, always through the one pure composition that `verify`
// replays: app/block.ts (applyCandidates, applyBlock).
import {
  applyBlock,
  applyCandidates,
  type AppliedBlock,
  type BlockBase,
  type Candidate,
} from '../app/block.ts';
import { chainSetsAt, type ChainSets } from '../app/chain-sets.ts';
import { checkRecoveryAt, tipForBlock } from '../app/governance/index.ts';
import { EffectsCache } from '../app/effects.ts';
import { executeGenesis } from '../app/executor.ts';
import type { StateReader } from '../app/state.ts';
import {
  blockHash,
  commitHash,
  encodeBlockTxs,
  txRootOf,
  type Block,
  type BlockHeader,
  type ChainTip,
} from '../core/block.ts';
import { CoreError } from '../core/errors.ts';
import { genesisHash, parseGenesis, type Genesis } from '../core/genesis.ts';
import { encodeTx, txHash, type SignedTx, type TxError } from '../core/tx.ts';
import { commitTimeMs, type Commit } from '../core/vote.ts';
import { validatorSetHash, type ValidatorSet } from '../core/validators.ts';
import { SqliteStorage } from './storage/sqlite/sqlite-storage.ts';
import type { Storage } from './storage/port.ts';
import { LedgerStore, type BlockWrite, type StoredBlock, type StoredTx } from './store/store.ts';

/** A block checked against the tip and executed, ready to be stored once its commit exists. */
export interface PreparedBlock {
  readonly block: Block;
  readonly hash: string;
  readonly write: Omit<BlockWrite, 'commit'>;
}

/** A tx offered for a block (the mempool's and the intake's unit). */
export type { Candidate };

export interface BuildResult {
  readonly prepared: PreparedBlock;
  /** Candidates left out because they failed against the state, with the reason. */
  readonly rejected: { hash: string; error: TxError }[];
}

export class Ledger {
  readonly store: LedgerStore;
  readonly genesis: Genesis;
  readonly genesisHash: string;
  /** The set genesis names; `validatorSet` is the one signing now, which governance may have changed. */
  readonly genesisValidatorSet: ValidatorSet;
  /** The sets around the tip, read once per tip (every block check and vote asks). */
  private setsCache: { tipHash: string; sets: ChainSets } | undefined;
  /** Effects of the txs this node executed (mempool, blocks built or checked), for replay (effects.ts). */
  readonly effects = new EffectsCache();
  /** A recovery `carechain recover` applied here, read once from the store (see recovery()). */
  private recoveryCache: { tx: SignedTx; height: number; set: ValidatorSet } | null | undefined;

  private constructor(store: LedgerStore, genesis: Genesis, validatorSet: ValidatorSet) {
    this.store = store;
    this.genesis = genesis;
    this.genesisHash = genesisHash(genesis);
    this.genesisValidatorSet = validatorSet;
  }

  /** The set that signs the next block: the one consensus, block sync and the API follow now. */
  get validatorSet(): ValidatorSet {
    return this.chainSets().next;
  }

  /** The set that signed the tip and the one that signs the block after it (app/chain-sets.ts). */
  chainSets(): ChainSets {
    const stored = this.store.tip();
    const tipHash = stored?.hash ?? this.genesisHash;
    if (this.setsCache?.tipHash !== tipHash) {
      const tipHeight = stored?.height ?? 0;
      const sets = chainSetsAt(this.store.latestState, tipHeight);
      const recovery = this.pendingRecovery();
      this.setsCache = {
        tipHash,
        sets: recovery === undefined ? sets : { ...sets, next: recovery.set, nextActivatedAt: tipHeight + 1 },
      };
    }
    return this.setsCache.sets;
  }

  /**
   * Stores a recovery tx (`carechain recover`): from now on, while the tip is the certificate's height,
   * this node takes the certificate's set as the next block's signers and, as proposer, puts the tx
   * first. Checked against the state first; throws CoreError('governance.recovery_invalid').
   */
  applyRecovery(tx: SignedTx): void {
    const tip = this.tip();
    const certificate = (tx.payload as { certificate?: unknown } | null)?.certificate;
    checkRecoveryAt(this.store.latestState, this.chainId, tip.height, certificate);
    this.store.setMeta(RECOVERY_META_KEY, JSON.stringify(tx));
    this.recoveryCache = undefined;
    this.setsCache = undefined;
  }

  /** The stored recovery while it still applies: the tip is the height its certificate names. */
  private pendingRecovery(): { tx: SignedTx; height: number; set: ValidatorSet } | undefined {
    if (this.recoveryCache === undefined) {
      const text = this.store.meta(RECOVERY_META_KEY);
      if (text === undefined) this.recoveryCache = null;
      else {
        const tx = JSON.parse(text) as SignedTx;
        const certificate = (tx.payload as { certificate: { height: number } }).certificate;
        const { set } = checkRecoveryAt(
          this.store.latestState,
          this.chainId,
          certificate.height,
          certificate,
        );
        this.recoveryCache = { tx, height: certificate.height, set };
      }
    }
    const recovery = this.recoveryCache;
    return recovery !== null && recovery.height === (this.store.tip()?.height ?? 0) ? recovery : undefined;
  }

  /** Opens (creating if needed) the ledger for genesis in a storage, or in SQLite in a data directory. */
  static open(where: Storage | string, genesisInput: unknown): Ledger {
    const { genesis, validatorSet } = parseGenesis(genesisInput);
    const store = LedgerStore.open(typeof where === 'string' ? new SqliteStorage(where) : where);
    try {
      const initial = executeGenesis(genesis, genesisHash(genesis));
      store.initGenesis(genesis, initial.writes, initial.appHash);
    } catch (err) {
      store.close();
      throw err;
    }
    return new Ledger(store, genesis, validatorSet);
  }

  get chainId(): string {
    return this.genesis.chainId;
  }

  close(): void {
    this.store.close();
  }

  // Reads for the API and services, so nothing above node/ reaches into the store (issue 11).

  /** Committed state at the tip. */
  get state(): StateReader {
    return this.store.latestState;
  }

  /** Changes whenever a block writes a key under prefix: derived reads are cached against it. */
  prefixVersion(prefix: string): number {
    return this.store.prefixVersion(prefix);
  }

  /** The block at height as stored, with its txs decoded. */
  block(height: number): StoredBlock | undefined {
    return this.store.block(height);
  }

  /** The hashes of the txs of the block at height, in block order. */
  blockTxHashes(height: number): string[] {
    return this.store.blockTxRows(height).map((r) => r.hash);
  }

  /** The commit that finalised the block at height. */
  commit(height: number): Commit | undefined {
    return this.store.commit(height);
  }

  /** A committed tx by hash, with its height and log index. */
  tx(hash: string): StoredTx | undefined {
    return this.store.tx(hash);
  }

  /** Latest state values of the keys starting with prefix, in key order, at most limit. */
  stateByPrefix(prefix: string, limit: number): [string, string][] {
    return this.store.stateByPrefix(prefix, limit);
  }

  tip(): ChainTip & { appHash: string; header: BlockHeader | undefined } {
    const stored = this.store.tip();
    const sets = this.chainSets();
    if (stored === undefined) {
      return {
        chainId: this.chainId,
        height: 0,
        hash: this.genesisHash,
        timeMs: this.genesis.genesisTimeMs,
        logSize: 0,
        validatorSet: sets.next,
        lastValidatorSet: sets.last,
        appHash: this.store.meta('genesis_app_hash') ?? '',
        header: undefined,
      };
    }
    return {
      chainId: this.chainId,
      height: stored.height,
      hash: stored.hash,
      timeMs: stored.header.timeMs,
      logSize: stored.header.logSize,
      validatorSet: sets.next,
      lastValidatorSet: sets.last,
      appHash: stored.header.appHash,
      header: stored.header,
    };
  }

  /** The time the next block will carry: genesis time at height 1, else the BFT time of lastCommit. */
  nextBlockTimeMs(lastCommit: Commit | null): number {
    return lastCommit === null ? this.genesis.genesisTimeMs : commitTimeMs(this.chainSets().last, lastCommit);
  }

  /** What the next block is applied on: the tip, its app hash, the committed state and the stored log. */
  private base(): BlockBase & { tip: ReturnType<Ledger['tip']> } {
    const tip = this.tip();
    const { effects } = this;
    return { tip, appHash: tip.appHash, state: this.store.latestState, log: this.store, effects };
  }

  /**
   * Builds the next block from candidates in order, leaving out those that fail against the state
   * (and, once full, those that no longer fit the block limits).
   */
  buildBlock(candidates: readonly Candidate[], proposer: string, lastCommit: Commit | null): BuildResult {
    const base = this.base();
    const { tip } = base;
    const height = tip.height + 1;
    const timeMs = this.nextBlockTimeMs(lastCommit);
    const recovery = this.pendingRecovery();
    const offered = recovery === undefined ? candidates : [recoveryCandidate(recovery.tx), ...candidates];
    const { included, rejected, applied } = applyCandidates(base, { height, timeMs }, offered);
    if (recovery !== undefined && included[0]?.tx !== recovery.tx) {
      const reason = rejected.find((r) => r.hash === offered[0]!.hash)?.error.message ?? 'left out';
      throw new CoreError('governance.recovery_invalid', `the recovery tx does not apply: ${reason}`);
    }
    const encodedTxs = included.map((c) => c.encoded);
    const header: BlockHeader = {
      chainId: this.chainId,
      height,
      timeMs,
      previousHash: tip.hash,
      lastCommitHash: commitHash(lastCommit),
      txRoot: txRootOf(encodedTxs),
      txCount: included.length,
      appHash: applied.appHash,
      validatorSetHash: validatorSetHash(applied.validatorSet),
      ...(applied.nextValidatorSetHash === undefined
        ? {}
        : { nextValidatorSetHash: applied.nextValidatorSetHash }),
      proposer,
      logSize: applied.logSize,
      logRoot: applied.logRoot,
    };
    const block: Block = { header, txs: included.map((c) => c.tx), lastCommit };
    return { prepared: prepared(block, encodedTxs, applied), rejected };
  }

  /** The set whose commit finalises `block` on the tip: a recovery's when the block opens with one. */
  signersOf(block: Block): ValidatorSet {
    return tipForBlock(this.store.latestState, this.tip(), block.txs).validatorSet;
  }

  /**
   * Checks a block proposed by another validator (or received in block sync) by re-executing it
   * (app/block.ts applyBlock). Throws CoreError naming the first difference. Signatures of txs are
   * checked by the caller's stateless pass (the mempool cache), as they are independent of the state.
   */
  prepareBlock(block: Block, encodedTxs: readonly Uint8Array[] = encodeBlockTxs(block)): PreparedBlock {
    return prepared(block, encodedTxs, applyBlock(this.base(), block, encodedTxs));
  }

  /** Stores a prepared block with the commit that finalised it. */
  commitBlock(prepared: PreparedBlock, commit: Commit): void {
    if (commit.blockHash !== prepared.hash || commit.height !== prepared.block.header.height) {
      throw new CoreError('commit.invalid', 'commit is for another block');
    }
    if (this.tip().hash !== prepared.block.header.previousHash) {
      throw new CoreError('block.mismatch', 'the tip moved since the block was prepared');
    }
    this.store.appendBlock({ ...prepared.write, commit });
    this.effects.forget(prepared.write.txHashes);
  }
}

const RECOVERY_META_KEY = 'recovery_tx';

function recoveryCandidate(tx: SignedTx): Candidate {
  const encoded = encodeTx(tx);
  return { tx, encoded, hash: txHash(tx) };
}

function prepared(block: Block, encodedTxs: readonly Uint8Array[], applied: AppliedBlock): PreparedBlock {
  const hash = blockHash(block.header);
  return {
    block,
    hash,
    write: {
      block,
      hash,
      encodedTxs,
      txHashes: applied.txHashes,
      logWrites: applied.logWrites,
      stateWrites: applied.stateWrites,
    },
  };
}
