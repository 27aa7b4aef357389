// One site's part of a federated averaging round (McMahan et al. 2017): train from the round's global
// weights on the site's own consented patients for a few local epochs and hand back the new weights with
// the sample count. Only this update leaves the node, and only masked (secure-aggregation.ts).
import { train, type TrainingOptions, type TrainingSet } from './logistic.ts';
import type { SiteUpdate } from './secure-aggregation.ts';

export const LOCAL_TRAINING: TrainingOptions = { epochs: 25, learningRate: 0.5, l2: 0.001 };

export function localUpdate(
  set: TrainingSet,
  global: readonly number[],
  options = LOCAL_TRAINING,
): SiteUpdate {
  return { weights: train(set, global, options), sampleCount: set.labels.length };
}
