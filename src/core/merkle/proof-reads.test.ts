// Proofs and roots must read O(log n) stored nodes, so a million-leaf log (and a SQLite store, where
// each read is a query) answers in microseconds. Reads are counted, never timed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { appendLeaves } from './append.ts';
import { MemoryLogNodeStore } from './memory-store.ts';
import { consistencyProof, inclusionProof } from './proofs.ts';
import { rootAt } from './root.ts';
import type { LogNodeReader } from './store.ts';
import { verifyConsistency, verifyInclusion } from './verify.ts';

// 2^20 - 1 leaves: every bit set, so the right edge has the most partial subtrees (the worst case).
const LEAF_COUNT = 2 ** 20 - 1;
const LOG2 = 20; // ⌈log2 LEAF_COUNT⌉
const READS_MAX = 2 * LOG2 + 2; // within the 3·⌈log2 n⌉ + 3 asked for; see proofs.ts for why it is 2·

// Leaf hashes need not be real hashes here, only distinct 32-byte values, which saves a million hashes.
function leafAt(i: number): Uint8Array {
  const leaf = new Uint8Array(32);
  leaf[0] = i & 255;
  leaf[1] = (i >>> 8) & 255;
  leaf[2] = (i >>> 16) & 255;
  leaf[31] = 0xa5;
  return leaf;
}

const store = new MemoryLogNodeStore();
// Small batches keep each batch's new hashes short-lived, which keeps garbage collection cheap.
for (let size = 0; size < LEAF_COUNT;) {
  const count = Math.min(256, LEAF_COUNT - size);
  size = appendLeaves(
    store,
    size,
    Array.from({ length: count }, (_, i) => leafAt(size + i)),
  );
}

class CountingReader implements LogNodeReader {
  reads = 0;
  getNode(level: number, index: number): Uint8Array | undefined {
    this.reads++;
    return store.getNode(level, index);
  }
}

const sizeArb = fc.integer({ min: 1, max: LEAF_COUNT });
const edgeSizes = [1, 2, 3, 2 ** 19, 2 ** 19 + 1, 1_000_000, LEAF_COUNT - 1, LEAF_COUNT];

void test('the log holds 2^20 - 1 leaves', () => {
  assert.equal(store.leafCount, LEAF_COUNT);
});

void test('an inclusion proof reads at most 2·⌈log2 n⌉ + 2 nodes', () => {
  const check = (index: number, size: number): void => {
    const reader = new CountingReader();
    const proof = inclusionProof(reader, index, size);
    assert.ok(reader.reads <= READS_MAX, `${reader.reads} reads for leaf ${index} of ${size}`);
    assert.ok(verifyInclusion(leafAt(index), index, size, proof, rootAt(store, size)));
  };
  for (const size of edgeSizes)
    for (const index of [0, size >>> 1, size - 2, size - 1]) if (index >= 0) check(index, size);
  fc.assert(
    fc.property(
      sizeArb.chain((size) => fc.tuple(fc.nat({ max: size - 1 }), fc.constant(size))),
      ([index, size]) => check(index, size),
    ),
    { numRuns: 300 },
  );
});

void test('a consistency proof reads at most 2·⌈log2 n⌉ + 2 nodes', () => {
  const check = (m: number, n: number): void => {
    const reader = new CountingReader();
    const proof = consistencyProof(reader, m, n);
    assert.ok(reader.reads <= READS_MAX, `${reader.reads} reads for ${m}..${n}`);
    assert.ok(verifyConsistency(m, n, rootAt(store, m), rootAt(store, n), proof));
  };
  for (const n of edgeSizes) for (const m of edgeSizes) if (m <= n) check(m, n);
  fc.assert(
    fc.property(
      sizeArb.chain((n) => fc.tuple(fc.integer({ min: 1, max: n }), fc.constant(n))),
      ([m, n]) => check(m, n),
    ),
    { numRuns: 300 },
  );
});

void test('a root reads one node per set bit of the size, plus one', () => {
  const reader = new CountingReader();
  rootAt(reader, LEAF_COUNT);
  assert.equal(reader.reads, LOG2 + 1);
});
