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
