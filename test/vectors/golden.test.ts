// Golden vectors (STYLE.md §7): tx signing bytes, tx hash, tx root, genesis hash, block hash, vote
// signing bytes and commit hash must never change by accident. A failure here is a protocol change.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { computeGoldenVectors } from './golden.ts';

const expected = JSON.parse(readFileSync(new URL('./ledger-v1.json', import.meta.url), 'utf8')) as unknown;

test('encodings, hashes and signatures match the committed golden vectors', () => {
  assert.deepEqual(JSON.parse(JSON.stringify(computeGoldenVectors())), expected);
});

test('the tx golden vector spells out the domain-separated signing bytes', () => {
  const v = computeGoldenVectors();
  assert.ok(
    v.tx.signingBytes.startsWith('carechain/v1/tx/carechain-test\n{"chainId":"carechain-test","nonce":1,'),
  );
  assert.equal(v.tx.hash, 'a31d2b464ebb62353e1f95d5ed1c53c6222c3fae3fb931fec0603c07a3025fb0');
});
