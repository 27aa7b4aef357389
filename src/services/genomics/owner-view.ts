// The dataset owner's view (issue 19 §5 "the dataset's owners see aggregate usage", §6): the custodian's
// staff see the genomes their organisation holds here, each with its DUO terms, how many queries counted
// it and whether its person's research consent lets a query count it. Aggregates only: no pseudonym and
// nothing of the genotype leave, so the view is no more identifying than the chain's own counts.
import type { DataUse } from '../../app/genomics/duo/codes.ts';
import { readGenomeDataset, readResearchConsent } from '../../app/genomics/keys.ts';
import type { Ledger } from '../../node/ledger.ts';
import type { GenomeStore } from '../../node/genomics/genome-store.ts';
import type { Caller } from '../auth/caller.ts';
import type { GenomeCustody } from './custody.ts';
import { genomeQueriesCounted } from './usage.ts';

/** Genomes listed in one answer: each costs a prefix read of its set memberships. */
export const OWNED_DATASETS_LISTED_MAX = 1000;

export interface OwnedDataset {
  readonly datasetId: string;
  readonly variantCount: number;
  readonly dataUse: DataUse;
  readonly status: 'active' | 'erased';
  readonly height: number;
  readonly queriesCounted: number;
  readonly consentAllowsCounting: boolean;
}

export interface OwnedDatasets {
  readonly datasets: readonly OwnedDataset[];
  readonly truncated: boolean;
}

export interface OwnerViewDependencies {
  readonly ledger: Ledger;
  readonly store: GenomeStore;
  readonly custody: GenomeCustody;
}

/** The genomes the caller's organisation holds at this node; staff of this node's organisation only. */
export function ownedDatasets(deps: OwnerViewDependencies, caller: Caller): OwnedDatasets {
  const orgId = deps.custody.staffOrg(caller);
  const { state } = deps.ledger;
  const held = deps.store.datasetIds();
  const datasets = held.slice(0, OWNED_DATASETS_LISTED_MAX).flatMap((datasetId): OwnedDataset[] => {
    const dataset = readGenomeDataset(state, datasetId);
    // The store holds only what this node registered; the chain's owner is checked all the same.
    if (dataset === undefined || dataset.orgId !== orgId) return [];
    return [
      {
        datasetId,
        variantCount: dataset.variantCount,
        dataUse: dataset.dataUse,
        status: dataset.status,
        height: dataset.height,
        queriesCounted: genomeQueriesCounted(deps.ledger, datasetId),
        consentAllowsCounting:
          dataset.status === 'active' && readResearchConsent(state, dataset.patient) !== undefined,
      },
    ];
  });
  return { datasets, truncated: held.length > OWNED_DATASETS_LISTED_MAX };
}
