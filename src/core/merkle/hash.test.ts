import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex } from '../bytes.ts';
import { emptyRoot, leafHash, nodeHash } from './hash.ts';

void test('the empty tree root is SHA-256 of nothing (RFC 9162 §2.1.1)', () => {
  assert.equal(toHex(emptyRoot()), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});

void test('a leaf hash is SHA-256(0x00 || input)', () => {
  // SHA-256 of the single byte 0x00, the leaf hash of the empty input.
  assert.equal(
    toHex(leafHash(new Uint8Array(0))),
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  );
  // Reference tree leaf 1 (input 0x00), as in the transparency-dev vectors (inclusion/4 leafHash).
  assert.equal(
    Buffer.from(leafHash(fromHex('00'))).toString('base64'),
    'lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c=',
  );
});

void test('a node hash is SHA-256(0x01 || left || right), and order matters', () => {
  const left = leafHash(new Uint8Array(0));
  const right = leafHash(fromHex('00'));
  // The reference tree of two leaves (consistency/3 root1).
  assert.equal(
    Buffer.from(nodeHash(left, right)).toString('base64'),
    '+sVCA+fMaWzw38tCySodnbr3CtnmIfS9jZhmLwDjwSU=',
  );
  assert.notDeepEqual(nodeHash(right, left), nodeHash(left, right));
});

void test('leaf and node hashes are domain-separated', () => {
  const a = leafHash(fromHex('00'));
  const b = leafHash(fromHex('01'));
  // A leaf whose input is left || right must not collide with the node over left and right.
  const joined = new Uint8Array(64);
  joined.set(a);
  joined.set(b, 32);
  assert.notDeepEqual(leafHash(joined), nodeHash(a, b));
});
