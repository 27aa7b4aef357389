// Index arithmetic for the tree shape of RFC 9162 §2.1.1. Sizes and indices are plain numbers checked to
// be safe integers, and halving is done with division rather than `>>`, because bitwise operators in
// JavaScript truncate to 32 bits and a log may outgrow 2^31 leaves.
import { invariant } from '../errors.ts';

/** A complete subtree: the hash of leaves [index·2^level, (index+1)·2^level). */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/** A tree size or leaf index: a non-negative safe integer. */
export function isTreeIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** RFC 9162 §2.1.1's k: the largest power of two smaller than n, for n ≥ 2. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The complete subtrees, left to right, that make up leaves [start, start + size): one per set bit of
 * size, largest first. Every range RFC 9162 §2.1.1's recursion produces starts at a multiple of its
 * largest part, which is what makes each part a stored, aligned subtree.
 */
export function decompose(start: number, size: number): NodeId[] {
  const parts: NodeId[] = [];
  let offset = start;
  let remaining = size;
  while (remaining > 0) {
    let level = 0;
    let width = 1;
    while (width * 2 <= remaining) {
      width *= 2;
      level++;
    }
    invariant(offset % width === 0, 'a subtree range starts at a multiple of its largest part');
    parts.push({ level, index: offset / width });
    offset += width;
    remaining -= width;
  }
  return parts;
}
