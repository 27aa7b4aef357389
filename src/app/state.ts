// The replicated state as the app sees it: string keys to string values (canonical JSON), read from the
// committed state at the previous height plus the writes of the block being executed.
import { canonicalJson } from '../core/canonical.ts';
import { hashCanonical } from '../core/hash.ts';

export interface StateReader {
  /** The committed value of key, or undefined when absent. */
  get(key: string): string | undefined;
}

/** What recordEffects saw: reads before the first write of each key, and final writes. */
export interface EffectsRecording {
  readonly reads: Map<string, string | undefined>;
  readonly writes: Map<string, string | null>;
  rolledBack: boolean;
}

/** A block's pending writes over committed state; null marks a deletion. */
export class StateOverlay implements StateReader {
  private readonly base: StateReader;
  private readonly writes = new Map<string, string | null>();
  /** Undo entries of the innermost atomically() scope: key → pending value before (undefined = none). */
  private journal: Map<string, string | null | undefined> | null = null;
  /** While recordEffects runs: the keys read before being written, and the writes (see effects.ts). */
  private recorder: EffectsRecording | null = null;

  constructor(base: StateReader) {
    this.base = base;
  }

  get(key: string): string | undefined {
    const pending = this.writes.get(key);
    const value = pending !== undefined ? (pending ?? undefined) : this.base.get(key);
    const recorder = this.recorder;
    if (recorder !== null && !recorder.writes.has(key) && !recorder.reads.has(key)) {
      recorder.reads.set(key, value);
    }
    return value;
  }

  set(key: string, value: string): void {
    this.record(key);
    this.writes.set(key, value);
    this.recorder?.writes.set(key, value);
  }

  delete(key: string): void {
    this.record(key);
    this.writes.set(key, null);
    this.recorder?.writes.set(key, null);
  }

  /**
   * Runs fn and returns what it read (each key's value before fn first wrote it) and what it wrote
   * (each key's final value); undefined when a scope inside fn rolled back (its recorded writes would
   * then overstate what fn left), so the caller keeps nothing. If fn throws, so does this.
   */
  recordEffects(fn: () => void): EffectsRecording | undefined {
    const recording: EffectsRecording = { reads: new Map(), writes: new Map(), rolledBack: false };
    const outer = this.recorder;
    this.recorder = recording;
    try {
      fn();
    } finally {
      this.recorder = outer;
    }
    return recording.rolledBack ? undefined : recording;
  }

  /**
   * Runs fn and keeps its writes only if it returns normally: a failed tx leaves no trace. Undo is by a
   * journal of the keys fn touched, not a copy of all pending writes, so a block (or a mempool) of n
   * txs costs O(n), not O(n²).
   */
  atomically<T>(fn: () => T): T {
    const outer = this.journal;
    const journal = new Map<string, string | null | undefined>();
    this.journal = journal;
    try {
      return fn();
    } catch (err) {
      if (this.recorder !== null) this.recorder.rolledBack = true;
      for (const [key, previous] of journal) {
        if (previous === undefined) this.writes.delete(key);
        else this.writes.set(key, previous);
      }
      throw err;
    } finally {
      this.journal = outer;
      // A nested scope that succeeded hands its undo entries to the enclosing one.
      if (outer !== null)
        for (const [key, previous] of journal) if (!outer.has(key)) outer.set(key, previous);
    }
  }

  /** Remembers a key's pending value before its first change inside the current atomic scope. */
  private record(key: string): void {
    if (this.journal !== null && !this.journal.has(key)) this.journal.set(key, this.writes.get(key));
  }

  /** Writes in key order: the deterministic form hashed into the app hash and stored. */
  sortedWrites(): [string, string | null][] {
    return [...this.writes.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
}

/**
 * The app hash after a block: SHA-256 over the previous app hash and the block's sorted writes. It is a
 * deterministic commitment to the whole state history, so two nodes with the same app hash applied the
 * same writes in the same order. It does not give per-key proofs; a sparse Merkle tree over the state
 * would (noted in docs/ARCHITECTURE.md as future work).
 */
export function nextAppHash(
  previousAppHash: string,
  sortedWrites: readonly [string, string | null][],
): string {
  return hashCanonical('state-step', { previous: previousAppHash, writes: sortedWrites });
}

export function encodeStateValue(value: unknown): string {
  // The canonical JSON text itself: its UTF-8 bytes decoded back are the same string (canonicalJson
  // refuses lone surrogates, and JSON text never starts with a byte-order mark), so encoding to bytes
  // and decoding them again, as this did, cost every state write two copies for nothing.
  return canonicalJson(value);
}

/** Reads a value a module wrote itself (so its shape is known), or undefined when absent. */
export function readStateValue<T>(state: StateReader, key: string): T | undefined {
  const value = state.get(key);
  return value === undefined ? undefined : (JSON.parse(value) as T);
}

/** A counter a module keeps in state: 0 until first written. */
export function readStateCount(state: StateReader, key: string): number {
  return readStateValue<number>(state, key) ?? 0;
}

export function writeStateValue(state: StateOverlay, key: string, value: unknown): void {
  state.set(key, encodeStateValue(value));
}
