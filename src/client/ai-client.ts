// The AI API's client (issue 20), for the CLI, the web app and tests: the public registry and cohort reads
// (no token), the organisation's writes (a staff token of its own node), an analyst's budget and noisy
// counts, a clinician's inference, and the patient's "AI and my data" (the patient's token). A refusal is
// an AiClientError with the node's catalogue code (ai.budget_exhausted, ai.incomplete_card, …).
import {
  AI_PATH,
  MY_AI_PATH,
  type AiCommitted,
  type AnalyticsAnswer,
  type AnalyticsBody,
  type BudgetAnswer,
  type CohortAnswer,
  type CommitCohortBody,
  type CommittedCohortAnswer,
  type InferenceAnswer,
  type InferenceBody,
  type ModelLineageAnswer,
  type ModelsAnswer,
  type ModelVersionAnswer,
  type MyAiAnswer,
  type RegisterDatasetBody,
  type RegisteredDatasetAnswer,
  type RegisteredModelAnswer,
  type RegisterModelBody,
  type RoundAnswer,
  type RunRoundBody,
} from '../contract/ai.ts';
import { ApiRefusal, callApi, NodeApiClient } from './api-call.ts';

/** A refusal by the node (api-call.ts's ApiRefusal, named for this client). */
export class AiClientError extends ApiRefusal {}

const segment = encodeURIComponent;

/** The AI routes of a node's API, called with a staff, analyst or patient bearer token where one is needed. */
export class AiClient extends NodeApiClient {
  models(): Promise<ModelsAnswer> {
    return this.call('GET', `${AI_PATH}/models`) as Promise<ModelsAnswer>;
  }
  lineage(modelId: string): Promise<ModelLineageAnswer> {
    return this.call('GET', `${AI_PATH}/models/${segment(modelId)}`) as Promise<ModelLineageAnswer>;
  }
  version(modelId: string, version: number): Promise<ModelVersionAnswer> {
    const path = `${AI_PATH}/models/${segment(modelId)}/versions/${version}`;
    return this.call('GET', path) as Promise<ModelVersionAnswer>;
  }
  registerModel(body: RegisterModelBody): Promise<RegisteredModelAnswer> {
    return this.call('POST', `${AI_PATH}/models`, body) as Promise<RegisteredModelAnswer>;
  }
  withdraw(modelId: string, version: number): Promise<AiCommitted> {
    const path = `${AI_PATH}/models/${segment(modelId)}/versions/${version}/withdrawal`;
    return this.call('POST', path, {}) as Promise<AiCommitted>;
  }
  commitCohort(body: CommitCohortBody): Promise<CommittedCohortAnswer> {
    return this.call('POST', `${AI_PATH}/cohorts`, body) as Promise<CommittedCohortAnswer>;
  }
  cohort(cohortId: string): Promise<CohortAnswer> {
    return this.call('GET', `${AI_PATH}/cohorts/${segment(cohortId)}`) as Promise<CohortAnswer>;
  }
  /** One federated round, run by this (the coordinator's) node across the sites. */
  runRound(body: RunRoundBody): Promise<RoundAnswer> {
    return this.call('POST', `${AI_PATH}/rounds`, body) as Promise<RoundAnswer>;
  }
  registerDataset(body: RegisterDatasetBody): Promise<RegisteredDatasetAnswer> {
    return this.call('POST', `${AI_PATH}/datasets`, body) as Promise<RegisteredDatasetAnswer>;
  }
  budget(datasetId: string): Promise<BudgetAnswer> {
    return this.call('GET', `${AI_PATH}/datasets/${segment(datasetId)}/budget`) as Promise<BudgetAnswer>;
  }
  analytics(body: AnalyticsBody): Promise<AnalyticsAnswer> {
    return this.call('POST', `${AI_PATH}/analytics`, body) as Promise<AnalyticsAnswer>;
  }
  infer(body: InferenceBody): Promise<InferenceAnswer> {
    return this.call('POST', `${AI_PATH}/inferences`, body) as Promise<InferenceAnswer>;
  }
  /** The patient's own view: the cohorts and models their data trained, and every AI inference. */
  mine(): Promise<MyAiAnswer> {
    return this.call('GET', MY_AI_PATH) as Promise<MyAiAnswer>;
  }

  private call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    return callApi(this.fetch, `${this.apiUrl}${path}`, method, AiClientError, body, this.token);
  }
}
