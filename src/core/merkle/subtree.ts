// Hashes of arbitrary subtrees, computed from the O(log n) complete subtrees that cover them, so that
// roots and proofs never rebuild the tree (RFC 9162 §2.1.1 defines MTH recursively over the leaves).
import { CoreError, invariant } from '../errors.ts';
import { nodeHash } from './hash.ts';
import type { LogNodeReader } from './store.ts';
import { decompose } from './tree-math.ts';

/** A complete subtree that the store must hold; its absence means the store is damaged. */
export function readNode(reader: LogNodeReader, level: number, index: number): Uint8Array {
  const hash = reader.getNode(level, index);
  if (hash === undefined) {
    throw new CoreError('merkle.node_missing', 'a complete subtree is missing from the store', {
      level,
      index,
    });
  }
  return hash;
}

/**
 * Checks that the store holds at least `size` leaves by reading the last one. Every complete subtree of
 * a stored tree is stored (appendLeaves writes each as it completes), so this one read makes a later
 * missing node a damaged store rather than a request beyond the log's end.
 */
export function requireStoredSize(reader: LogNodeReader, size: number): void {
  if (size > 0 && reader.getNode(0, size - 1) === undefined) {
    throw new CoreError('merkle.size_unavailable', 'the log has fewer leaves than the requested tree size', {
      treeSize: size,
    });
  }
}

/**
 * MTH(D[start : start + size]) for size ≥ 1, where start is a multiple of the largest power of two not
 * above size (true of every subtree in RFC 9162's recursion). Per §2.1.1 the hash of n leaves is
 * HASH(0x01 || MTH of the first k || MTH of the rest) with k the largest power of two below n, so the
 * complete parts, largest first, fold together from the right.
 */
export function subtreeHash(reader: LogNodeReader, start: number, size: number): Uint8Array {
  const parts = decompose(start, size);
  let hash: Uint8Array | undefined;
  for (let i = parts.length - 1; i >= 0; i--) {
    const part = parts[i]!;
    const partHash = readNode(reader, part.level, part.index);
    hash = hash === undefined ? partHash : nodeHash(partHash, hash);
  }
  invariant(hash !== undefined, 'a subtree hash needs at least one leaf');
  return hash;
}
