// Aggregate analytics under a privacy budget (issue 20 §4). A dataset is this custodian's share of a cohort
// it committed, registered with an ε limit per analyst. A query is answered in this order, so that a
// refused one releases nothing: the spend is committed on chain (ai.spendBudget, refused there with
// ai.budget_exhausted when it would pass the limit), then the count is computed over the members whose
// consent still permits the analyst's research read, then released with discrete Laplace noise drawn from
// node:crypto's randomInt (app/ai/dp.ts; never float Laplace).
import { ServiceError } from '../errors.ts';
import { consentsTo } from './cohorts.ts';
import { idField, idParam, type AiService, type Practitioner } from './service.ts';
import {
  readBudget,
  readCohort,
  readDataset,
  releaseInteger,
  remainingMilli,
  type CohortPurpose,
  type DatasetRecord,
  type PrivacyBudget,
} from '../../app/ai/index.ts';
import { eachRecordOf } from '../../app/records/index.ts';
import type {
  AnalyticsAnswer,
  AnalyticsBody,
  BudgetAnswer,
  RegisterDatasetBody,
  RegisteredDatasetAnswer,
} from '../../contract/ai.ts';

/** One patient more or less changes a count of patients by at most one. */
const COUNT_SENSITIVITY = 1;
const CODE = /^[A-Za-z0-9.-]{1,32}$/;
const COUNTABLE_TYPES: readonly string[] = ['Condition', 'Observation'];

type Json = Record<string, unknown>;

export async function registerDataset(
  service: AiService,
  body: RegisterDatasetBody,
): Promise<RegisteredDatasetAnswer> {
  const datasetId = idField(body.cohortId, 'cohortId');
  if (service.store.cohort(datasetId) === undefined) {
    throw new ServiceError('ai.not_found', 'this node has not committed this cohort');
  }
  const committed = await service.commit('ai.registerDataset', { datasetId, limitMilli: body.limitMilli });
  return { datasetId, ...committed };
}

/** The dataset, if this node's organisation holds it; another's is asked at its own node. */
function datasetHere(service: AiService, datasetIdText: string): DatasetRecord {
  const datasetId = idParam(datasetIdText, 'dataset');
  const dataset = readDataset(service.state, datasetId);
  if (dataset === undefined || dataset.orgId !== service.orgId || !service.store.cohort(datasetId)) {
    throw new ServiceError('ai.not_found', 'no such dataset at this node');
  }
  return dataset;
}

function budgetOf(service: AiService, datasetId: string, analyst: string, dataset: DatasetRecord) {
  const budget: PrivacyBudget = readBudget(service.state, datasetId, analyst) ?? {
    limitMilli: dataset.limitMilli,
    spentMilli: 0,
  };
  return budget;
}

export function analystBudget(service: AiService, caller: Practitioner, datasetId: string): BudgetAnswer {
  const dataset = datasetHere(service, datasetId);
  const budget = budgetOf(service, datasetId, caller.publicKey, dataset);
  return { datasetId, analyst: caller.publicKey, ...budget, remainingMilli: remainingMilli(budget) };
}

const hasCode = (resource: Json, code: string): boolean =>
  ((resource.code as { coding?: { code?: unknown }[] } | undefined)?.coding ?? []).some(
    (coding) => coding.code === code,
  );

/** How many consenting members have a record of the type here (with the code, if one is named). */
function trueCount(
  service: AiService,
  caller: Practitioner,
  datasetId: string,
  query: AnalyticsBody['query'],
) {
  const cohort = service.store.cohort(datasetId)!;
  const { open } = service.gateway.adminPort();
  const orgId = service.orgId;
  let count = 0;
  for (const pseudonym of cohort.members) {
    if (!consentsTo(service, caller, pseudonym, cohort.purpose as CohortPurpose)) continue;
    let found = false;
    eachRecordOf(service.state, pseudonym, (head) => {
      if (found || head.custodianOrgId !== orgId || head.erasedAtHeight !== null) return;
      if (head.resourceType !== query.resourceType) return;
      found = query.code === undefined || hasCode(open(head), query.code);
    });
    if (found) count += 1;
  }
  return count;
}

export async function answerAnalytics(
  service: AiService,
  caller: Practitioner,
  body: AnalyticsBody,
): Promise<AnalyticsAnswer> {
  const datasetId = idField(body.datasetId, 'datasetId');
  const dataset = datasetHere(service, datasetId);
  const { query, epsilonMilli } = body;
  if (!COUNTABLE_TYPES.includes(query.resourceType)) {
    throw new ServiceError('ai.invalid', 'count Conditions or Observations', { field: 'query.resourceType' });
  }
  if (query.code !== undefined && !CODE.test(query.code)) {
    throw new ServiceError('ai.invalid', 'code is a terminology code', { field: 'query.code' });
  }
  if (readCohort(service.state, datasetId, dataset.orgId) === undefined) {
    throw new ServiceError('ai.not_found', 'no such dataset at this node');
  }
  // Spend first: the chain refuses an overspend before anything is computed.
  const committed = await service.commit('ai.spendBudget', {
    datasetId,
    analyst: caller.publicKey,
    epsilonMilli,
  });
  const value = releaseInteger(
    trueCount(service, caller, datasetId, query),
    epsilonMilli,
    COUNT_SENSITIVITY,
    service.randomInt,
  );
  const budget = budgetOf(service, datasetId, caller.publicKey, dataset);
  return {
    datasetId,
    value,
    mechanism: 'discrete-laplace',
    sensitivity: COUNT_SENSITIVITY,
    epsilonMilli,
    remainingMilli: remainingMilli(budget),
    ...committed,
  };
}
