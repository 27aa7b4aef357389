// Consensus votes and commits. A commit is the set of precommits for one block from more than 2/3 of
// the voting power; it is what makes a block final, and (with the header it signs) it is also the
// checkpoint an auditor keeps, because the header binds the global log size and root.
import { canonicalBytes } from './canonical.ts';
import { fromHex, isHex, toHex } from './bytes.ts';
import { signMessage, verifyMessage } from './crypto/index.ts';
import { CoreError } from './errors.ts';
import { findValidator, hasQuorum, type ValidatorSet } from './validators.ts';

export type VoteType = 'prevote' | 'precommit';

export interface VoteBody {
  readonly type: VoteType;
  readonly height: number;
  readonly round: number;
  /** The block voted for, or null for a nil vote. */
  readonly blockHash: string | null;
  /** The voter's clock in milliseconds since the Unix epoch; block time is the median of these (BFT time). */
  readonly timeMs: number;
  readonly validator: string;
}

export interface Vote extends VoteBody {
  readonly signature: string;
}

/** One precommit inside a commit: the vote fields implied by the commit are not repeated. */
export interface CommitSignature {
  readonly validator: string;
  readonly timeMs: number;
  readonly signature: string;
}

export interface Commit {
  readonly height: number;
  readonly round: number;
  readonly blockHash: string;
  /** Sorted by validator key; each validator at most once. */
  readonly signatures: readonly CommitSignature[];
}

export function voteSigningMessage(body: VoteBody): Uint8Array {
  return canonicalBytes({
    type: body.type,
    height: body.height,
    round: body.round,
    blockHash: body.blockHash,
    timeMs: body.timeMs,
    validator: body.validator,
  });
}

export function signVote(chainId: string, seed: Uint8Array, body: VoteBody): Vote {
  return { ...body, signature: toHex(signMessage(seed, 'vote', chainId, voteSigningMessage(body))) };
}

export function verifyVoteSignature(chainId: string, vote: Vote): boolean {
  if (!isHex(vote.signature, 64) || !isHex(vote.validator, 32)) return false;
  return verifyMessage(
    fromHex(vote.validator),
    'vote',
    chainId,
    voteSigningMessage(vote),
    fromHex(vote.signature),
  );
}

export function commitFromPrecommits(precommits: readonly Vote[]): Commit {
  const first = precommits[0];
  if (first === undefined || first.blockHash === null) {
    throw new CoreError('commit.invalid', 'a commit needs precommits for one block');
  }
  const byValidator = new Map<string, CommitSignature>();
  for (const v of precommits) {
    if (v.type !== 'precommit' || v.height !== first.height || v.round !== first.round) {
      throw new CoreError('commit.invalid', 'precommits of a commit share height and round');
    }
    if (v.blockHash !== first.blockHash)
      throw new CoreError('commit.invalid', 'precommits disagree on block');
    byValidator.set(v.validator, { validator: v.validator, timeMs: v.timeMs, signature: v.signature });
  }
  const signatures = [...byValidator.values()].sort((a, b) => (a.validator < b.validator ? -1 : 1));
  return { height: first.height, round: first.round, blockHash: first.blockHash, signatures };
}

/**
 * Checks that a commit carries valid precommit signatures from more than 2/3 of the set's power, each
 * validator counted once. Throws CoreError('commit.invalid' | 'commit.no_quorum') naming what is wrong.
 */
export function verifyCommit(chainId: string, set: ValidatorSet, commit: Commit): void {
  let power = 0;
  let previous = '';
  for (const sig of commit.signatures) {
    if (sig.validator <= previous) {
      throw new CoreError('commit.invalid', 'commit signatures must be sorted and unique', {
        validator: sig.validator,
      });
    }
    previous = sig.validator;
    const validator = findValidator(set, sig.validator);
    if (validator === undefined) {
      throw new CoreError('commit.invalid', 'commit signed by a non-validator', { validator: sig.validator });
    }
    const vote: Vote = {
      type: 'precommit',
      height: commit.height,
      round: commit.round,
      blockHash: commit.blockHash,
      timeMs: sig.timeMs,
      validator: sig.validator,
      signature: sig.signature,
    };
    if (!verifyVoteSignature(chainId, vote)) {
      throw new CoreError('commit.invalid', 'bad precommit signature', { validator: sig.validator });
    }
    power += validator.power;
  }
  if (!hasQuorum(set, power)) {
    throw new CoreError('commit.no_quorum', 'commit lacks more than 2/3 of the voting power', {
      expected: `> ${Math.floor((set.totalPower * 2) / 3)}`,
      actual: power,
    });
  }
}

/**
 * BFT time (Tendermint spec, "BFT Time"): the power-weighted median of the commit's precommit times, so
 * no single validator's clock sets a block's time, and faulty ones (< 1/3 of the power) cannot move it
 * outside the range of honest clocks.
 */
export function commitTimeMs(set: ValidatorSet, commit: Commit): number {
  const weighted = commit.signatures
    .map((s) => ({ timeMs: s.timeMs, power: findValidator(set, s.validator)?.power ?? 0 }))
    .sort((a, b) => a.timeMs - b.timeMs);
  const total = weighted.reduce((sum, w) => sum + w.power, 0);
  let seen = 0;
  for (const w of weighted) {
    seen += w.power;
    if (seen * 2 >= total) return w.timeMs;
  }
  throw new CoreError('commit.invalid', 'empty commit has no time');
}
