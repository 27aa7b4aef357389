// The genomics module's txs (issue 19 §1–§3, §5): a custodian registers a patient's genome as a salted
// commitment with the dataset's DUO terms, may erase it and records each release of its Crypt4GH
// container to a reader key (the access event before the release); the patient gives or withdraws research
// consent (purpose HRESCH) with DUO terms of their own; and a beacon, before it looks at any genome,
// commits the query's price against the researcher's one network-wide budget. That spend is also the
// access event: each genome the query was allowed to count has its usage counted, directly or through
// the declared set of genomes the spend names.
import type { CanonicalValue } from '../../core/canonical.ts';
import { patientActingAs, patientRecord } from '../membership/queries.ts';
import type { TxContext, TxHandler } from '../module.ts';
import { hexField, invalidPayload, rejected, safeIntegerField, type PayloadObject } from '../payload.ts';
import { signingOrganisation } from '../signers.ts';
import type { StateReader } from '../state.ts';
import { writeStateValue } from '../state.ts';
import { dataUseField } from './duo/payload.ts';
import {
  containerGrantKey,
  datasetSetId,
  datasetSetKey,
  datasetUsageKey,
  genomeDatasetKey,
  queryBudgetKey,
  readContainerGrant,
  readDatasetSet,
  readDatasetUsage,
  readGenomeDataset,
  readQueryBudget,
  readResearchConsent,
  readSetUsage,
  researchConsentKey,
  setMembershipKey,
  setUsageKey,
  type GenomeDataset,
} from './keys.ts';

/** A query names at most this many genomes it counted: the spend stays one small tx. */
export const SPEND_DATASETS_MAX = 512;
/** A Passport's subject and its linked identities: each has a budget, and a query pays from all. */
export const RESEARCHER_IDENTITIES_MAX = 8;

const signingOrg = (state: StateReader, signer: string): string =>
  signingOrganisation(state, signer, 'genomics.not_org');

function signingPatient(state: StateReader, signer: string): string {
  const pseudonym = patientActingAs(state, signer);
  if (pseudonym !== undefined) return pseudonym;
  throw rejected('genomics.not_patient', 'only the patient or their proxy may do this');
}

const id32 = (value: CanonicalValue | undefined, field: string): string => hexField(value, field, 32);

function applyRegisterDataset(ctx: TxContext, p: PayloadObject): void {
  const datasetId = id32(p.datasetId, 'datasetId');
  const patient = id32(p.patient, 'patient');
  const record: GenomeDataset = {
    orgId: signingOrg(ctx.state, ctx.signer),
    patient,
    root: id32(p.root, 'root'),
    variantCount: safeIntegerField(p.variantCount, 'variantCount', 0),
    dataUse: dataUseField(p.dataUse, 'dataUse'),
    status: 'active',
    height: ctx.height,
  };
  if (readGenomeDataset(ctx.state, datasetId) !== undefined) {
    throw rejected('genomics.dataset_exists', 'this dataset is registered already');
  }
  if (patientRecord(ctx.state, patient) === undefined) {
    throw rejected('genomics.unknown_patient', 'no such patient');
  }
  writeStateValue(ctx.state, genomeDatasetKey(datasetId), record);
}

function activeDataset(ctx: TxContext, datasetId: string): GenomeDataset {
  const dataset = readGenomeDataset(ctx.state, datasetId);
  if (dataset === undefined || dataset.status !== 'active') {
    throw rejected('genomics.unknown_dataset', 'no such genome is held');
  }
  return dataset;
}

function ownDataset(ctx: TxContext, datasetId: string, orgId: string): GenomeDataset {
  const dataset = activeDataset(ctx, datasetId);
  if (dataset.orgId !== orgId) {
    throw rejected('genomics.not_custodian', 'only the genome’s custodian may do this');
  }
  return dataset;
}

function applyEraseDataset(ctx: TxContext, p: PayloadObject): void {
  const datasetId = id32(p.datasetId, 'datasetId');
  const dataset = ownDataset(ctx, datasetId, signingOrg(ctx.state, ctx.signer));
  writeStateValue(ctx.state, genomeDatasetKey(datasetId), { ...dataset, status: 'erased' });
}

/**
 * The custodian releases the genome's container re-encrypted for one reader key (a hash of it here: the
 * chain needs to say which key, not to hold it). Committed before the release, so the release is on record.
 */
function applyGrantContainer(ctx: TxContext, p: PayloadObject): void {
  const datasetId = id32(p.datasetId, 'datasetId');
  const recipient = id32(p.recipient, 'recipient');
  ownDataset(ctx, datasetId, signingOrg(ctx.state, ctx.signer));
  const before = readContainerGrant(ctx.state, datasetId, recipient);
  writeStateValue(ctx.state, containerGrantKey(datasetId, recipient), {
    height: ctx.height,
    releases: (before?.releases ?? 0) + 1,
  });
}

function applyConsentResearch(ctx: TxContext, p: PayloadObject): void {
  const dataUse = dataUseField(p.dataUse, 'dataUse');
  const pseudonym = signingPatient(ctx.state, ctx.signer);
  writeStateValue(ctx.state, researchConsentKey(pseudonym), { dataUse, height: ctx.height });
}

function applyWithdrawResearch(ctx: TxContext): void {
  const pseudonym = signingPatient(ctx.state, ctx.signer);
  if (readResearchConsent(ctx.state, pseudonym) === undefined) {
    throw rejected('genomics.no_research_consent', 'there is no research consent to withdraw');
  }
  ctx.state.delete(researchConsentKey(pseudonym));
}

/** A sorted list of distinct 32-byte ids, `min` to `max` long. */
function sortedIds(value: CanonicalValue | undefined, field: string, max: number, min = 0): string[] {
  if (!Array.isArray(value) || value.length < min || value.length > max) {
    throw invalidPayload(`${field} lists ${min} to ${max} ids`, { field });
  }
  const ids = (value as CanonicalValue[]).map((item) => id32(item, field));
  for (let i = 1; i < ids.length; i += 1) {
    if (ids[i - 1]! >= ids[i]!) throw invalidPayload(`${field} are sorted, each once`, { field });
  }
  return ids;
}

/**
 * A beacon declares the set of genomes its queries may count, once: each must be active now. Declaring a
 * set that is on chain already changes nothing (two queries may race to declare the same set).
 */
function applyDeclareDatasetSet(ctx: TxContext, p: PayloadObject): void {
  const datasets = sortedIds(p.datasets, 'datasets', SPEND_DATASETS_MAX);
  signingOrg(ctx.state, ctx.signer);
  for (const datasetId of datasets) activeDataset(ctx, datasetId);
  const setId = datasetSetId(datasets);
  if (readDatasetSet(ctx.state, setId) !== undefined) return;
  writeStateValue(ctx.state, datasetSetKey(setId), { datasets, height: ctx.height });
  for (const datasetId of datasets) {
    writeStateValue(ctx.state, setMembershipKey(datasetId, setId), { height: ctx.height });
  }
}

type SpendCounts = { readonly setId: string } | { readonly datasets: readonly string[] };

/** What a spend counts: the genomes it lists, or a declared set named by its id (exactly one of the two). */
function spendCounts(p: PayloadObject): SpendCounts {
  if ((p.datasets === undefined) === (p.datasetSet === undefined)) {
    throw invalidPayload('a spend names either datasets or a datasetSet', { field: 'datasets' });
  }
  if (p.datasetSet !== undefined) return { setId: id32(p.datasetSet, 'datasetSet') };
  return { datasets: sortedIds(p.datasets, 'datasets', SPEND_DATASETS_MAX) };
}

/**
 * Listed genomes must each be active, and each has its usage counted; a set must be declared, and it has
 * one usage counted for all its genomes (the custodian's look checks each is still active).
 */
function countUsage(ctx: TxContext, counts: SpendCounts): void {
  if ('setId' in counts) {
    if (readDatasetSet(ctx.state, counts.setId) === undefined) {
      throw rejected('genomics.unknown_dataset_set', 'no such set of genomes is declared');
    }
    const usage = readSetUsage(ctx.state, counts.setId);
    writeStateValue(ctx.state, setUsageKey(counts.setId), {
      queries: usage.queries + 1,
      lastHeight: ctx.height,
    });
    return;
  }
  for (const datasetId of counts.datasets) activeDataset(ctx, datasetId);
  for (const datasetId of counts.datasets) {
    const usage = readDatasetUsage(ctx.state, datasetId);
    writeStateValue(ctx.state, datasetUsageKey(datasetId), {
      queries: usage.queries + 1,
      lastHeight: ctx.height,
    });
  }
}

function applySpendBudget(ctx: TxContext, p: PayloadObject): void {
  const researchers = sortedIds(p.researchers, 'researchers', RESEARCHER_IDENTITIES_MAX, 1);
  id32(p.queryHash, 'queryHash');
  const price = safeIntegerField(p.priceMilliBits, 'priceMilliBits', 0);
  const counts = spendCounts(p);
  // Any member's beacon may count any active genome: a query fans out from the beacon it reached to every
  // custodian (services/genomics/fan-out.ts), and this one spend is its access event for all of them.
  signingOrg(ctx.state, ctx.signer);
  countUsage(ctx, counts);
  // Linked identities are one researcher: the query is paid by each, so none of them can go past its limit.
  const budgets = researchers.map((researcher) => readQueryBudget(ctx.state, researcher));
  const remaining = Math.min(...budgets.map((b) => b.limitMilliBits - b.spentMilliBits));
  if (price > remaining) {
    throw rejected('genomics.budget_exhausted', 'this query would spend more than the budget left', {
      remainingMilliBits: Math.max(0, remaining),
    });
  }
  researchers.forEach((researcher, i) => {
    const budget = budgets[i]!;
    writeStateValue(ctx.state, queryBudgetKey(researcher), {
      ...budget,
      spentMilliBits: budget.spentMilliBits + price,
      queries: budget.queries + 1,
    });
  });
}

export const GENOMICS_HANDLERS: readonly TxHandler[] = [
  {
    type: 'genomics.registerDataset',
    fields: ['datasetId', 'patient', 'root', 'variantCount', 'dataUse'],
    apply: applyRegisterDataset,
  },
  { type: 'genomics.eraseDataset', fields: ['datasetId'], apply: applyEraseDataset },
  { type: 'genomics.grantContainer', fields: ['datasetId', 'recipient'], apply: applyGrantContainer },
  { type: 'genomics.consentResearch', fields: ['dataUse'], apply: applyConsentResearch },
  { type: 'genomics.withdrawResearch', fields: [], apply: applyWithdrawResearch },
  { type: 'genomics.declareDatasetSet', fields: ['datasets'], apply: applyDeclareDatasetSet },
  {
    type: 'genomics.spendBudget',
    fields: ['researchers', 'queryHash', 'priceMilliBits'],
    // Exactly one of the two: the genomes listed (the first form, still valid) or a declared set's id.
    optionalFields: ['datasets', 'datasetSet'],
    apply: applySpendBudget,
  },
];
