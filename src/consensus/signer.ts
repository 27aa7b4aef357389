// The validator's signing guard (Tendermint's "last sign state" of the private validator). It remembers
// the last message signed of each kind, which the driver persists before sending, and enforces the
// invariant that makes equivocation impossible for an honest validator, across restarts too: never two
// different messages for one (height, round, type), and never one for an earlier (height, round).
import { toHex } from '../core/bytes.ts';
import { invariant } from '../core/errors.ts';
import { publicKeyFromSeed } from '../core/crypto/index.ts';
import { signVote, type Vote, type VoteBody, type VoteType } from '../core/vote.ts';
import { signProposal, type Proposal, type ProposalBody } from '../core/proposal.ts';
import type { ConsensusMessage, ConsensusValue } from './types.ts';

function compareHeightRound(
  a: { height: number; round: number },
  b: { height: number; round: number },
): number {
  return a.height - b.height || a.round - b.round;
}

export interface LastSigned<V extends ConsensusValue> {
  proposal: { readonly proposal: Proposal; readonly value: V } | null;
  prevote: Vote | null;
  precommit: Vote | null;
}

/** What a guarded signing gives back: a fresh signature, the same one again, or nothing (refused). */
export type Signed<T> = { readonly fresh: boolean; readonly signed: T } | null;

export class Signer<V extends ConsensusValue> {
  readonly publicKey: string;
  readonly last: LastSigned<V>;

  constructor(
    private readonly chainId: string,
    private readonly seed: Uint8Array,
    last: LastSigned<V>,
  ) {
    this.publicKey = toHex(publicKeyFromSeed(seed));
    this.last = { ...last };
  }

  /**
   * Signs a vote unless one of this type was already signed at this or a later (height, round): the same
   * vote again is handed back for re-sending (its original time kept), an earlier one is refused, and a
   * different one for the same (height, round, type) is a bug that must stop the validator.
   */
  vote(body: Omit<VoteBody, 'validator'>): Signed<Vote> {
    const last = body.type === 'prevote' ? this.last.prevote : this.last.precommit;
    if (last !== null) {
      const order = compareHeightRound(last, body);
      if (order > 0) return null;
      if (order === 0) {
        invariant(
          last.blockHash === body.blockHash,
          `validator would sign two different ${body.type}s at height ${body.height} round ${body.round}`,
        );
        return { fresh: false, signed: last };
      }
    }
    const vote = signVote(this.chainId, this.seed, { ...body, validator: this.publicKey });
    this.setLastVote(body.type, vote);
    return { fresh: true, signed: vote };
  }

  proposal(body: Omit<ProposalBody, 'proposer'>, value: V): Signed<{ proposal: Proposal; value: V }> {
    const last = this.last.proposal;
    if (last !== null) {
      const order = compareHeightRound(last.proposal, body);
      if (order > 0) return null;
      if (order === 0) {
        invariant(
          last.proposal.blockHash === body.blockHash && last.proposal.polRound === body.polRound,
          `validator would sign two different proposals at height ${body.height} round ${body.round}`,
        );
        return { fresh: false, signed: last };
      }
    }
    const proposal = signProposal(this.chainId, this.seed, { ...body, proposer: this.publicKey });
    this.last.proposal = { proposal, value };
    return { fresh: true, signed: this.last.proposal };
  }

  /** What we signed at this height and round, to re-send: a crash or the network may have lost it. */
  messagesAt(height: number, round: number): ConsensusMessage<V>[] {
    const here = (m: { height: number; round: number }) => m.height === height && m.round === round;
    const { proposal, prevote, precommit } = this.last;
    const out: ConsensusMessage<V>[] = [];
    if (proposal !== null && here(proposal.proposal)) out.push({ kind: 'proposal', ...proposal });
    for (const vote of [prevote, precommit])
      if (vote !== null && here(vote)) out.push({ kind: 'vote', vote });
    return out;
  }

  private setLastVote(type: VoteType, vote: Vote): void {
    if (type === 'prevote') this.last.prevote = vote;
    else this.last.precommit = vote;
  }
}
