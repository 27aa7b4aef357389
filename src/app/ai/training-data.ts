// One custodian's training rows for the demo task (issue 20 §3), from the FHIR resources it holds about a
// consenting patient: the latest value of each LOINC-coded feature (standardised with the round's scaling,
// a missing value counting as the mean) and the label, whether a Condition carries the SNOMED CT code.
// Pure, so the inference (one patient) and a federated round (every member) read records alike.
import type { TrainingSet } from './logistic.ts';

/** How a feature is standardised: the artefact's (artefact.ts) and every site's in a round. */
export interface FeatureScaling {
  /** LOINC code of the Observation. */
  readonly code: string;
  readonly mean: number;
  /** The training set's standard deviation (1 where it was 0). */
  readonly scale: number;
}

type Json = Record<string, unknown>;

const LOINC = 'http://loinc.org';
const SNOMED = 'http://snomed.info/sct';

/** What a custodian holds about one patient that a training row is made of. */
export interface PatientResources {
  readonly observations: readonly Json[];
  readonly conditions: readonly Json[];
}

const codings = (resource: Json): { system?: string; code?: string }[] =>
  (resource.code as { coding?: { system?: string; code?: string }[] } | undefined)?.coding ?? [];

/** An Observation's time as FHIR gives it (an ISO dateTime sorts as text), '' when it has none. */
const effective = (o: Json): string => {
  const when = o.effectiveDateTime ?? o.issued;
  return typeof when === 'string' ? when : '';
};

/** The latest numeric value per LOINC code, and the ids of the Observations they came from. */
export function latestValues(observations: readonly Json[]): { values: Map<string, number>; used: string[] } {
  const values = new Map<string, number>();
  const used: string[] = [];
  const newestFirst = [...observations].sort((a, b) => effective(b).localeCompare(effective(a)));
  for (const o of newestFirst) {
    const value = (o.valueQuantity as { value?: unknown } | undefined)?.value;
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    for (const { system, code } of codings(o)) {
      if (system !== LOINC || code === undefined || values.has(code)) continue;
      values.set(code, value);
      used.push(String(o.id));
    }
  }
  return { values, used: [...new Set(used)] };
}

/** The standardised feature row for the latest values, and the codes the patient had no value for. */
export function featureRow(
  features: readonly FeatureScaling[],
  values: ReadonlyMap<string, number>,
): { row: number[]; missing: string[] } {
  const missing: string[] = [];
  const row = features.map(({ code, mean, scale }) => {
    const value = values.get(code);
    if (value === undefined) missing.push(code);
    return value === undefined ? 0 : (value - mean) / scale;
  });
  return { row, missing };
}

/** Whether any of the Conditions is coded with the SNOMED CT code. */
export function hasCondition(conditions: readonly Json[], condition: string): boolean {
  return conditions.some((c) => codings(c).some((x) => x.system === SNOMED && x.code === condition));
}

/** The site's training set: one row per patient, labelled 1 when they have the condition. */
export function trainingSet(
  patients: readonly PatientResources[],
  features: readonly FeatureScaling[],
  condition: string,
): TrainingSet {
  return {
    features: patients.map((p) => featureRow(features, latestValues(p.observations).values).row),
    labels: patients.map((p) => (hasCondition(p.conditions, condition) ? 1 : 0)),
  };
}
