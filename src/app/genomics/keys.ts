// Where the genomics module keeps its state. Commitments, data-use codes and counts only: no variant, not
// even its VRS id, and no query text (a query is a salted hash), because a rare variant is identifying.
//
//   genomics/dataset/<datasetId>      → GenomeDataset     one patient's genome held by one custodian
//   genomics/consent/<pseudonym>      → ResearchConsent   the patient's research consent (HRESCH); absent
//                                                          once withdrawn
//   genomics/budget/<researcher>      → QueryBudget       one per researcher identity, network-wide
//   genomics/usage/<datasetId>        → DatasetUsage      how many spends naming this genome itself
//                                                          counted it (spends that name a set count the set)
//   genomics/set/<setId>              → DatasetSet        a set of genomes a beacon may count, declared
//                                                          once, so each spend names it by its hash
//   genomics/set-usage/<setId>        → DatasetUsage      how many queries counted the set
//   genomics/member/<datasetId>/<setId> → SetMembership   the genome is in the set (for its usage)
//   genomics/grant/<datasetId>/<recipient> → ContainerGrant  the container was released to a reader key
//                                                          (its SHA-256), at the patient's request
//
// Ids and pseudonyms are 32-byte hex: no segment contains "/".
import { toHex, utf8 } from '../../core/bytes.ts';
import { sha256 } from '../../core/crypto/index.ts';
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

/**
 * The genomes one query may count, declared once by a beacon (genomics.declareDatasetSet). A spend then
 * names the set by its id instead of listing every genome, so its size and its checks do not grow with the
 * number of genomes counted. The set is fixed by its content: the same genomes give the same id.
 */
export interface DatasetSet {
  /** Sorted, each once; every one was active when the set was declared. */
  readonly datasets: readonly string[];
  readonly height: number;
}

export interface SetMembership {
  readonly height: number;
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
export const datasetSetKey = (setId: string): string => `genomics/set/${setId}`;
export const setUsageKey = (setId: string): string => `genomics/set-usage/${setId}`;
/** The prefix of a genome's set memberships: `setMembershipKey(datasetId, setId)` for each set. */
export const setMembershipPrefix = (datasetId: string): string => `genomics/member/${datasetId}/`;
export const setMembershipKey = (datasetId: string, setId: string): string =>
  `${setMembershipPrefix(datasetId)}${setId}`;

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
export const readDatasetSet = (state: StateReader, setId: string): DatasetSet | undefined =>
  readStateValue<DatasetSet>(state, datasetSetKey(setId));
export const readSetUsage = (state: StateReader, setId: string): DatasetUsage =>
  readStateValue<DatasetUsage>(state, setUsageKey(setId)) ?? { queries: 0, lastHeight: 0 };

/** A set's id: SHA-256 over its sorted genome ids, so a beacon computes it before it is on chain. */
export function datasetSetId(datasets: readonly string[]): string {
  return toHex(sha256(utf8(`carechain/v1/genomics/dataset-set\n${datasets.join(',')}`)));
}

/**
 * How many queries counted a genome: the spends that listed it, plus those on each set it is a member of
 * (`memberSets`, read with the prefix setMembershipPrefix(datasetId)).
 */
export function queriesCounted(state: StateReader, datasetId: string, memberSets: readonly string[]): number {
  const direct = readDatasetUsage(state, datasetId).queries;
  return memberSets.reduce((sum, setId) => sum + readSetUsage(state, setId).queries, direct);
}

export const readContainerGrant = (
  state: StateReader,
  datasetId: string,
  recipient: string,
): ContainerGrant | undefined =>
  readStateValue<ContainerGrant>(state, containerGrantKey(datasetId, recipient));
