// The vote rule (issue 15): a proposal passes with more than 2/3 of the member organisations, and more
// than 1/3 vetoing rejects it. One organisation, one vote, whatever its validator power: governance is
// between institutions, while consensus power is about who keeps the chain live. Integers only, like
// core/validators.ts, so no rounding can weaken a threshold.
//
// The two thresholds cannot both be crossed (yes > 2/3 and veto > 1/3 would need more than every vote),
// and a vote is final, so the outcome depends only on who voted what, never on the order the votes
// arrived in: the first threshold crossed is the only one that could ever be crossed.
import type { Tally, VoteChoice } from './types.ts';

export const EMPTY_TALLY: Tally = { yes: 0, no: 0, veto: 0 };

export function hasSupermajority(electorateSize: number, votes: number): boolean {
  return votes * 3 > electorateSize * 2;
}

export function hasBlockingThird(electorateSize: number, votes: number): boolean {
  return votes * 3 > electorateSize;
}

export function addVote(tally: Tally, choice: VoteChoice): Tally {
  return { ...tally, [choice]: tally[choice] + 1 };
}

/** 'passed' or 'rejected' once a threshold is crossed, else 'open'. */
export function decide(electorateSize: number, tally: Tally): 'passed' | 'rejected' | 'open' {
  if (hasSupermajority(electorateSize, tally.yes)) return 'passed';
  if (hasBlockingThird(electorateSize, tally.veto)) return 'rejected';
  return 'open';
}
