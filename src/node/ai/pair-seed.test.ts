import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateKeyPair } from '../keys.ts';
import { pairSeed } from './pair-seed.ts';

test('both ends of a pair derive one seed; a third node, another chain or another peer derives another', () => {
  const [a, b, c] = [generateKeyPair(), generateKeyPair(), generateKeyPair()];
  const ab = pairSeed('chain', a.seed, a.publicKey, b.publicKey);
  assert.deepEqual(pairSeed('chain', b.seed, b.publicKey, a.publicKey), ab);
  assert.notDeepEqual(pairSeed('chain', c.seed, c.publicKey, b.publicKey), ab);
  assert.notDeepEqual(pairSeed('chain', a.seed, a.publicKey, c.publicKey), ab);
  assert.notDeepEqual(pairSeed('other-chain', a.seed, a.publicKey, b.publicKey), ab);
});
