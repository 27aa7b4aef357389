// Storage of the log's complete subtrees. A complete subtree never changes once its last leaf is
// appended, so the hashes of every past tree size (RFC 9162 §2.1.1) can be recomputed from them, and
// proofs need O(log n) of them. Partial right-edge subtrees are never stored: they change on every append.

/** Reads the hash of the complete subtree over leaves [index·2^level, (index+1)·2^level). */
export interface LogNodeReader {
  /**
   * Returns undefined when that subtree is not (yet) complete. Callers treat the bytes as read-only, and
   * an implementation must not change bytes it has returned.
   */
  getNode(level: number, index: number): Uint8Array | undefined;
}

export interface LogNodeWriter {
  putNode(level: number, index: number, hash: Uint8Array): void;
}

/** One node an append creates; a store writes a batch of them atomically (one database transaction). */
export interface NodeWrite {
  readonly level: number;
  readonly index: number;
  readonly hash: Uint8Array;
}
