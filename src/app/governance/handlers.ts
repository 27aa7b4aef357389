// The governance txs: governance.propose and governance.vote, each signed by a member organisation's
// admin key. A proposal's id is the hash of the tx that made it. Votes are final, one per organisation
// of the proposal's electorate; the vote that crosses a threshold decides the proposal in that block.
import { TxError } from '../../core/tx.ts';
import type { TxContext, TxHandler } from '../module.ts';
import { rejected, type PayloadObject } from '../payload.ts';
import { encodeStateValue } from '../state.ts';
import { carryOut } from './effects.ts';
import { proposalKey, readRecord, voteKey } from './keys.ts';
import { electorate, requireMemberAdmin } from './members.ts';
import { votingPeriodBlocks } from './params.ts';
import { parseProposePayload, parseVotePayload } from './parse.ts';
import { recoverHandler } from './recovery.ts';
import { addVote, decide, EMPTY_TALLY } from './tally.ts';
import type { Proposal, VoteRecord } from './types.ts';

/** Thrown inside a scratch scope to undo it: the dry run of a proposal's effects. */
class DryRunDone extends Error {}

function applyPropose(ctx: TxContext, payload: PayloadObject): void {
  const { action, reason } = parseProposePayload(payload);
  const orgId = requireMemberAdmin(ctx);
  // Refuse now what could not be carried out now; the checks run again when it passes.
  try {
    ctx.state.atomically(() => {
      carryOut({ state: ctx.state, height: ctx.height, proposalId: ctx.txHash }, action);
      throw new DryRunDone('dry run');
    });
  } catch (err) {
    if (!(err instanceof DryRunDone)) throw err;
  }
  const proposal: Proposal = {
    id: ctx.txHash,
    proposerOrgId: orgId,
    action,
    reason,
    proposedAtHeight: ctx.height,
    votingEndsAtHeight: ctx.height + votingPeriodBlocks(ctx.state),
    electorate: electorate(ctx.state),
    tally: EMPTY_TALLY,
    status: 'open',
    decidedAtHeight: null,
    activationHeight: null,
    voidReason: null,
  };
  ctx.state.set(proposalKey(proposal.id), encodeStateValue(proposal));
}

/** Carries out a proposal that just passed, or makes it void with the reason it no longer can be. */
function settle(ctx: TxContext, proposal: Proposal): Proposal {
  try {
    const activationHeight = ctx.state.atomically(() =>
      carryOut({ state: ctx.state, height: ctx.height, proposalId: proposal.id }, proposal.action),
    );
    return { ...proposal, status: 'passed', decidedAtHeight: ctx.height, activationHeight };
  } catch (err) {
    if (!(err instanceof TxError)) throw err;
    const reason = typeof err.details.reason === 'string' ? err.details.reason : err.code;
    return { ...proposal, status: 'void', decidedAtHeight: ctx.height, voidReason: reason };
  }
}

function applyVote(ctx: TxContext, payload: PayloadObject): void {
  const { proposalId, choice, reason } = parseVotePayload(payload);
  const orgId = requireMemberAdmin(ctx);
  const proposal = readRecord<Proposal>(ctx.state, proposalKey(proposalId));
  if (proposal === undefined) throw rejected('governance.unknown_proposal', 'no such proposal');
  if (proposal.status !== 'open') {
    throw rejected('governance.proposal_closed', `the proposal is already ${proposal.status}`);
  }
  if (ctx.height > proposal.votingEndsAtHeight) {
    throw rejected('governance.voting_closed', 'the voting period is over', {
      votingEndsAtHeight: proposal.votingEndsAtHeight,
    });
  }
  if (!proposal.electorate.includes(orgId)) {
    throw rejected('governance.not_in_electorate', 'the organisation joined after the vote began');
  }
  if (ctx.state.get(voteKey(proposalId, orgId)) !== undefined) {
    throw rejected('governance.already_voted', 'the organisation has voted; a vote is final');
  }
  const vote: VoteRecord = { orgId, choice, reason, height: ctx.height, txHash: ctx.txHash };
  ctx.state.set(voteKey(proposalId, orgId), encodeStateValue(vote));
  const counted: Proposal = { ...proposal, tally: addVote(proposal.tally, choice) };
  const outcome = decide(counted.electorate.length, counted.tally);
  const next =
    outcome === 'passed'
      ? settle(ctx, counted)
      : outcome === 'rejected'
        ? { ...counted, status: 'rejected' as const, decidedAtHeight: ctx.height }
        : counted;
  ctx.state.set(proposalKey(proposalId), encodeStateValue(next));
}

export const governanceHandlers: TxHandler[] = [
  { type: 'governance.propose', fields: ['action', 'reason'], apply: applyPropose },
  { type: 'governance.vote', fields: ['proposalId', 'choice', 'reason'], apply: applyVote },
  recoverHandler,
];
