import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CoreError } from '../errors.ts';
import { appendLeaves } from './append.ts';
import { leafHash } from './hash.ts';
import { MemoryLogNodeStore } from './memory-store.ts';
import { consistencyProof, inclusionProof } from './proofs.ts';
import { rootAt } from './root.ts';
import type { LogNodeReader } from './store.ts';

const hasCode =
  (code: string) =>
  (error: unknown): boolean =>
    error instanceof CoreError && error.code === code;

function treeOf(size: number): MemoryLogNodeStore {
  const store = new MemoryLogNodeStore();
  appendLeaves(
    store,
    0,
    Array.from({ length: size }, (_, i) => leafHash(Uint8Array.of(i))),
  );
  return store;
}

void test('trivial proofs are empty', () => {
  const store = treeOf(5);
  assert.deepEqual(inclusionProof(store, 0, 1), []);
  for (let m = 0; m <= 5; m++) assert.deepEqual(consistencyProof(store, m, m), []);
});

void test('arguments out of range are refused with proof.out_of_range', () => {
  const store = treeOf(10);
  const outOfRange = hasCode('proof.out_of_range');
  for (const [index, size] of [
    [0, 0],
    [3, 3],
    [4, 3],
    [-1, 3],
    [0.5, 3],
    [0, 2.5],
    [NaN, 3],
    [0, Infinity],
    [0, Number.MAX_SAFE_INTEGER + 1],
  ] as const) {
    assert.throws(() => inclusionProof(store, index, size), outOfRange, `${index} in ${size}`);
  }
  for (const [m, n] of [
    [4, 3],
    [0, 1],
    [0, 10],
    [-1, 3],
    [1, 2.5],
    [NaN, 3],
  ] as const) {
    assert.throws(() => consistencyProof(store, m, n), outOfRange, `${m}..${n}`);
  }
});

void test('sizes beyond the stored log are refused with merkle.size_unavailable', () => {
  const store = treeOf(10);
  const unavailable = hasCode('merkle.size_unavailable');
  // Leaf 9's siblings all exist in a tree of 10, so without the size check this would "succeed".
  assert.throws(() => inclusionProof(store, 9, 11), unavailable);
  assert.throws(() => inclusionProof(store, 0, 16), unavailable);
  assert.throws(() => consistencyProof(store, 4, 11), unavailable);
  assert.throws(() => consistencyProof(store, 11, 11), unavailable);
  assert.throws(() => rootAt(store, 11), unavailable);
});

void test('a node missing from a store that holds the size is reported as merkle.node_missing', () => {
  const store = treeOf(10);
  const damaged: LogNodeReader = {
    getNode: (level, index) => (level === 3 && index === 0 ? undefined : store.getNode(level, index)),
  };
  const missing = hasCode('merkle.node_missing');
  assert.throws(() => inclusionProof(damaged, 9, 10), missing);
  assert.throws(() => consistencyProof(damaged, 9, 10), missing);
  assert.throws(() => rootAt(damaged, 10), missing);
  assert.throws(() => rootAt(store, -1), hasCode('merkle.out_of_range'));
});
