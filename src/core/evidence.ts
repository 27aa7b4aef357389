// Proofs of misbehaviour that any node can check with only the validator set: a validator that signed two
// conflicting votes for one height, round and type (equivocation), or a proposer that signed two blocks
// for one round. And, past the fault bound, two conflicting commits: proof that the chain forked, naming
// every validator that signed both.
import { CoreError } from './errors.ts';
import { findValidator, type ValidatorSet } from './validators.ts';
import { verifyCommit, verifyVoteSignature, type Commit, type Vote } from './vote.ts';
import { verifyProposalSignature, type Proposal } from './proposal.ts';

export interface DuplicateVoteEvidence {
  readonly kind: 'duplicate-vote';
  /** Ordered by signature so that every node builds the same evidence from the same pair. */
  readonly voteA: Vote;
  readonly voteB: Vote;
}

export interface DuplicateProposalEvidence {
  readonly kind: 'duplicate-proposal';
  readonly proposalA: Proposal;
  readonly proposalB: Proposal;
}

export type Evidence = DuplicateVoteEvidence | DuplicateProposalEvidence;

export function duplicateVoteEvidence(a: Vote, b: Vote): DuplicateVoteEvidence {
  return a.signature < b.signature
    ? { kind: 'duplicate-vote', voteA: a, voteB: b }
    : { kind: 'duplicate-vote', voteA: b, voteB: a };
}

export function duplicateProposalEvidence(a: Proposal, b: Proposal): DuplicateProposalEvidence {
  return a.signature < b.signature
    ? { kind: 'duplicate-proposal', proposalA: a, proposalB: b }
    : { kind: 'duplicate-proposal', proposalA: b, proposalB: a };
}

/** The validator an evidence accuses. */
export function evidenceOffender(evidence: Evidence): string {
  return evidence.kind === 'duplicate-vote' ? evidence.voteA.validator : evidence.proposalA.proposer;
}

/** The height an evidence is about, for pruning and for expiry rules on chain. */
export function evidenceHeight(evidence: Evidence): number {
  return evidence.kind === 'duplicate-vote' ? evidence.voteA.height : evidence.proposalA.height;
}

function invalid(message: string, offender: string): CoreError {
  return new CoreError('evidence.invalid', message, { validator: offender });
}

/**
 * Throws CoreError('evidence.invalid') unless the evidence proves equivocation by a member of `set`: the
 * same signer, height, round (and vote type), two different block hashes, both signatures valid.
 */
export function verifyEvidence(chainId: string, set: ValidatorSet, evidence: Evidence): void {
  const offender = evidenceOffender(evidence);
  if (findValidator(set, offender) === undefined) throw invalid('evidence names a non-validator', offender);
  if (evidence.kind === 'duplicate-vote') {
    const { voteA: a, voteB: b } = evidence;
    if (a.validator !== b.validator || a.type !== b.type || a.height !== b.height || a.round !== b.round) {
      throw invalid('votes differ in signer, type, height or round', offender);
    }
    // Two precommits for one block that differ only in time do not threaten safety and are not evidence.
    if (a.blockHash === b.blockHash) throw invalid('votes are for the same block', offender);
    if (a.signature >= b.signature) throw invalid('votes must be ordered by signature', offender);
    if (!verifyVoteSignature(chainId, a) || !verifyVoteSignature(chainId, b)) {
      throw invalid('bad vote signature', offender);
    }
    return;
  }
  const { proposalA: a, proposalB: b } = evidence;
  if (a.proposer !== b.proposer || a.height !== b.height || a.round !== b.round) {
    throw invalid('proposals differ in proposer, height or round', offender);
  }
  if (a.blockHash === b.blockHash && a.polRound === b.polRound) throw invalid('same proposal', offender);
  if (a.signature >= b.signature) throw invalid('proposals must be ordered by signature', offender);
  if (!verifyProposalSignature(chainId, a) || !verifyProposalSignature(chainId, b)) {
    throw invalid('bad proposal signature', offender);
  }
}

/** Proof that the chain forked: two valid commits for different blocks at one height. */
export interface ForkProof {
  readonly height: number;
  readonly commitA: Commit;
  readonly commitB: Commit;
  /**
   * Validators whose precommits appear in both commits; more than 1/3 of the power by quorum intersection.
   * At one round each of them equivocated outright; across rounds the proof that one of them broke its
   * lock also needs its prevotes (the Tendermint accountability analysis), which a commit does not carry.
   */
  readonly doubleSigners: readonly string[];
}

/**
 * Given a commit we trust (our own decision) and a conflicting one (from a peer or from block sync),
 * returns the fork proof if both verify; throws CoreError('commit.*') if `other` is not a valid commit, in
 * which case it is just a bad message, not a fork. Returns null when the commits agree on the block.
 */
export function checkConflictingCommit(
  chainId: string,
  set: ValidatorSet,
  ours: Commit,
  other: Commit,
): ForkProof | null {
  if (ours.height !== other.height) {
    throw new CoreError('commit.invalid', 'commits are for different heights', {
      expected: ours.height,
      actual: other.height,
    });
  }
  verifyCommit(chainId, set, other);
  if (ours.blockHash === other.blockHash) return null;
  verifyCommit(chainId, set, ours);
  const inOurs = new Set(ours.signatures.map((s) => s.validator));
  const doubleSigners = other.signatures.map((s) => s.validator).filter((v) => inOurs.has(v));
  return { height: ours.height, commitA: ours, commitB: other, doubleSigners };
}
