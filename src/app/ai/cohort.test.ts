import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toHex } from '../../core/bytes.ts';
import { emptyRoot } from '../../core/merkle/hash.ts';
import { artefactHash, scoreArtefact } from './artefact.ts';
import { cohortIdOf, cohortQueryHash, saltedMembersRoot } from './cohort.ts';
import { DEMO_ARTEFACT, DIABETES_QUERY } from './test-fixtures.ts';

const salt = (n: number) => new Uint8Array(32).fill(n);
const pseudonyms = ['aa'.repeat(32), 'bb'.repeat(32), 'cc'.repeat(32)];

test('every custodian derives one cohort id from one query and purpose; another name or purpose is another cohort', () => {
  const reordered = { features: DIABETES_QUERY.features, condition: '44054006', name: DIABETES_QUERY.name };
  assert.equal(cohortIdOf(reordered, 'HRESCH'), cohortIdOf(DIABETES_QUERY, 'HRESCH'));
  assert.equal(cohortQueryHash(reordered), cohortQueryHash(DIABETES_QUERY));
  assert.notEqual(cohortIdOf(DIABETES_QUERY, 'AITRAIN'), cohortIdOf(DIABETES_QUERY, 'HRESCH'));
  assert.notEqual(
    cohortIdOf({ ...DIABETES_QUERY, name: 'round 2' }, 'HRESCH'),
    cohortIdOf(DIABETES_QUERY, 'HRESCH'),
  );
});

test('the members root names a set under a salt: order does not matter, the salt and each member do', () => {
  const root = saltedMembersRoot(salt(1), pseudonyms);
  assert.equal(saltedMembersRoot(salt(1), [...pseudonyms].reverse()), root);
  assert.notEqual(saltedMembersRoot(salt(2), pseudonyms), root);
  assert.notEqual(saltedMembersRoot(salt(1), pseudonyms.slice(1)), root);
  assert.equal(saltedMembersRoot(salt(1), []), toHex(emptyRoot()));
  // Without the salt the root is no dictionary lookup: it names none of the pseudonyms.
  assert.equal(
    pseudonyms.some((p) => root.includes(p.slice(0, 16))),
    false,
  );
});

test('the artefact scores the latest values; a missing one counts as the mean and is named', () => {
  const values = new Map([
    ['2339-0', 140],
    ['39156-5', 32],
  ]);
  const { probability, missing } = scoreArtefact(DEMO_ARTEFACT, values);
  // z = −1 + 1.5·(140−100)/20 + 0.8·(32−27)/5 = 2.8
  assert.ok(Math.abs(probability - 1 / (1 + Math.exp(-2.8))) < 1e-12);
  assert.deepEqual(missing, []);
  const partial = scoreArtefact(DEMO_ARTEFACT, new Map([['2339-0', 100]]));
  assert.ok(Math.abs(partial.probability - 1 / (1 + Math.exp(1))) < 1e-12);
  assert.deepEqual(partial.missing, ['39156-5']);
  assert.notEqual(
    artefactHash(JSON.stringify(DEMO_ARTEFACT)),
    artefactHash(JSON.stringify({ ...DEMO_ARTEFACT, weights: [0, 0, 0] })),
  );
});
