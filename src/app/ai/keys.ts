// Where the AI module keeps its state. Hashes and counts only: no card text, no feature, no weight, no
// pseudonym in the clear (a cohort's members are behind a salted Merkle root).
//
//   ai/model/<modelId>/<version>          → ModelRecord
//   ai/cohort/<cohortId>/<orgId>          → CohortRecord     one per custodian that ran the query
//   ai/cohort/<cohortId>/                 → string[]         the custodians that committed it, sorted
//   ai/round/<modelId>/<round>            → RoundRecord
//   ai/dataset/<datasetId>                → DatasetRecord    the ε limit per analyst
//   ai/budget/<datasetId>/<analystKey>    → PrivacyBudget
//
// Ids are 32-byte hex, org ids [a-z0-9-], versions and rounds integers: no segment contains "/".
import type { StateReader } from '../state.ts';
import { readStateValue } from '../state.ts';
import type { PrivacyBudget } from './budget.ts';

export const COHORT_PURPOSES = ['HRESCH', 'AITRAIN'] as const;
export type CohortPurpose = (typeof COHORT_PURPOSES)[number];

export interface ModelRecord {
  readonly orgId: string;
  /** SHA-256 of the model artefact (ONNX or the JSON weights of the demo model). */
  readonly artefactHash: string;
  /** cardHash of the complete HTI-1 card, and the hash of the AI Device resource. */
  readonly cardHash: string;
  readonly deviceHash: string;
  readonly intendedUseHash: string;
  readonly cohortId: string;
  readonly changePlanHash: string;
  readonly parentVersion: number | null;
  readonly status: 'active' | 'withdrawn';
  readonly height: number;
}

export interface CohortRecord {
  readonly queryHash: string;
  readonly purpose: CohortPurpose;
  /** Salted Merkle root over the included patients' pseudonyms; the salt stays with the custodian. */
  readonly membersRoot: string;
  readonly included: number;
  readonly excludedForConsent: number;
  readonly height: number;
}

export interface RoundParticipant {
  readonly orgId: string;
  readonly updateHash: string;
}

export interface RoundRecord {
  readonly cohortId: string;
  readonly participants: readonly RoundParticipant[];
  readonly aggregateHash: string;
  readonly height: number;
}

export interface DatasetRecord {
  readonly orgId: string;
  readonly limitMilli: number;
}

export const modelKey = (modelId: string, version: number): string => `ai/model/${modelId}/${version}`;
export const cohortKey = (cohortId: string, orgId: string): string => `ai/cohort/${cohortId}/${orgId}`;
/** The cohort's custodian index: the empty org segment, which no org id can be. */
export const cohortCustodiansKey = (cohortId: string): string => cohortKey(cohortId, '');
export const roundKey = (modelId: string, round: number): string => `ai/round/${modelId}/${round}`;
export const datasetKey = (datasetId: string): string => `ai/dataset/${datasetId}`;
export const budgetKey = (datasetId: string, analyst: string): string => `ai/budget/${datasetId}/${analyst}`;

export const readModel = (state: StateReader, modelId: string, version: number): ModelRecord | undefined =>
  readStateValue<ModelRecord>(state, modelKey(modelId, version));
export const readCohort = (state: StateReader, cohortId: string, orgId: string): CohortRecord | undefined =>
  readStateValue<CohortRecord>(state, cohortKey(cohortId, orgId));
export const readCohortCustodians = (state: StateReader, cohortId: string): readonly string[] =>
  readStateValue<readonly string[]>(state, cohortCustodiansKey(cohortId)) ?? [];
export const readRound = (state: StateReader, modelId: string, round: number): RoundRecord | undefined =>
  readStateValue<RoundRecord>(state, roundKey(modelId, round));
export const readDataset = (state: StateReader, datasetId: string): DatasetRecord | undefined =>
  readStateValue<DatasetRecord>(state, datasetKey(datasetId));
export const readBudget = (
  state: StateReader,
  datasetId: string,
  analyst: string,
): PrivacyBudget | undefined => readStateValue<PrivacyBudget>(state, budgetKey(datasetId, analyst));
