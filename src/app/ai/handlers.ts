// The AI module's txs (issue 20 §1, §2, §3, §4): model versions with their lineage and withdrawal, the
// per-custodian commitment of a consent-filtered cohort, each federated round's participants and update
// hashes, and the per-analyst ε ledger of a dataset. Every tx is signed by an organisation's node or
// administrator; the node answering an analytics query commits the spend before it answers, so the
// budget is the chain's, the same at every node.
import type { CanonicalValue } from '../../core/canonical.ts';
import type { TxContext, TxHandler } from '../module.ts';
import {
  enumField,
  exactObject,
  hexField,
  invalidPayload,
  isPlainObject,
  orgIdField,
  rejected,
  type PayloadObject,
  safeIntegerField,
} from '../payload.ts';
import { signingOrganisation } from '../signers.ts';
import type { StateReader } from '../state.ts';
import { writeStateValue } from '../state.ts';
import { remainingMilli, spend, wouldOverspend } from './budget.ts';
import {
  budgetKey,
  cohortCustodiansKey,
  cohortKey,
  COHORT_PURPOSES,
  datasetKey,
  modelKey,
  readBudget,
  readCohort,
  readCohortCustodians,
  readDataset,
  readModel,
  readRound,
  roundKey,
  type CohortRecord,
  type ModelRecord,
  type RoundParticipant,
} from './keys.ts';

/** Rounds name at most this many sites: the chain entry stays small whatever the consortium's size. */
export const MAX_ROUND_PARTICIPANTS = 64;

const signingOrg = (state: StateReader, signer: string): string =>
  signingOrganisation(state, signer, 'ai.not_org');

const hash = (value: CanonicalValue | undefined, field: string): string => hexField(value, field, 32);

function applyRegisterModel(ctx: TxContext, p: PayloadObject): void {
  const modelId = hash(p.modelId, 'modelId');
  const version = safeIntegerField(p.version, 'version', 1);
  const parentVersion =
    p.parentVersion === null ? null : safeIntegerField(p.parentVersion, 'parentVersion', 1);
  const orgId = signingOrg(ctx.state, ctx.signer);
  if (readModel(ctx.state, modelId, version) !== undefined) {
    throw rejected('ai.model_exists', 'this version of the model is registered already');
  }
  if (version === 1 ? parentVersion !== null : parentVersion === null || parentVersion >= version) {
    throw invalidPayload('a first version has no parent; a later one names an earlier version', {
      field: 'parentVersion',
    });
  }
  if (parentVersion !== null && readModel(ctx.state, modelId, parentVersion)?.orgId !== orgId) {
    throw rejected('ai.unknown_parent', 'the parent version is not registered by this organisation');
  }
  const cohortId = hash(p.cohortId, 'cohortId');
  if (readCohortCustodians(ctx.state, cohortId).length === 0) {
    throw rejected('ai.unknown_cohort', 'no custodian has committed this training cohort');
  }
  const record: ModelRecord = {
    orgId,
    artefactHash: hash(p.artefactHash, 'artefactHash'),
    cardHash: hash(p.cardHash, 'cardHash'),
    deviceHash: hash(p.deviceHash, 'deviceHash'),
    intendedUseHash: hash(p.intendedUseHash, 'intendedUseHash'),
    cohortId,
    changePlanHash: hash(p.changePlanHash, 'changePlanHash'),
    parentVersion,
    status: 'active',
    height: ctx.height,
  };
  writeStateValue(ctx.state, modelKey(modelId, version), record);
}

function applyWithdrawModel(ctx: TxContext, p: PayloadObject): void {
  const modelId = hash(p.modelId, 'modelId');
  const version = safeIntegerField(p.version, 'version', 1);
  const model = readModel(ctx.state, modelId, version);
  if (model === undefined) throw rejected('ai.unknown_model', 'no such model version');
  if (model.orgId !== signingOrg(ctx.state, ctx.signer)) {
    throw rejected('ai.not_model_owner', 'only the developing organisation may withdraw its model');
  }
  if (model.status === 'withdrawn') throw rejected('ai.model_withdrawn', 'withdrawn already');
  writeStateValue(ctx.state, modelKey(modelId, version), { ...model, status: 'withdrawn' });
}

function applyCommitCohort(ctx: TxContext, p: PayloadObject): void {
  const cohortId = hash(p.cohortId, 'cohortId');
  const orgId = signingOrg(ctx.state, ctx.signer);
  if (readCohort(ctx.state, cohortId, orgId) !== undefined) {
    throw rejected('ai.cohort_exists', 'this custodian has committed this cohort already');
  }
  const custodians = readCohortCustodians(ctx.state, cohortId);
  const record: CohortRecord = {
    queryHash: hash(p.queryHash, 'queryHash'),
    purpose: enumField(p.purpose, 'purpose', COHORT_PURPOSES),
    membersRoot: hash(p.membersRoot, 'membersRoot'),
    included: safeIntegerField(p.included, 'included', 0),
    excludedForConsent: safeIntegerField(p.excludedForConsent, 'excludedForConsent', 0),
    height: ctx.height,
  };
  const first = custodians.length === 0 ? undefined : readCohort(ctx.state, cohortId, custodians[0]!);
  if (first !== undefined && (first.queryHash !== record.queryHash || first.purpose !== record.purpose)) {
    throw rejected('ai.cohort_mismatch', 'a cohort is one query for one purpose at every custodian');
  }
  writeStateValue(ctx.state, cohortKey(cohortId, orgId), record);
  writeStateValue(ctx.state, cohortCustodiansKey(cohortId), [...custodians, orgId].sort());
}

function participantsField(value: CanonicalValue | undefined): RoundParticipant[] {
  if (!Array.isArray(value) || value.length < 2 || value.length > MAX_ROUND_PARTICIPANTS) {
    throw invalidPayload(`participants must list 2 to ${MAX_ROUND_PARTICIPANTS} sites`, {
      field: 'participants',
    });
  }
  const participants = (value as CanonicalValue[]).map((item) => {
    if (!isPlainObject(item)) throw invalidPayload('a participant is an object', { field: 'participants' });
    const q = exactObject(item, 'participant', ['orgId', 'updateHash']);
    return { orgId: orgIdField(q.orgId, 'orgId'), updateHash: hash(q.updateHash, 'updateHash') };
  });
  for (let i = 1; i < participants.length; i += 1) {
    if (participants[i - 1]!.orgId >= participants[i]!.orgId) {
      throw invalidPayload('participants are sorted by organisation, each once', { field: 'participants' });
    }
  }
  return participants;
}

function applyCommitRound(ctx: TxContext, p: PayloadObject): void {
  const modelId = hash(p.modelId, 'modelId');
  const round = safeIntegerField(p.round, 'round', 1);
  const cohortId = hash(p.cohortId, 'cohortId');
  signingOrg(ctx.state, ctx.signer);
  if (readRound(ctx.state, modelId, round) !== undefined) {
    throw rejected('ai.round_exists', 'this round is committed already');
  }
  const previous = round === 1 ? undefined : readRound(ctx.state, modelId, round - 1);
  if (round > 1 && previous === undefined) throw rejected('ai.round_out_of_order', 'rounds go one by one');
  if (previous !== undefined && previous.cohortId !== cohortId) {
    throw rejected('ai.cohort_mismatch', 'every round of a training trains on one cohort');
  }
  const participants = participantsField(p.participants);
  // Only a custodian that committed its share of the cohort may contribute: consent was checked there.
  if (participants.some(({ orgId }) => readCohort(ctx.state, cohortId, orgId) === undefined)) {
    throw rejected('ai.not_in_cohort', 'a participant has not committed its part of the cohort');
  }
  writeStateValue(ctx.state, roundKey(modelId, round), {
    cohortId,
    participants,
    aggregateHash: hash(p.aggregateHash, 'aggregateHash'),
    height: ctx.height,
  });
}

function applyRegisterDataset(ctx: TxContext, p: PayloadObject): void {
  const datasetId = hash(p.datasetId, 'datasetId');
  if (readDataset(ctx.state, datasetId) !== undefined) {
    throw rejected('ai.dataset_exists', 'this dataset is registered already');
  }
  writeStateValue(ctx.state, datasetKey(datasetId), {
    orgId: signingOrg(ctx.state, ctx.signer),
    limitMilli: safeIntegerField(p.limitMilli, 'limitMilli', 1),
  });
}

function applySpendBudget(ctx: TxContext, p: PayloadObject): void {
  const datasetId = hash(p.datasetId, 'datasetId');
  const analyst = hash(p.analyst, 'analyst');
  const epsilonMilli = safeIntegerField(p.epsilonMilli, 'epsilonMilli', 1);
  const dataset = readDataset(ctx.state, datasetId);
  if (dataset === undefined) throw rejected('ai.unknown_dataset', 'no such dataset');
  if (dataset.orgId !== signingOrg(ctx.state, ctx.signer)) {
    throw rejected('ai.not_dataset_owner', 'only the dataset’s custodian records what it released');
  }
  const budget = readBudget(ctx.state, datasetId, analyst) ?? {
    limitMilli: dataset.limitMilli,
    spentMilli: 0,
  };
  if (wouldOverspend(budget, epsilonMilli)) {
    throw rejected('ai.budget_exhausted', 'this query would spend more privacy budget than is left', {
      remainingMilli: remainingMilli(budget),
    });
  }
  writeStateValue(ctx.state, budgetKey(datasetId, analyst), spend(budget, epsilonMilli));
}

export const AI_HANDLERS: readonly TxHandler[] = [
  {
    type: 'ai.registerModel',
    fields: [
      'modelId',
      'version',
      'parentVersion',
      'artefactHash',
      'cardHash',
      'deviceHash',
      'intendedUseHash',
      'cohortId',
      'changePlanHash',
    ],
    apply: applyRegisterModel,
  },
  { type: 'ai.withdrawModel', fields: ['modelId', 'version'], apply: applyWithdrawModel },
  {
    type: 'ai.commitCohort',
    fields: ['cohortId', 'queryHash', 'purpose', 'membersRoot', 'included', 'excludedForConsent'],
    apply: applyCommitCohort,
  },
  {
    type: 'ai.commitRound',
    fields: ['modelId', 'round', 'cohortId', 'participants', 'aggregateHash'],
    apply: applyCommitRound,
  },
  { type: 'ai.registerDataset', fields: ['datasetId', 'limitMilli'], apply: applyRegisterDataset },
  { type: 'ai.spendBudget', fields: ['datasetId', 'analyst', 'epsilonMilli'], apply: applySpendBudget },
];
