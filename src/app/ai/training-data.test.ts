import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseElements, updateCommitment } from './secure-aggregation.ts';
import { featureRow, latestValues, trainingSet } from './training-data.ts';

const observation = (id: string, code: string, value: number, when: string) => ({
  resourceType: 'Observation',
  id,
  code: { coding: [{ system: 'http://loinc.org', code }] },
  effectiveDateTime: when,
  valueQuantity: { value },
});
const diabetes = {
  resourceType: 'Condition',
  code: { coding: [{ system: 'http://snomed.info/sct', code: '44054006' }] },
};
const features = [
  { code: '2339-0', mean: 100, scale: 20 },
  { code: '39156-5', mean: 27, scale: 5 },
];

test('the latest value of each LOINC code wins, and a missing one counts as the mean', () => {
  const { values, used } = latestValues([
    observation('a', '2339-0', 90, '2020-01-01T00:00:00Z'),
    observation('b', '2339-0', 140, '2024-01-01T00:00:00Z'),
  ]);
  assert.deepEqual([values.get('2339-0'), used], [140, ['b']]);
  assert.deepEqual(featureRow(features, values), { row: [2, 0], missing: ['39156-5'] });
});

test('a row is labelled 1 only when a Condition carries the SNOMED CT code', () => {
  const set = trainingSet(
    [
      { observations: [observation('a', '39156-5', 32, '2024-01-01')], conditions: [diabetes] },
      {
        observations: [],
        conditions: [{ ...diabetes, code: { coding: [{ system: 'x', code: '44054006' }] } }],
      },
    ],
    features,
    '44054006',
  );
  assert.deepEqual(set, {
    features: [
      [0, 1],
      [0, 0],
    ],
    labels: [1, 0],
  });
});

test('a masked update travels as decimal strings in Z/2^64 and is committed by its hash', () => {
  const values = [0n, 5n, (1n << 64n) - 1n];
  const text = values.map(String);
  assert.deepEqual(parseElements(text, 3), values);
  for (const bad of [
    [...text.slice(0, 2), String(1n << 64n)],
    ['01', '1', '2'],
    [1, 2, 3],
    text.slice(0, 2),
  ]) {
    assert.equal(parseElements(bad, 3), undefined, JSON.stringify(bad));
  }
  assert.equal(updateCommitment(values), updateCommitment([...values]));
  assert.notEqual(updateCommitment(values), updateCommitment([1n, 5n, (1n << 64n) - 1n]));
});
