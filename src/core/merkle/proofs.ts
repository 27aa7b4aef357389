// Proof generation (RFC 9162 §2.1.3.1 and §2.1.4.1). The RFC's recursions are unrolled from the root
// down. Each step yields one sibling subtree; all are complete (one stored node) except at most one
// partial subtree on the right edge, computed from O(log n) complete ones, so a proof reads O(log n)
// nodes and never rebuilds the tree.
import { CoreError } from '../errors.ts';
import type { LogNodeReader } from './store.ts';
import { requireStoredSize, subtreeHash } from './subtree.ts';
import { isTreeIndex, splitPoint } from './tree-math.ts';

/**
 * PATH(m, D[n]) of RFC 9162 §2.1.3.1: the inclusion proof of leaf `leafIndex` in the tree of the
 * first `treeSize` leaves, ordered from the leaf's sibling up to the root's child.
 */
export function inclusionProof(reader: LogNodeReader, leafIndex: number, treeSize: number): Uint8Array[] {
  if (!isTreeIndex(leafIndex) || !isTreeIndex(treeSize) || leafIndex >= treeSize) {
    throw new CoreError('proof.out_of_range', 'the leaf index must be below the tree size', {
      leafIndex,
      treeSize,
    });
  }
  requireStoredSize(reader, treeSize);
  // Each step: PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n]) for m < k, else PATH(m - k, D[k:n]) : MTH(D[0:k]).
  const siblings: Uint8Array[] = [];
  let start = 0;
  let size = treeSize;
  while (size > 1) {
    const k = splitPoint(size);
    if (leafIndex < start + k) {
      siblings.push(subtreeHash(reader, start + k, size - k));
      size = k;
    } else {
      siblings.push(subtreeHash(reader, start, k));
      start += k;
      size -= k;
    }
  }
  return siblings.reverse();
}

/**
 * PROOF(m, D[n]) of RFC 9162 §2.1.4.1: proves that the tree of `fromSize` leaves is a prefix of the
 * tree of `toSize` leaves. Empty when the sizes are equal. Defined only for 0 < fromSize: every tree
 * extends the empty one, and §2.1.4.2 verifiers reject a proof from size 0.
 */
export function consistencyProof(reader: LogNodeReader, fromSize: number, toSize: number): Uint8Array[] {
  if (!isTreeIndex(fromSize) || !isTreeIndex(toSize) || fromSize > toSize) {
    throw new CoreError('proof.out_of_range', 'the first tree size must not exceed the second', {
      fromSize,
      toSize,
    });
  }
  if (fromSize === 0 && toSize > 0) {
    throw new CoreError('proof.out_of_range', 'there is no consistency proof from the empty tree', {
      fromSize,
      toSize,
    });
  }
  requireStoredSize(reader, toSize);
  // SUBPROOF(m, D[n], b): for m <= k it is SUBPROOF(m, D[0:k], b) : MTH(D[k:n]); for m > k it is
  // SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k]); it ends at m = n with {} if b, else {MTH(D[m])}.
  const items: Uint8Array[] = [];
  let start = 0;
  let size = toSize;
  let remaining = fromSize;
  let isWholeOldTree = true; // the RFC's b: the subtree reached is the whole old tree, known to the verifier
  while (remaining !== size) {
    const k = splitPoint(size);
    if (remaining <= k) {
      items.push(subtreeHash(reader, start + k, size - k));
      size = k;
    } else {
      items.push(subtreeHash(reader, start, k));
      start += k;
      size -= k;
      remaining -= k;
      isWholeOldTree = false;
    }
  }
  if (!isWholeOldTree) items.push(subtreeHash(reader, start, size));
  return items.reverse();
}
