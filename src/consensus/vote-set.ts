// The message log of one round: its proposals and its prevote and precommit sets. As in the paper, a
// quorum "2f + 1 ⟨PREVOTE, h, r, id(v)⟩" counts the power of distinct validators that signed a vote for
// v, and "2f + 1 ⟨PREVOTE, h, r, ∗⟩" counts each validator once whatever it voted. An equivocator's
// second vote is kept (and reported as evidence): it counts for its own block as a message received,
// which is safe by quorum intersection (two conflicting quorums would need more than 1/3 of the power
// to sign both), and needed for liveness, because a proof of lock (line 28) relayed to us may carry the
// vote we did not see first.
import type { Vote } from '../core/vote.ts';
import type { Proposal } from '../core/proposal.ts';
import type { ConsensusValue } from './types.ts';

export type AddVoteResult =
  | { readonly kind: 'added' }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'conflict'; readonly existing: Vote };

const NIL = 'nil';

/**
 * Conflicting votes kept per validator per vote set for blocks we have not seen: bounds what one
 * equivocator can make us store. Votes for blocks we hold (or nil) are always kept: there are few such
 * blocks per height, and a byzantine validator spraying votes for random hashes must not be able to
 * crowd out its one vote for a real block that an honest proof of lock depends on.
 */
export const UNKNOWN_BLOCK_VOTES_MAX = 2;

export class VoteSet {
  /** Each validator's first vote. */
  private readonly first = new Map<string, Vote>();
  /** Per block key (hash or nil), the votes for it by validator. */
  private readonly byBlock = new Map<string, Map<string, Vote>>();
  private readonly powerByBlock = new Map<string, number>();
  private readonly unknownBlocksOf = new Map<string, number>();
  private totalPower = 0;

  get(validator: string): Vote | undefined {
    return this.first.get(validator);
  }

  /** Whether this exact vote (by signature) is already here: lets the caller skip verifying a copy. */
  has(vote: Vote): boolean {
    return this.byBlock.get(vote.blockHash ?? NIL)?.get(vote.validator)?.signature === vote.signature;
  }

  /** Classifies a vote against the set without adding it. */
  classify(vote: Vote): AddVoteResult {
    const existing = this.first.get(vote.validator);
    if (existing === undefined) return { kind: 'added' };
    // Same block, whatever the time: counting it again would change nothing, and it is no threat.
    if (this.byBlock.get(vote.blockHash ?? NIL)?.has(vote.validator) === true) return { kind: 'duplicate' };
    return { kind: 'conflict', existing };
  }

  /** Adds a vote whose signature the caller has verified; `blockKnown`: nil, or a block we hold. */
  add(vote: Vote, power: number, blockKnown: boolean): AddVoteResult {
    const result = this.classify(vote);
    if (result.kind === 'duplicate') return result;
    if (result.kind === 'conflict' && !blockKnown) {
      const unknown = this.unknownBlocksOf.get(vote.validator) ?? 0;
      if (unknown >= UNKNOWN_BLOCK_VOTES_MAX) return result;
      this.unknownBlocksOf.set(vote.validator, unknown + 1);
    }
    if (result.kind === 'added') {
      this.first.set(vote.validator, vote);
      this.totalPower += power;
    }
    const key = vote.blockHash ?? NIL;
    let votes = this.byBlock.get(key);
    if (votes === undefined) {
      votes = new Map();
      this.byBlock.set(key, votes);
    }
    votes.set(vote.validator, vote);
    this.powerByBlock.set(key, (this.powerByBlock.get(key) ?? 0) + power);
    return result;
  }

  /** Power of the validators that voted for `blockHash` (null: nil). */
  powerFor(blockHash: string | null): number {
    return this.powerByBlock.get(blockHash ?? NIL) ?? 0;
  }

  /** Power of all validators that voted, each once: the paper's "2f + 1 ⟨PREVOTE, h, r, ∗⟩". */
  anyPower(): number {
    return this.totalPower;
  }

  /** Block hashes with votes and their power, heaviest first; nil is left out. */
  blocks(): { hash: string; power: number }[] {
    const out: { hash: string; power: number }[] = [];
    for (const [hash, power] of this.powerByBlock) if (hash !== NIL) out.push({ hash, power });
    return out.sort((a, b) => b.power - a.power || (a.hash < b.hash ? -1 : 1));
  }

  /** Every vote kept, for relaying to a validator that is behind in this round. */
  all(): Vote[] {
    return [...this.byBlock.values()].flatMap((votes) => [...votes.values()]);
  }

  /** The votes for one block, one per validator. */
  votesFor(blockHash: string): Vote[] {
    return [...(this.byBlock.get(blockHash)?.values() ?? [])];
  }
}

export interface StoredProposal<V extends ConsensusValue> {
  readonly proposal: Proposal;
  readonly value: V;
}

export class RoundState<V extends ConsensusValue> {
  /** Proposals by signature, in order of arrival; only a faulty proposer sends more than one. */
  readonly proposals = new Map<string, StoredProposal<V>>();
  readonly prevotes = new VoteSet();
  readonly precommits = new VoteSet();
  /** Algorithm 1 line 34 "for the first time". */
  prevoteTimeoutScheduled = false;
  /** Algorithm 1 line 47 "for the first time". */
  precommitTimeoutScheduled = false;
  /** Algorithm 1 line 36 "for the first time". */
  polkaHandled = false;
  /** Duplicate-proposal evidence is reported once per round. */
  proposalEvidenceReported = false;

  votes(type: Vote['type']): VoteSet {
    return type === 'prevote' ? this.prevotes : this.precommits;
  }
}
