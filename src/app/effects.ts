// What one tx did when it was executed, kept so the next execution of the same tx can replay its writes
// instead of running its handler again (issue 12: a tx was executed at mempool entry, again in the block
// built or checked, and again after each commit while pending). Handlers are pure functions of the tx,
// the block fields they read and the state values they read, so when every one of those is the same
// again, so are the writes. The executor checks exactly that before it replays (executor.ts).
import { BoundedMap } from '../core/bounded-map.ts';

/** A tx's effects: what it read (before its own writes) and what it wrote, in order. */
export interface TxEffects {
  /** Each state key the handler read before writing it, with the value it saw (undefined: absent). */
  readonly reads: ReadonlyMap<string, string | undefined>;
  /** The block height and time the handler read, if it read them. */
  readonly height: number | undefined;
  readonly timeMs: number | undefined;
  /** The final value of each key the handler wrote (null: deleted), the nonce excluded. */
  readonly writes: ReadonlyMap<string, string | null>;
}

/**
 * A node's effects of the txs it executed, by tx hash (the hash covers the signature, so one entry is
 * one signed tx). Bounded: cleared whole when full; a miss only costs one execution.
 */
export class EffectsCache {
  private readonly entries: BoundedMap<string, TxEffects>;
  /** How many replays and executions went through this cache (the bench and tests read them). */
  hits = 0;
  misses = 0;

  constructor(sizeMax = 100_000) {
    this.entries = new BoundedMap(sizeMax);
  }

  get(txHash: string): TxEffects | undefined {
    return this.entries.get(txHash);
  }

  set(txHash: string, effects: TxEffects): void {
    this.entries.set(txHash, effects);
  }

  /** Committed txs are never executed again (a replay from genesis uses no cache). */
  forget(txHashes: readonly string[]): void {
    for (const hash of txHashes) this.entries.delete(hash);
  }

  get size(): number {
    return this.entries.size;
  }
}
