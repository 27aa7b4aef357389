import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CoreError } from '../errors.ts';
import { appendLeaves, planAppend } from './append.ts';
import { leafHash } from './hash.ts';
import { MemoryLogNodeStore } from './memory-store.ts';
import { rootAt } from './root.ts';
import type { LogNodeReader } from './store.ts';

const leaves = (from: number, count: number): Uint8Array[] =>
  Array.from({ length: count }, (_, i) => leafHash(Uint8Array.of((from + i) & 255, (from + i) >> 8)));

const hasCode =
  (code: string) =>
  (error: unknown): boolean =>
    error instanceof CoreError && error.code === code;

function popcount(n: number): number {
  let count = 0;
  for (let m = n; m > 0; m = Math.floor(m / 2)) count += m % 2;
  return count;
}

void test('appending n leaves writes each complete subtree once: 2n - popcount(n) nodes', () => {
  for (const n of [0, 1, 2, 3, 7, 8, 9, 100, 1023, 1024, 1025]) {
    const plan = planAppend(new MemoryLogNodeStore(), 0, leaves(0, n));
    assert.equal(plan.newSize, n);
    assert.equal(plan.writes.length, 2 * n - popcount(n), `n=${n}`);
    const ids = new Set(plan.writes.map((w) => `${w.level}/${w.index}`));
    assert.equal(ids.size, plan.writes.length, 'no node is written twice');
    for (const w of plan.writes) {
      // A node at (level, index) covers leaves [index·2^level, (index+1)·2^level), all within the tree.
      assert.ok((w.index + 1) * 2 ** w.level <= n, `${w.level}/${w.index} is complete`);
    }
  }
});

void test('writes come leaf by leaf: each level-0 node, then the parents it completes', () => {
  const plan = planAppend(new MemoryLogNodeStore(), 0, leaves(0, 4));
  assert.deepEqual(
    plan.writes.map((w) => [w.level, w.index]),
    [
      [0, 0],
      [0, 1],
      [1, 0],
      [0, 2],
      [0, 3],
      [1, 1],
      [2, 0],
    ],
  );
});

void test('planAppend reads but never writes', () => {
  const store = new MemoryLogNodeStore();
  appendLeaves(store, 0, leaves(0, 5));
  const reader: LogNodeReader = { getNode: (level, index) => store.getNode(level, index) };
  const plan = planAppend(reader, 5, leaves(5, 3));
  assert.equal(plan.newSize, 8);
  assert.equal(store.leafCount, 5);
});

void test('any split into batches builds the same tree as appending leaf by leaf', () => {
  const all = leaves(0, 300);
  const oneByOne = new MemoryLogNodeStore();
  for (let i = 0; i < all.length; i++) appendLeaves(oneByOne, i, [all[i]!]);
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 30 }), (batchSizes) => {
      const store = new MemoryLogNodeStore();
      let size = 0;
      for (const count of [...batchSizes, all.length]) {
        const batch = all.slice(size, size + count);
        size = appendLeaves(store, size, batch);
        assert.equal(store.leafCount, size);
        assert.deepEqual(rootAt(store, size), rootAt(oneByOne, size));
      }
      assert.equal(size, all.length);
      for (let level = 0; level < 10; level++) {
        for (let index = 0; (index + 1) * 2 ** level <= size; index++) {
          assert.deepEqual(store.getNode(level, index), oneByOne.getNode(level, index));
        }
      }
    }),
    { numRuns: 30 },
  );
});

void test('a wrong current size is refused before anything is written', () => {
  const store = new MemoryLogNodeStore();
  appendLeaves(store, 0, leaves(0, 6));
  // Stale: the log already holds more leaves, and appending would overwrite history.
  assert.throws(() => planAppend(store, 5, leaves(5, 1)), hasCode('merkle.size_mismatch'));
  assert.throws(() => planAppend(store, 0, leaves(0, 1)), hasCode('merkle.size_mismatch'));
  // Ahead of the log.
  assert.throws(() => planAppend(store, 7, leaves(7, 1)), hasCode('merkle.size_unavailable'));
  for (const bad of [-1, 1.5, NaN, Number.MAX_SAFE_INTEGER]) {
    assert.throws(() => planAppend(store, bad, leaves(0, 1)), hasCode('merkle.out_of_range'), String(bad));
  }
  assert.throws(
    () => appendLeaves(store, 6, [new Uint8Array(32), new Uint8Array(33)]),
    hasCode('merkle.invalid_hash'),
  );
  assert.equal(store.leafCount, 6);
});

void test('a damaged store is reported, not papered over', () => {
  const store = new MemoryLogNodeStore();
  appendLeaves(store, 0, leaves(0, 6));
  // Leaves 0..5 present but the level-2 node over 0..3 lost.
  const damaged: LogNodeReader = {
    getNode: (level, index) => (level === 2 && index === 0 ? undefined : store.getNode(level, index)),
  };
  assert.throws(() => planAppend(damaged, 6, leaves(6, 1)), hasCode('merkle.node_missing'));
});
