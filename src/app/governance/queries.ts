// Read-only questions about governance, pure over a StateReader: the same answers in a tx handler, the
// node's API and the browser.
import type { StateReader } from '../state.ts';
import { proposalKey, readRecord, voteKey } from './keys.ts';
import type { Proposal, ProposalStatus, VoteRecord } from './types.ts';

export function proposal(state: StateReader, id: string): Proposal | undefined {
  return readRecord<Proposal>(state, proposalKey(id));
}

/** The votes cast on a proposal, in electorate order (one point read per member). */
export function votesOf(state: StateReader, p: Proposal): VoteRecord[] {
  return p.electorate.flatMap((orgId) => readRecord<VoteRecord>(state, voteKey(p.id, orgId)) ?? []);
}

/** The status as of `height`: an open proposal past its voting period has expired, no tx needed. */
export function proposalStatus(p: Proposal, height: number): ProposalStatus | 'expired' {
  return p.status === 'open' && height > p.votingEndsAtHeight ? 'expired' : p.status;
}
