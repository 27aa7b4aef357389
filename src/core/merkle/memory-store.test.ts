import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CoreError } from '../errors.ts';
import { leafHash } from './hash.ts';
import { MemoryLogNodeStore } from './memory-store.ts';

const hashOf = (i: number): Uint8Array => leafHash(Uint8Array.of(i & 255, i >> 8));

const hasCode =
  (code: string) =>
  (error: unknown): boolean =>
    error instanceof CoreError && error.code === code;

void test('nodes come back as written; absent nodes are undefined', () => {
  const store = new MemoryLogNodeStore();
  assert.equal(store.leafCount, 0);
  assert.equal(store.getNode(0, 0), undefined);
  for (let i = 0; i < 500; i++) store.putNode(0, i, hashOf(i));
  store.putNode(1, 0, hashOf(1000));
  assert.equal(store.leafCount, 500);
  for (let i = 0; i < 500; i++) assert.deepEqual(store.getNode(0, i), hashOf(i));
  assert.deepEqual(store.getNode(1, 0), hashOf(1000));
  for (const [level, index] of [
    [0, 500],
    [0, -1],
    [0, 1.5],
    [1, 1],
    [2, 0],
    [-1, 0],
  ] as const) {
    assert.equal(store.getNode(level, index), undefined, `${level}/${index}`);
  }
});

void test('callers cannot change stored hashes through what they passed in or got back', () => {
  const store = new MemoryLogNodeStore();
  const hash = hashOf(1);
  store.putNode(0, 0, hash);
  hash[0]! ^= 1;
  store.getNode(0, 0)![1]! ^= 1;
  assert.deepEqual(store.getNode(0, 0), hashOf(1));
});

void test('each level is written in index order, and only with 32-byte hashes', () => {
  const store = new MemoryLogNodeStore();
  assert.throws(() => store.putNode(0, 1, hashOf(0)), hasCode('merkle.node_conflict'));
  store.putNode(0, 0, hashOf(0));
  assert.throws(() => store.putNode(0, 0, hashOf(0)), hasCode('merkle.node_conflict'));
  assert.throws(() => store.putNode(0, 1, new Uint8Array(31)), hasCode('merkle.invalid_hash'));
  assert.throws(() => store.putNode(-1, 0, hashOf(0)), hasCode('merkle.out_of_range'));
  assert.throws(() => store.putNode(64, 0, hashOf(0)), hasCode('merkle.out_of_range'));
  assert.equal(store.leafCount, 1);
});
