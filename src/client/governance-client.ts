// A client for the governance API (issue 15) as a member organisation's administrator uses it: reads are
// public, and a proposal or vote is a tx signed here with the admin key, which never reaches the node
// (the node's route only checks the tx's type and submits it; every node's ledger checks the signer).
// `carechain gov` is its command-line face (src/cli/commands/gov.ts).
import { parseAction } from '../app/governance/parse.ts';
import type { ProposalAction, VoteChoice } from '../app/governance/types.ts';
import { toHex } from '../core/bytes.ts';
import type { CanonicalValue } from '../core/canonical.ts';
import { publicKeyFromSeed } from '../core/crypto/index.ts';
import { signTx } from '../core/tx.ts';
import type {
  GovernanceWritten,
  ProposalAnswer,
  ProposalList,
  ValidatorsAnswer,
} from '../contract/governance.ts';
import type { AccountAnswer, NodeStatus, TxPending } from '../contract/ledger.ts';
import { ApiRefusal, callApi, platformFetch, type FetchLike } from './api-call.ts';

export const GOVERNANCE_PATH = '/api/v1/governance';

/** A governance API refusal, with the node's stable error code. */
export class GovernanceClientError extends ApiRefusal {}

/** A write's answer: committed with the proposal as it now stands, or accepted and not final yet. */
export type GovernanceWriteAnswer =
  ({ readonly committed: true } & GovernanceWritten) | { readonly committed: false; readonly txHash: string };

export class GovernanceClient {
  readonly apiUrl: string;
  private readonly fetch: FetchLike;
  private chainId: string | undefined;

  constructor(apiUrl: string, fetch?: FetchLike) {
    this.apiUrl = apiUrl.replace(/\/+$/, '');
    this.fetch = fetch ?? platformFetch;
  }

  /** Newest first, with each status as of the node's tip. */
  list(limit?: number): Promise<ProposalList> {
    const query = limit === undefined ? '' : `?limit=${limit}`;
    return this.get(`${GOVERNANCE_PATH}/proposals${query}`) as Promise<ProposalList>;
  }

  show(proposalId: string): Promise<ProposalAnswer> {
    return this.get(
      `${GOVERNANCE_PATH}/proposals/${encodeURIComponent(proposalId)}`,
    ) as Promise<ProposalAnswer>;
  }

  validators(): Promise<ValidatorsAnswer> {
    return this.get(`${GOVERNANCE_PATH}/validators`) as Promise<ValidatorsAnswer>;
  }

  /**
   * Proposes `action` as the organisation whose admin key `adminSeed` is. The action is checked here
   * with the ledger's own parser first, so a typo is refused before anything is signed or sent.
   */
  propose(adminSeed: Uint8Array, action: ProposalAction, reason: string): Promise<GovernanceWriteAnswer> {
    const checked = parseAction(action);
    const payload = { action: checked, reason } as unknown as CanonicalValue;
    return this.write(adminSeed, 'governance.propose', payload, `${GOVERNANCE_PATH}/proposals`);
  }

  vote(
    adminSeed: Uint8Array,
    proposalId: string,
    choice: VoteChoice,
    reason: string,
  ): Promise<GovernanceWriteAnswer> {
    const path = `${GOVERNANCE_PATH}/proposals/${encodeURIComponent(proposalId)}/votes`;
    return this.write(adminSeed, 'governance.vote', { proposalId, choice, reason }, path);
  }

  private async write(
    adminSeed: Uint8Array,
    type: string,
    payload: CanonicalValue,
    path: string,
  ): Promise<GovernanceWriteAnswer> {
    const signer = toHex(publicKeyFromSeed(adminSeed));
    const account = (await this.get(`/api/v1/accounts/${signer}`)) as AccountAnswer;
    const tx = signTx(adminSeed, { chainId: await this.chain(), type, payload, nonce: account.nonce + 1 });
    // 201 with the proposal or vote once committed, or 202 pending (the contract's txPendingSchema).
    const answer = (await this.call('POST', path, tx)) as GovernanceWritten | TxPending;
    return 'txHash' in answer ? { committed: true, ...answer } : { committed: false, txHash: answer.hash };
  }

  private async chain(): Promise<string> {
    this.chainId ??= ((await this.get('/api/v1/status')) as NodeStatus).chainId;
    return this.chainId;
  }

  private get(path: string): Promise<unknown> {
    return this.call('GET', path);
  }

  private call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    return callApi(this.fetch, `${this.apiUrl}${path}`, method, GovernanceClientError, body);
  }
}
