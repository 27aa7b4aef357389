// The claims API's client (issue 17), for the CLI, the web app and tests: the chain-only reads and the
// replay at /api/v1/claims (no token), the payer's decision, and Da Vinci PAS $submit / $inquire at
// /fhir/R4 (a staff token). A refusal is a ClaimsClientError with the node's catalogue code (domain
// routes) or the OperationOutcome's first issue type (FHIR routes) and the node's message.
import type { Bundle } from 'fhir/r4.js';
import type { ClaimFacts } from '../app/claims/index.ts';
import {
  CLAIMS_API,
  type ClaimAnswer,
  type DecisionAnswer,
  type DecisionBody,
  type FingerprintAnswer,
  type MetricsAnswer,
  type PriorAuthAnswer,
  type ReplayAnswer,
  type RuleTableAnswer,
} from '../contract/claims.ts';
import { refusalOf } from '../contract/errors.ts';
import { ApiRefusal, type FetchLike } from './api-call.ts';

/** A refusal by the node (api-call.ts's ApiRefusal, named for this client). */
export class ClaimsClientError extends ApiRefusal {}

export class ClaimsClient {
  private readonly apiUrl: string;
  private readonly token: string | undefined;
  private readonly fetch: FetchLike;

  /** `apiUrl` is the node's origin (`https://hospital.example.org:8081`); `token` a staff bearer token. */
  constructor(apiUrl: string, token?: string, fetchLike: FetchLike = globalThis.fetch) {
    this.apiUrl = apiUrl.replace(/\/+$/, '');
    this.token = token;
    this.fetch = fetchLike;
  }

  metrics(payer?: string): Promise<MetricsAnswer> {
    const query = payer === undefined ? '' : `?payer=${encodeURIComponent(payer)}`;
    return this.call('GET', `${CLAIMS_API}/metrics${query}`) as Promise<MetricsAnswer>;
  }
  claim(claimId: string): Promise<ClaimAnswer> {
    return this.call('GET', `${CLAIMS_API}/${encodeURIComponent(claimId)}`) as Promise<ClaimAnswer>;
  }
  fingerprint(fingerprint: string): Promise<FingerprintAnswer> {
    const path = `${CLAIMS_API}/fingerprints/${encodeURIComponent(fingerprint)}`;
    return this.call('GET', path) as Promise<FingerprintAnswer>;
  }
  rules(payerOrgId: string, version?: number): Promise<RuleTableAnswer> {
    const query = version === undefined ? '' : `?version=${version}`;
    const path = `${CLAIMS_API}/rules/${encodeURIComponent(payerOrgId)}${query}`;
    return this.call('GET', path) as Promise<RuleTableAnswer>;
  }
  priorAuth(requestId: string): Promise<PriorAuthAnswer> {
    const path = `${CLAIMS_API}/prior-auth/${encodeURIComponent(requestId)}`;
    return this.call('GET', path) as Promise<PriorAuthAnswer>;
  }
  replay(claimId: string, facts: ClaimFacts): Promise<ReplayAnswer> {
    const path = `${CLAIMS_API}/${encodeURIComponent(claimId)}/replay`;
    return this.call('POST', path, { facts }) as Promise<ReplayAnswer>;
  }
  /** The payer's answer, by its claims office at the payer's own node. */
  decide(requestId: string, decision: DecisionBody): Promise<DecisionAnswer> {
    const path = `${CLAIMS_API}/prior-auth/${encodeURIComponent(requestId)}/decision`;
    return this.call('POST', path, decision) as Promise<DecisionAnswer>;
  }
  /** Claim/$submit: a PAS request Bundle → the PAS response Bundle. */
  submitPriorAuth(bundle: unknown): Promise<Bundle> {
    return this.call('POST', '/fhir/R4/Claim/$submit', bundle, 'application/fhir+json') as Promise<Bundle>;
  }
  /** Claim/$inquire: the same request Bundle → its response Bundle as the chain has it now. */
  inquirePriorAuth(bundle: unknown): Promise<Bundle> {
    return this.call('POST', '/fhir/R4/Claim/$inquire', bundle, 'application/fhir+json') as Promise<Bundle>;
  }

  private async call(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<unknown> {
    const response = await this.fetch(`${this.apiUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': contentType }),
        ...(this.token === undefined ? {} : { authorization: `Bearer ${this.token}` }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const answer: unknown = text === '' ? {} : JSON.parse(text);
    if (!response.ok) {
      const refusal = refusalOf(answer);
      const code = refusal?.code ?? `http.${response.status}`;
      throw new ClaimsClientError(response.status, code, refusal?.message ?? response.statusText);
    }
    return answer;
  }
}
