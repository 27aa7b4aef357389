// The caches' one rule: at most sizeMax entries, emptied whole when a new key would not fit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoundedMap } from './bounded-map.ts';

void test('a full map empties before it takes a new key, and keeps its entries when a known key changes', () => {
  const map = new BoundedMap<string, number>(2);
  map.set('a', 1);
  map.set('b', 2);
  map.set('b', 3);
  assert.deepEqual([map.size, map.get('a'), map.get('b')], [2, 1, 3]);
  map.set('c', 4);
  assert.deepEqual([map.size, map.has('a'), map.get('c')], [1, false, 4]);
});

void test('getOrCompute computes once per key while the key is remembered', () => {
  const map = new BoundedMap<string, string>(10);
  let calls = 0;
  const compute = (): string => `value ${++calls}`;
  assert.equal(map.getOrCompute('k', compute), 'value 1');
  assert.equal(map.getOrCompute('k', compute), 'value 1');
  map.delete('k');
  assert.equal(map.getOrCompute('k', compute), 'value 2');
});
