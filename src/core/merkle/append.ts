// Appending leaves to the log. A node is written once, when its subtree becomes complete, and never
// changes after; one leaf completes one parent on average, so an append costs about two writes per leaf.
import { HASH_BYTES } from '../crypto/index.ts';
import { CoreError, invariant } from '../errors.ts';
import { nodeHash } from './hash.ts';
import type { LogNodeReader, LogNodeWriter, NodeWrite } from './store.ts';
import { readNode, requireStoredSize } from './subtree.ts';
import { decompose, isTreeIndex } from './tree-math.ts';

export interface AppendPlan {
  readonly newSize: number;
  /** Level-0 node of each leaf, each followed by the parents it completes, in order. */
  readonly writes: readonly NodeWrite[];
}

/**
 * The node writes that appending `leafHashes` (RFC 9162 §2.1.1 leaf hashes, see leafHash) to a log of
 * `currentSize` leaves makes, without writing them, so a database store can apply them in one
 * transaction. Reads only the O(log n) complete subtrees on the log's right edge, and checks that the
 * store holds exactly `currentSize` leaves, since a stale size would overwrite history.
 */
export function planAppend(
  reader: LogNodeReader,
  currentSize: number,
  leafHashes: readonly Uint8Array[],
): AppendPlan {
  checkAppend(reader, currentSize, leafHashes);
  // The right edge: the complete subtrees of the current tree, one per set bit of its size, largest
  // first. A new leaf at an odd index completes a parent with the subtree on top, and so on upward.
  const edge = decompose(0, currentSize).map((id) => ({
    level: id.level,
    hash: readNode(reader, id.level, id.index),
  }));
  const writes: NodeWrite[] = [];
  let size = currentSize;
  for (const leaf of leafHashes) {
    let level = 0;
    let index = size;
    let hash = leaf;
    writes.push({ level, index, hash });
    while (index % 2 === 1) {
      const left = edge.pop();
      invariant(left !== undefined && left.level === level, 'the right edge holds the left sibling');
      hash = nodeHash(left.hash, hash);
      level++;
      index = (index - 1) / 2;
      writes.push({ level, index, hash });
    }
    edge.push({ level, hash });
    size++;
  }
  return { newSize: size, writes };
}

/** Appends leaves to a store that is both reader and writer; returns the new tree size. */
export function appendLeaves(
  store: LogNodeReader & LogNodeWriter,
  currentSize: number,
  leafHashes: readonly Uint8Array[],
): number {
  const plan = planAppend(store, currentSize, leafHashes);
  for (const write of plan.writes) store.putNode(write.level, write.index, write.hash);
  return plan.newSize;
}

function checkAppend(reader: LogNodeReader, currentSize: number, leafHashes: readonly Uint8Array[]): void {
  if (!isTreeIndex(currentSize) || !isTreeIndex(currentSize + leafHashes.length)) {
    throw new CoreError('merkle.out_of_range', 'tree size must be a non-negative safe integer', {
      currentSize,
      leafCount: leafHashes.length,
    });
  }
  for (const [i, leaf] of leafHashes.entries()) {
    if (leaf.length !== HASH_BYTES) {
      throw new CoreError('merkle.invalid_hash', 'a leaf hash must be 32 bytes', {
        position: i,
        length: leaf.length,
      });
    }
  }
  requireStoredSize(reader, currentSize);
  if (reader.getNode(0, currentSize) !== undefined) {
    throw new CoreError('merkle.size_mismatch', 'the log holds more leaves than the current size given', {
      currentSize,
    });
  }
}
