// The model and its federated training on a synthetic population with a known risk rule: the federated
// model, built only from masked site updates, comes close to the model trained on the union and beats a
// small site's own model on held-back patients.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { utf8 } from '../../core/bytes.ts';
import { sha256 } from '../../core/crypto/index.ts';
import { localUpdate } from './federated.ts';
import { auc, predict, train, zeroWeights, type TrainingSet } from './logistic.ts';
import { decodeAverage, encodeUpdate, maskUpdate, sumMasked } from './secure-aggregation.ts';
import { seededUniform } from './test-fixtures.ts';

const uniform = seededUniform;

/** Patients with three scaled features; the condition's log-odds are −1 + 2·x0 − 1.5·x1 (x2 is noise). */
function population(size: number, seed: number, shift = 0): TrainingSet {
  const next = uniform(seed);
  const features: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < size; i += 1) {
    const row = [next() * 2 - 1 + shift, next() * 2 - 1, next() * 2 - 1];
    const logOdds = -1 + 2 * row[0]! - 1.5 * row[1]!;
    features.push(row);
    labels.push(next() < 1 / (1 + Math.exp(-logOdds)) ? 1 : 0);
  }
  return { features, labels };
}

test('AUC is the Mann–Whitney probability, ties counting half', () => {
  assert.equal(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75);
  assert.equal(auc([0.5, 0.5], [0, 1]), 0.5);
  assert.ok(Number.isNaN(auc([0.2, 0.3], [1, 1])));
});

test('training recovers the direction of the risk rule and ranks held-back patients well', () => {
  const weights = train(population(2000, 1), zeroWeights(3));
  assert.ok(weights[1]! > 1 && weights[2]! < -0.8 && Math.abs(weights[3]!) < 0.3, weights.join(', '));
  const heldBack = population(1000, 99);
  assert.ok(auc(predict(weights, heldBack.features), heldBack.labels) > 0.75);
});

test('federated rounds over masked updates match central training and beat a small site alone', () => {
  const sites = {
    clinic: population(60, 2, 0.4),
    hospital: population(900, 3, -0.2),
    lab: population(300, 4),
  };
  const ids = Object.keys(sites) as (keyof typeof sites)[];
  const seed = (a: string, b: string) => sha256(utf8([a, b].sort().join('|')));
  let global: readonly number[] = zeroWeights(3);
  for (let round = 1; round <= 8; round += 1) {
    const masked = ids.map((id) =>
      maskUpdate(
        encodeUpdate(localUpdate(sites[id], global)),
        id,
        ids.map((peer) => ({ id: peer, seed: seed(id, peer) })),
        `round-${round}`,
      ),
    );
    global = decodeAverage(sumMasked(masked)).weights;
  }
  const union: TrainingSet = {
    features: ids.flatMap((id) => sites[id].features),
    labels: ids.flatMap((id) => sites[id].labels),
  };
  const heldBack = population(2000, 77);
  const score = (w: readonly number[]) => auc(predict(w, heldBack.features), heldBack.labels);
  const federated = score(global);
  const central = score(train(union, zeroWeights(3)));
  const clinicAlone = score(train(sites.clinic, zeroWeights(3)));
  assert.ok(Math.abs(federated - central) < 0.02, `federated ${federated} vs central ${central}`);
  assert.ok(federated > clinicAlone, `federated ${federated} vs the clinic alone ${clinicAlone}`);
});
