// Where the genomics module keeps its state. Commitments, data-use codes and counts only: no variant, not
// even its VRS id, and no query text (a query is a salted hash), because a rare variant is identifying.
//
//   genomics/dataset/<datasetId>      → GenomeDataset     one patient's genome held by one custodian
//   genomics/consent/<pseudonym>      → ResearchConsent   the patient's research consent (HRESCH); absent
//                                                          once withdrawn
//   genomics/budget/<researcher>      → QueryBudget       one per researcher identity, network-wide
//   genomics/usage/<datasetId>        → DatasetUsage      how many queries counted this genome
//   genomics/grant/<datasetId>/<recipient> → ContainerGrant  the container was released to a reader key
//                                                          (its SHA-256), at the patient's request
//
// Ids and pseudonyms are 32-byte hex: no segment contains "/".
import type { StateReader } from '../state.ts';
import { readStateValue } from '../state.ts';
import type { DataUse } from './duo/codes.ts';

/** Every researcher identity's budget, in thousandths of a bit (spends add exactly). */
export const QUERY_BUDGET_MILLIBITS = 3000;

export interface GenomeDataset {
  readonly orgId: string;
  readonly patient: string;
  /** commitment.ts: salted Merkle root over the genome's distinct VRS ids; the salt stays off chain. */
  readonly root: string;
  readonly variantCount: number;
  /** The custodian's terms for the dataset (DUO). */
  readonly dataUse: DataUse;
  readonly status: 'active' | 'erased';
  readonly height: number;
}

export interface ResearchConsent {
  readonly dataUse: DataUse;
  readonly height: number;
}

export interface QueryBudget {
  readonly limitMilliBits: number;
  readonly spentMilliBits: number;
  readonly queries: number;
}

export interface DatasetUsage {
  readonly queries: number;
  readonly lastHeight: number;
}

export interface ContainerGrant {
  /** The height of the latest release to this reader key. */
  readonly height: number;
  readonly releases: number;
}

export const genomeDatasetKey = (datasetId: string): string => `genomics/dataset/${datasetId}`;
export const researchConsentKey = (pseudonym: string): string => `genomics/consent/${pseudonym}`;
export const queryBudgetKey = (researcher: string): string => `genomics/budget/${researcher}`;
export const datasetUsageKey = (datasetId: string): string => `genomics/usage/${datasetId}`;

export const containerGrantKey = (datasetId: string, recipient: string): string =>
  `genomics/grant/${datasetId}/${recipient}`;

export const readGenomeDataset = (state: StateReader, datasetId: string): GenomeDataset | undefined =>
  readStateValue<GenomeDataset>(state, genomeDatasetKey(datasetId));
export const readResearchConsent = (state: StateReader, pseudonym: string): ResearchConsent | undefined =>
  readStateValue<ResearchConsent>(state, researchConsentKey(pseudonym));
export const readQueryBudget = (state: StateReader, researcher: string): QueryBudget =>
  readStateValue<QueryBudget>(state, queryBudgetKey(researcher)) ?? {
    limitMilliBits: QUERY_BUDGET_MILLIBITS,
    spentMilliBits: 0,
    queries: 0,
  };
export const readDatasetUsage = (state: StateReader, datasetId: string): DatasetUsage =>
  readStateValue<DatasetUsage>(state, datasetUsageKey(datasetId)) ?? { queries: 0, lastHeight: 0 };
export const readContainerGrant = (
  state: StateReader,
  datasetId: string,
  recipient: string,
): ContainerGrant | undefined =>
  readStateValue<ContainerGrant>(state, containerGrantKey(datasetId, recipient));
