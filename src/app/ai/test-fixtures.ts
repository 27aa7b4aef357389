// What the AI tests share: a complete HTI-1 card, the demo cohort query (type 2 diabetes from glucose and
// BMI) and a small artefact of the demo model, so the unit, API and CLI tests register the same model.
import type { ModelArtefact } from './artefact.ts';
import type { CohortQuery } from './cohort.ts';
import { SOURCE_ATTRIBUTES, type ModelCard } from './model-card.ts';

export const COMPLETE_CARD = Object.fromEntries(
  SOURCE_ATTRIBUTES.map((name) => [name, name === 'outputType' ? 'prediction' : `stated: ${name}`]),
) as ModelCard;

/** SNOMED CT 44054006 (type 2 diabetes) from LOINC 2339-0 (glucose) and 39156-5 (BMI). */
export const DIABETES_QUERY: CohortQuery = {
  name: 'type 2 diabetes from glucose and BMI',
  condition: '44054006',
  features: ['2339-0', '39156-5'],
};

export const DEMO_ARTEFACT: ModelArtefact = {
  kind: 'logistic-regression',
  condition: '44054006',
  features: [
    { code: '2339-0', mean: 100, scale: 20 },
    { code: '39156-5', mean: 27, scale: 5 },
  ],
  weights: [-1, 1.5, 0.8],
};

/** The body of POST /api/v1/ai/models for the demo model trained on `cohortId` (API, CLI and browser tests). */
export const demoModelBody = (cohortId: string, overrides: object = {}) => ({
  version: 1,
  name: 'carechain diabetes risk',
  card: COMPLETE_CARD,
  artefact: DEMO_ARTEFACT,
  intendedUse: 'flag adults at risk of type 2 diabetes for screening',
  changePlan: 'retrained each quarter by federated rounds; revalidated before release',
  cohortId,
  ...overrides,
});

/** A seeded uniform [0, 1) source (mulberry32), so a test's population is the same every run. */
export function seededUniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
