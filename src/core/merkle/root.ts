// The Merkle Tree Hash (RFC 9162 §2.1.1) of the log at any size up to its current one. Complete
// subtrees never change, so a past root is as cheap as the current one: at most one read per set bit of
// the size.
import { CoreError } from '../errors.ts';
import { emptyRoot } from './hash.ts';
import type { LogNodeReader } from './store.ts';
import { requireStoredSize, subtreeHash } from './subtree.ts';
import { isTreeIndex } from './tree-math.ts';

export function rootAt(reader: LogNodeReader, size: number): Uint8Array {
  if (!isTreeIndex(size)) {
    throw new CoreError('merkle.out_of_range', 'tree size must be a non-negative safe integer', { size });
  }
  if (size === 0) return emptyRoot();
  requireStoredSize(reader, size);
  return subtreeHash(reader, 0, size);
}
