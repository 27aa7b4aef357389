import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { commitDataset, proveVariant, verifyVariant } from './commitment.ts';

const salt = new Uint8Array(32).fill(7);
const otherSalt = new Uint8Array(32).fill(8);
const ids = [
  'ga4gh:VA.0AePZIWZUNsUlQTamyLrjm2HWUw2opLt',
  'ga4gh:VA.oniij0pYTpd5J8GLcjevFlXZLBQvPkZX',
  'ga4gh:VA.f-shIC8omRUmtaV-N8eHaVg_d8HMMpcf',
];

test('the commitment is independent of order and duplicates, and depends on the salt', () => {
  const a = commitDataset(salt, ids);
  assert.deepEqual(commitDataset(salt, [...ids].reverse().concat(ids[0]!)), a);
  assert.equal(a.variantCount, 3);
  assert.notEqual(commitDataset(otherSalt, ids).root, a.root);
});

test('a held variant is proven under the salt; a missing one, a wrong salt or a wrong root are refused', () => {
  const { root } = commitDataset(salt, ids);
  const proof = proveVariant(salt, ids, ids[1]!)!;
  assert.ok(verifyVariant(salt, ids[1]!, proof, root));
  assert.equal(proveVariant(salt, ids, 'ga4gh:VA.7owfTeiSqoME8zr4p6IqlAu0cNs4Mvu-'), undefined);
  assert.ok(!verifyVariant(otherSalt, ids[1]!, proof, root));
  assert.ok(!verifyVariant(salt, ids[2]!, proof, root));
  assert.ok(!verifyVariant(salt, ids[1]!, proof, commitDataset(salt, ids.slice(1)).root));
});

test('every variant of a random dataset proves against its root (property)', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 20 }),
      (names) => {
        const { root } = commitDataset(salt, names);
        for (const name of names)
          assert.ok(verifyVariant(salt, name, proveVariant(salt, names, name)!, root));
      },
    ),
    { numRuns: 50 },
  );
});
