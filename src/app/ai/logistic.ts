// The demo model: L2-regularised logistic regression trained by full-batch gradient descent, with the
// matrix algebra from ml-matrix. It is small enough to audit and to average: federated averaging
// (McMahan et al. 2017) needs a local step that starts from the round's global weights, which the
// ready-made ml-logistic-regression does not offer. Deterministic: the same data and starting weights
// give the same model at every node.
import { Matrix } from 'ml-matrix';

export interface TrainingSet {
  /** One row per patient, features already scaled (features.ts); no intercept column. */
  readonly features: readonly (readonly number[])[];
  /** 1 when the patient has the condition, else 0. */
  readonly labels: readonly number[];
}

export interface TrainingOptions {
  readonly epochs: number;
  readonly learningRate: number;
  readonly l2: number;
}

export const DEFAULT_TRAINING: TrainingOptions = { epochs: 200, learningRate: 0.5, l2: 0.001 };

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** Weights are [intercept, ...one per feature]. */
export function zeroWeights(featureCount: number): number[] {
  return new Array<number>(featureCount + 1).fill(0);
}

function designMatrix(features: readonly (readonly number[])[]): Matrix {
  return new Matrix(features.map((row) => [1, ...row]));
}

/** Gradient descent from `start` over the set; returns the new weights. */
export function train(set: TrainingSet, start: readonly number[], options = DEFAULT_TRAINING): number[] {
  if (set.features.length === 0) return [...start];
  const x = designMatrix(set.features);
  const y = Matrix.columnVector([...set.labels]);
  let w = Matrix.columnVector([...start]);
  const n = set.features.length;
  for (let epoch = 0; epoch < options.epochs; epoch += 1) {
    const probabilities = x.mmul(w);
    for (let i = 0; i < n; i += 1) probabilities.set(i, 0, sigmoid(probabilities.get(i, 0)));
    const gradient = x.transpose().mmul(probabilities.sub(y)).div(n);
    const penalty = w.clone().mul(options.l2);
    penalty.set(0, 0, 0); // the intercept is not shrunk
    w = w.sub(gradient.add(penalty).mul(options.learningRate));
  }
  return w.to1DArray();
}

/** The model's probability of the condition for each row. */
export function predict(weights: readonly number[], features: readonly (readonly number[])[]): number[] {
  return features.map((row) => sigmoid(row.reduce((z, v, i) => z + v * weights[i + 1]!, weights[0]!)));
}

/**
 * Area under the ROC curve: the probability that a random positive scores above a random negative,
 * ties counting half (the Mann–Whitney U statistic divided by n+·n−). NaN when a class is absent.
 */
export function auc(scores: readonly number[], labels: readonly number[]): number {
  const ranked = scores.map((score, i) => ({ score, label: labels[i]! })).sort((a, b) => a.score - b.score);
  let rankSumPositives = 0;
  let positives = 0;
  for (let i = 0; i < ranked.length;) {
    let j = i;
    while (j < ranked.length && ranked[j]!.score === ranked[i]!.score) j += 1;
    const averageRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k += 1) {
      if (ranked[k]!.label === 1) {
        rankSumPositives += averageRank;
        positives += 1;
      }
    }
    i = j;
  }
  const negatives = ranked.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSumPositives - (positives * (positives + 1)) / 2) / (positives * negatives);
}
