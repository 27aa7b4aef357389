// The mempool: txs accepted but not yet committed. Each tx is checked once on entry (shape, size,
// chain, signature, and against the state as the pending txs leave it: nonce order, type, payload), and
// kept in arrival order so each signer's txs stay in nonce order. It is bounded in count and bytes;
// when full, new txs are refused with 'mempool.full' (back-pressure: the client retries later).
// Once accepted, a tx leaves only by being committed or by failing the re-check after a commit.
//
// Fairness: txs signed by member organisations' node keys (the custodians' access events and record
// registrations, which every clinical read and write waits for) are priority txs. Part of the room is
// reserved for them, so anonymous or client traffic that fills the rest cannot make reads answer 503,
// and a proposal takes them first, so they never wait behind a backlog of others.
import type { EffectsCache } from '../app/effects.ts';
import { BlockExecutor, lastNonce } from '../app/executor.ts';
import { actorOf } from '../app/membership/queries.ts';
import type { StateReader } from '../app/state.ts';
import { checkTxStateless, TxError, txHashOfBytes, type SignedTx } from '../core/tx.ts';
import type { Candidate } from './ledger.ts';
import { NodeError } from './errors.ts';
import type { PendingTxLog } from './store/pending-log.ts';

export interface MempoolOptions {
  readonly txsMax: number;
  readonly bytesMax: number;
  /** Of txsMax, how many only priority txs (member nodes' own) may use. */
  readonly priorityReservedTxs?: number;
  /** Of bytesMax, how many only priority txs may use. */
  readonly priorityReservedBytes?: number;
}

export const DEFAULT_MEMPOOL_OPTIONS: MempoolOptions = {
  txsMax: 50_000,
  bytesMax: 64 * 1024 * 1024,
  // A custodian under load has a few hundred reads in flight, each waiting for one access event; 5,000
  // txs and 8 MiB (a full block) leave them room however full the rest is.
  priorityReservedTxs: 5_000,
  priorityReservedBytes: 8 * 1024 * 1024,
};

/** A pending tx that failed its re-check after a commit, in arrival order. */
export interface DroppedTx {
  readonly hash: string;
  readonly error: TxError;
  readonly tx: SignedTx;
}

export interface CheckContext {
  readonly chainId: string;
  readonly state: StateReader;
  readonly nextHeight: number;
  readonly timeMs: number;
}

export class Mempool {
  private readonly options: MempoolOptions;
  private readonly log: PendingTxLog | undefined;
  private readonly txs = new Map<string, Candidate>();
  /** The priority subset of txs, by hash (see the head comment). */
  private readonly priority = new Set<string>();
  private bytes = 0;
  private ordinaryBytes = 0;
  private checker: BlockExecutor;
  private context: CheckContext;
  private readonly droppedListeners: ((dropped: readonly DroppedTx[]) => void)[] = [];
  private readonly addedListeners: (() => void)[] = [];
  private readonly effects: EffectsCache | undefined;

  /**
   * With a log, every admitted tx is written to it before add() returns, and removed once it leaves.
   * With effects (the ledger's), each check records what the tx did, so the block that includes it
   * replays it instead of running it again.
   */
  constructor(options: MempoolOptions, context: CheckContext, log?: PendingTxLog, effects?: EffectsCache) {
    // A reservation as large as the mempool would silently refuse every ordinary tx as 'full'.
    if ((options.priorityReservedTxs ?? 0) >= options.txsMax) {
      throw new RangeError(`priorityReservedTxs must be below txsMax (${options.txsMax})`);
    }
    if ((options.priorityReservedBytes ?? 0) >= options.bytesMax) {
      throw new RangeError(`priorityReservedBytes must be below bytesMax (${options.bytesMax})`);
    }
    this.options = options;
    this.log = log;
    this.effects = effects;
    this.context = context;
    this.checker = this.newChecker();
  }

  get size(): number {
    return this.txs.size;
  }

  get sizeBytes(): number {
    return this.bytes;
  }

  has(hash: string): boolean {
    return this.txs.has(hash);
  }

  /** Checks and admits a tx. Throws TxError (invalid) or NodeError('mempool.full' | 'mempool.duplicate'). */
  add(input: unknown): Candidate {
    const { tx, encoded } = checkTxStateless(input, this.context.chainId);
    return this.addChecked(tx, encoded);
  }

  /** Admits a tx that passed checkTxStateless for this chain (the intake checks first, then decides). */
  addChecked(tx: SignedTx, encoded: Uint8Array): Candidate {
    const hash = txHashOfBytes(encoded);
    if (this.txs.has(hash)) throw new NodeError('mempool.duplicate', 'tx is already pending', { hash });
    const isPriority = this.isPrioritySigner(tx.signer);
    if (!this.hasRoom(isPriority, encoded.length)) {
      throw new NodeError('mempool.full', 'the node is busy: too many pending txs; retry later', {
        pendingTxs: this.txs.size,
      });
    }
    this.checker.apply(tx, hash);
    const candidate: Candidate = { tx, encoded, hash };
    this.log?.put(hash, encoded);
    this.txs.set(hash, candidate);
    this.bytes += encoded.length;
    if (isPriority) this.priority.add(hash);
    else this.ordinaryBytes += encoded.length;
    for (const listener of this.addedListeners) listener();
    return candidate;
  }

  /** Called after each admitted tx: a proposer waiting on an empty mempool builds its block at once. */
  onAdded(listener: () => void): void {
    this.addedListeners.push(listener);
  }

  /**
   * Called after each update() that dropped txs, whoever committed the block (the solo producer, the
   * consensus driver, block sync): the node re-signs its own txs that a failed one left behind a nonce gap.
   */
  onDropped(listener: (dropped: readonly DroppedTx[]) => void): void {
    this.droppedListeners.push(listener);
  }

  /** The state as the pending txs leave it: a key registered by a pending tx is known here. */
  get pendingState(): StateReader {
    return this.checker.state;
  }

  /** Member organisations' node keys: their txs are what clinical reads and writes wait for. */
  isPrioritySigner(signer: string): boolean {
    return actorOf(this.checker.state, signer).kind === 'node';
  }

  private hasRoom(isPriority: boolean, bytes: number): boolean {
    const { txsMax, bytesMax } = this.options;
    if (this.txs.size >= txsMax || this.bytes + bytes > bytesMax) return false;
    if (isPriority) return true;
    const ordinaryTxs = this.txs.size - this.priority.size;
    return (
      ordinaryTxs < txsMax - (this.options.priorityReservedTxs ?? 0) &&
      this.ordinaryBytes + bytes <= bytesMax - (this.options.priorityReservedBytes ?? 0)
    );
  }

  /** The nonce the signer's next tx must carry, counting its pending txs. */
  nextNonce(signer: string): number {
    return lastNonce(this.checker.state, signer) + 1;
  }

  /**
   * Up to max pending txs for a block proposal: priority txs first, then the rest, each in arrival
   * order. A signer's txs are all of one kind, so each signer's nonce order is kept.
   */
  reap(max: number): Candidate[] {
    const out: Candidate[] = [];
    for (const hash of this.priority) {
      if (out.length >= max) return out;
      out.push(this.txs.get(hash)!);
    }
    for (const candidate of this.txs.values()) {
      if (out.length >= max) break;
      if (!this.priority.has(candidate.hash)) out.push(candidate);
    }
    return out;
  }

  /**
   * After a commit: drops the committed txs, then re-checks the rest against the new state, dropping
   * (and returning) those that became invalid, e.g. a nonce used by a tx committed through another node.
   */
  update(committed: readonly string[], context: CheckContext): DroppedTx[] {
    for (const hash of committed) this.remove(hash);
    this.log?.delete(committed);
    this.context = context;
    this.checker = this.newChecker();
    const dropped: DroppedTx[] = [];
    for (const candidate of [...this.txs.values()]) {
      try {
        this.checker.apply(candidate.tx, candidate.hash);
      } catch (err) {
        if (!(err instanceof TxError)) throw err;
        this.remove(candidate.hash);
        dropped.push({ hash: candidate.hash, error: err, tx: candidate.tx });
      }
    }
    this.log?.delete(dropped.map((d) => d.hash));
    if (dropped.length > 0) for (const listener of this.droppedListeners) listener(dropped);
    return dropped;
  }

  /**
   * Re-admits the txs of the durable log after a restart, in their original order; those that no longer
   * pass (committed meanwhile, or invalid now) are dropped from the log. Returns how many came back.
   */
  restore(): number {
    if (this.log === undefined) return 0;
    const stale: string[] = [];
    let restored = 0;
    for (const encoded of this.log.all()) {
      try {
        this.add(JSON.parse(new TextDecoder().decode(encoded)));
        restored++;
      } catch {
        stale.push(txHashOfBytes(encoded));
      }
    }
    this.log.delete(stale);
    return restored;
  }

  private remove(hash: string): void {
    const candidate = this.txs.get(hash);
    if (candidate === undefined) return;
    this.txs.delete(hash);
    this.bytes -= candidate.encoded.length;
    if (!this.priority.delete(hash)) this.ordinaryBytes -= candidate.encoded.length;
  }

  private newChecker(): BlockExecutor {
    const { chainId, state, nextHeight, timeMs } = this.context;
    return new BlockExecutor(
      state,
      { chainId, height: nextHeight, timeMs },
      undefined,
      undefined,
      this.effects,
    );
  }
}
