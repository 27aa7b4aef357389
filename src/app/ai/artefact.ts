// The demo model's artefact (issue 20 §1, §5): what a registration's artefact hash commits to and what an
// inference runs. A logistic model over the latest value of each LOINC-coded vital or lab, each feature
// standardised with the training set's mean and scale; a value the patient lacks counts as the mean
// (zero after scaling), and how many were missing travels with the answer, so a clinician sees how much
// of the prediction rests on data.
import { toHex, utf8 } from '../../core/bytes.ts';
import { sha256 } from '../../core/crypto/index.ts';
import { predict } from './logistic.ts';
import { featureRow, type FeatureScaling } from './training-data.ts';

/** A feature of the model and its standardisation. */
export type ArtefactFeature = FeatureScaling;

export interface ModelArtefact {
  readonly kind: 'logistic-regression';
  /** SNOMED CT code of the condition predicted. */
  readonly condition: string;
  readonly features: readonly ArtefactFeature[];
  /** [intercept, ...one per feature] (logistic.ts). */
  readonly weights: readonly number[];
}

export interface ArtefactScore {
  readonly probability: number;
  /** The feature codes the patient had no value for. */
  readonly missing: readonly string[];
}

/**
 * The hex SHA-256 of the artefact as its JSON text: weights are floating point, which canonical JSON
 * refuses, so the bytes hashed are the exact text stored and served.
 */
export function artefactHash(artefactJson: string): string {
  return toHex(sha256(utf8(artefactJson)));
}

/** The artefact's probability for one patient's latest values, keyed by LOINC code. */
export function scoreArtefact(artefact: ModelArtefact, values: ReadonlyMap<string, number>): ArtefactScore {
  const { row, missing } = featureRow(artefact.features, values);
  return { probability: predict(artefact.weights, [row])[0]!, missing };
}
