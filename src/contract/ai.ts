// The AI API's JSON Schemas (TypeBox) and their types (issue 20), shared by the routes (api/routes/ai.ts),
// the OpenAPI document, the CLI and the web app. A model is registered with its HTI-1 card, its artefact
// and the cohort it was trained on; a cohort is a query each custodian runs over the patients whose
// consent allows research; analytics spend ε on the chain before they answer; an inference reads a
// patient's records (an access event) and writes back a RiskAssessment labelled AIAST with a Provenance.
// Refusals are the catalogue's ai.* codes (ai.invalid with details.field for a bad body).
import { Type, type Static } from '@sinclair/typebox';
import type { CohortRecord, ModelRecord, RoundRecord } from '../app/ai/keys.ts';
import { fhirResourceSchema } from './fhir.ts';
import { hex32 } from './ledger.ts';
import { anyObject, chainRecord } from './passed-whole.ts';

export const AI_PATH = '/api/v1/ai';
export const MY_AI_PATH = '/api/v1/patients/me/ai';

const record = chainRecord;
const json = anyObject;
const text = (what: string) => Type.String({ minLength: 1, maxLength: 4000, description: what });

const committed = { txHash: hex32, height: Type.Integer() };
export const aiCommittedSchema = Type.Object(committed);
export type AiCommitted = Static<typeof aiCommittedSchema>;

export const modelParams = Type.Object({ modelId: Type.String({ description: 'the model id (64 hex)' }) });
export const versionParams = Type.Object({
  modelId: Type.String({ description: 'the model id (64 hex)' }),
  version: Type.String({ pattern: '^[1-9][0-9]{0,5}$' }),
});

/** POST /api/v1/ai/models: a model version, signed by the developing organisation's node. */
export const registerModelBody = Type.Object({
  modelId: Type.Optional(Type.String({ description: 'absent for a new model: the node names it' })),
  version: Type.Integer({ minimum: 1 }),
  parentVersion: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
  name: Type.String({ minLength: 1, maxLength: 200, description: 'the AI Device’s model name' }),
  card: json('the 31 HTI-1 source attributes (app/ai SOURCE_ATTRIBUTES), each a statement in words'),
  artefact: json('the model (app/ai ModelArtefact): { kind, condition, features, weights }'),
  intendedUse: text('what the model is for, in words'),
  changePlan: text('how later versions will be trained, validated and released'),
  cohortId: Type.String({ description: 'the training cohort (64 hex), committed by its custodians' }),
});
export type RegisterModelBody = Static<typeof registerModelBody>;

export const registeredModelSchema = Type.Object({
  modelId: hex32,
  version: Type.Integer(),
  cardHash: hex32,
  artefactHash: hex32,
  documentReference: fhirResourceSchema,
  device: fhirResourceSchema,
  ...committed,
});
export type RegisteredModelAnswer = Static<typeof registeredModelSchema>;

const modelRecord = record<ModelRecord>('a model version on chain (app/ai ModelRecord)');

/** GET /api/v1/ai/models: every registered version, in key order, a bounded page. */
export const modelsSchema = Type.Object({
  models: Type.Array(Type.Object({ modelId: hex32, version: Type.Integer(), record: modelRecord })),
});
export type ModelsAnswer = Static<typeof modelsSchema>;

/** GET /api/v1/ai/models/:modelId: the lineage (every version) and the federated rounds. */
export const modelLineageSchema = Type.Object({
  modelId: hex32,
  versions: Type.Array(Type.Object({ version: Type.Integer(), record: modelRecord })),
  rounds: Type.Array(record<RoundRecord & { round: number }>('a committed round (app/ai RoundRecord)')),
});
export type ModelLineageAnswer = Static<typeof modelLineageSchema>;

/**
 * GET /api/v1/ai/models/:modelId/versions/:version: the chain's record and, at the node that registered
 * it, the documents behind its hashes; `documentsMatch` says whether they hash to what the chain holds.
 */
export const modelVersionSchema = Type.Object({
  modelId: hex32,
  version: Type.Integer(),
  record: modelRecord,
  documentReference: Type.Union([fhirResourceSchema, Type.Null()]),
  device: Type.Union([fhirResourceSchema, Type.Null()]),
  artefact: Type.Union([json('the model artefact'), Type.Null()]),
  documentsMatch: Type.Union([Type.Boolean(), Type.Null()]),
});
export type ModelVersionAnswer = Static<typeof modelVersionSchema>;

/** POST /api/v1/ai/models/:modelId/versions/:version/withdrawal: the path names all there is to say. */
export const withdrawModelBody = Type.Object({});

/** POST /api/v1/ai/cohorts: run the query here, over the patients whose consent allows the purpose. */
export const cohortQuerySchema = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  condition: Type.String({ description: 'SNOMED CT code of the condition to predict' }),
  features: Type.Array(Type.String({ description: 'a LOINC code' }), { minItems: 1, maxItems: 32 }),
});
export const commitCohortBody = Type.Object({
  query: cohortQuerySchema,
  purpose: Type.Optional(Type.String({ description: 'HRESCH (the default)' })),
});
export type CommitCohortBody = Static<typeof commitCohortBody>;
export const committedCohortSchema = Type.Object({
  cohortId: hex32,
  queryHash: hex32,
  purpose: Type.String(),
  membersRoot: hex32,
  included: Type.Integer(),
  excludedForConsent: Type.Integer(),
  ...committed,
});
export type CommittedCohortAnswer = Static<typeof committedCohortSchema>;

export const cohortParams = Type.Object({ cohortId: Type.String({ description: 'the cohort id (64 hex)' }) });
/** GET /api/v1/ai/cohorts/:cohortId: every custodian's commitment. */
export const cohortSchema = Type.Object({
  cohortId: hex32,
  custodians: Type.Array(
    Type.Object({
      orgId: Type.String(),
      record: record<CohortRecord>('a custodian’s commitment (app/ai CohortRecord)'),
    }),
  ),
});
export type CohortAnswer = Static<typeof cohortSchema>;

/**
 * POST /api/v1/ai/rounds: one federated round, run by the coordinator's node (the developing
 * organisation's): each site trains on its consenting members and answers a masked update over the
 * node-to-node channel; the node sums them, commits the round and answers every value needed to verify it.
 */
export const featureScalingSchema = Type.Object({
  code: Type.String({ description: 'a LOINC code of the cohort query, in its order' }),
  mean: Type.Number(),
  scale: Type.Number({ exclusiveMinimum: 0 }),
});
export const runRoundBody = Type.Object({
  modelId: Type.Optional(Type.String({ description: 'absent in round 1 of a new model: the node names it' })),
  round: Type.Integer({ minimum: 1, maximum: 10_000 }),
  cohortId: Type.String({ description: 'the cohort (64 hex) every site committed' }),
  sites: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 2, maxItems: 64 }),
  features: Type.Array(featureScalingSchema, { minItems: 1, maxItems: 32 }),
});
export type RunRoundBody = Static<typeof runRoundBody>;
/** An element of Z/2^64 as a decimal string (secure-aggregation.ts). */
const element = Type.String({ pattern: '^(0|[1-9][0-9]{0,19})$' });
export const roundAnswerSchema = Type.Object({
  modelId: hex32,
  round: Type.Integer(),
  cohortId: hex32,
  participants: Type.Array(
    Type.Object({
      orgId: Type.String(),
      updateHash: hex32,
      masked: Type.Array(element, { description: 'the site’s update under its pairwise masks' }),
      sampleCount: Type.Integer(),
      excludedForConsent: Type.Integer({ description: 'members left out: consent withdrawn since' }),
    }),
  ),
  sum: Type.Array(element, { description: 'Σ masked = Σ n·w (fixed point) and Σ n, the pads cancelled' }),
  aggregateHash: hex32,
  weights: Type.Array(Type.Number(), { description: 'the federated average: [intercept, …]' }),
  sampleCount: Type.Integer(),
  ...committed,
});
export type RoundAnswer = Static<typeof roundAnswerSchema>;

/** POST /api/v1/ai/datasets: this custodian's share of a cohort it committed, with an ε limit per analyst. */
export const registerDatasetBody = Type.Object({
  cohortId: Type.String(),
  limitMilli: Type.Integer({ minimum: 1, description: 'ε per analyst, in thousandths' }),
});
export type RegisterDatasetBody = Static<typeof registerDatasetBody>;
export const registeredDatasetSchema = Type.Object({ datasetId: hex32, ...committed });
export type RegisteredDatasetAnswer = Static<typeof registeredDatasetSchema>;

export const datasetParams = Type.Object({ datasetId: Type.String() });
/** GET /api/v1/ai/datasets/:datasetId/budget: the calling analyst's ε, as the chain has it. */
export const budgetSchema = Type.Object({
  datasetId: hex32,
  analyst: hex32,
  limitMilli: Type.Integer(),
  spentMilli: Type.Integer(),
  remainingMilli: Type.Integer(),
});
export type BudgetAnswer = Static<typeof budgetSchema>;

/**
 * POST /api/v1/ai/analytics: how many of the dataset's patients have a Condition with this code (or any
 * record of the type), released with discrete Laplace noise after the spend is committed.
 */
export const analyticsBody = Type.Object({
  datasetId: Type.String(),
  epsilonMilli: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  query: Type.Object({
    kind: Type.Literal('count'),
    resourceType: Type.String(),
    code: Type.Optional(Type.String()),
  }),
});
export type AnalyticsBody = Static<typeof analyticsBody>;
export const analyticsSchema = Type.Object({
  datasetId: hex32,
  value: Type.Integer(),
  mechanism: Type.Literal('discrete-laplace'),
  sensitivity: Type.Integer(),
  epsilonMilli: Type.Integer(),
  remainingMilli: Type.Integer(),
  ...committed,
});
export type AnalyticsAnswer = Static<typeof analyticsSchema>;

/** POST /api/v1/ai/inferences: run a registered model on a patient held here (a logged read). */
export const inferenceBody = Type.Object({
  modelId: Type.String(),
  version: Type.Integer({ minimum: 1 }),
  patient: Type.String({ description: 'the FHIR id of a Patient held at this node' }),
});
export type InferenceBody = Static<typeof inferenceBody>;
export const inferenceSchema = Type.Object({
  probability: Type.Number(),
  missing: Type.Array(Type.String()),
  riskAssessment: fhirResourceSchema,
  provenance: fhirResourceSchema,
});
export type InferenceAnswer = Static<typeof inferenceSchema>;

/** GET /api/v1/patients/me/ai: which models trained on the patient's data here, and every AI inference. */
const trainedModel = Type.Object({ modelId: hex32, version: Type.Integer(), status: Type.String() });
const cohortOfPatient = Type.Object({
  cohortId: hex32,
  custodianOrgId: Type.String(),
  models: Type.Array(trainedModel),
});
const inferenceOnPatient = Type.Object({
  riskAssessmentId: Type.String(),
  modelId: Type.String(),
  version: Type.Integer(),
  probability: Type.Number(),
  occurrence: Type.String(),
});
export const myAiSchema = Type.Object({
  training: Type.Array(cohortOfPatient),
  inferences: Type.Array(inferenceOnPatient),
});
export type MyAiAnswer = Static<typeof myAiSchema>;
