// The consensus engine's vocabulary: what the node driver feeds in, what it must do in return, and what
// it persists. The engine is pure (docs: DESIGN.md "Pure core, IO at the edges"): time, messages, block
// building and block validation all arrive as inputs, and every effect leaves as an output.
import type { Commit, Vote } from '../core/vote.ts';
import type { Evidence } from '../core/evidence.ts';
import type { Proposal } from '../core/proposal.ts';
import type { ProposerSchedule } from './proposer.ts';

/** Steps of one round (Tendermint paper, Algorithm 1, step_p). */
export type Step = 'propose' | 'prevote' | 'precommit';

/** Round timeouts (consensus/timeouts.ts computes them). */
export interface TimeoutOptions {
  /** Algorithm 1 line 20: timeoutPropose(r) = timeoutProposeMs + r * timeoutProposeDeltaMs. */
  readonly timeoutProposeMs: number;
  readonly timeoutProposeDeltaMs: number;
  readonly timeoutPrevoteMs: number;
  readonly timeoutPrevoteDeltaMs: number;
  readonly timeoutPrecommitMs: number;
  readonly timeoutPrecommitDeltaMs: number;
}

/**
 * A proposed block as the engine sees it: opaque apart from its identity and its header time. The driver
 * computes `hash` from the block's content (never trusting a hash that came over the wire) and answers
 * `validateValue` with its verdict on everything else.
 */
export interface ConsensusValue {
  readonly hash: string;
  /** The block header's time in ms; our precommit for this block carries a later time (BFT time). */
  readonly timeMs: number;
}

export type ConsensusMessage<V extends ConsensusValue> =
  | { readonly kind: 'proposal'; readonly proposal: Proposal; readonly value: V }
  | { readonly kind: 'vote'; readonly vote: Vote };

export type Input<V extends ConsensusValue> =
  /** Begin a height (after genesis, after applying the previous decision, or after block sync). */
  | {
      readonly kind: 'start';
      readonly height: number;
      /** This height's validator set and proposer priorities; see proposer.ts. */
      readonly schedule: ProposerSchedule;
      readonly nowMs: number;
    }
  | { readonly kind: 'proposal'; readonly proposal: Proposal; readonly value: V; readonly nowMs: number }
  | { readonly kind: 'vote'; readonly vote: Vote; readonly nowMs: number }
  | {
      readonly kind: 'timeout';
      readonly height: number;
      readonly round: number;
      readonly step: Step;
      readonly nowMs: number;
    }
  /** The block the driver built in answer to `requestValue`. */
  | {
      readonly kind: 'valueReady';
      readonly height: number;
      readonly round: number;
      readonly value: V;
      readonly nowMs: number;
    }
  /** The driver's verdict on a block it was asked to validate (the paper's valid(v)). */
  | {
      readonly kind: 'valueValidated';
      readonly height: number;
      readonly hash: string;
      readonly valid: boolean;
      readonly nowMs: number;
    };

/**
 * What the driver must do, in order. A `persist` must be durable (fsync) before any later output runs,
 * because the broadcast after it carries a signature the validator must never contradict after a crash.
 */
export type Output<V extends ConsensusValue> =
  | { readonly kind: 'persist'; readonly record: ConsensusRecord<V> }
  | { readonly kind: 'broadcast'; readonly message: ConsensusMessage<V> }
  | {
      readonly kind: 'scheduleTimeout';
      readonly height: number;
      readonly round: number;
      readonly step: Step;
      readonly durationMs: number;
    }
  /** We propose in this round: build a block and answer with `valueReady`. */
  | { readonly kind: 'requestValue'; readonly height: number; readonly round: number }
  /** Check this block and answer with `valueValidated`. */
  | { readonly kind: 'validateValue'; readonly height: number; readonly round: number; readonly value: V }
  /** The block is final: apply it, store it with its commit, then send `start` for height + 1. */
  | {
      readonly kind: 'decide';
      readonly height: number;
      readonly round: number;
      readonly value: V;
      readonly commit: Commit;
    }
  /** Proof of equivocation, for the driver to gossip and to include on chain. */
  | { readonly kind: 'evidence'; readonly evidence: Evidence };

/**
 * The state a validator persists before sending anything it signed, and restarts from. It holds the last
 * message signed of each kind (so a restarted validator re-sends it instead of signing anew: it never signs
 * two different messages for one height, round and type) and the lock (Algorithm 1 lines 36-42), without
 * which a network-wide crash could make honest validators unlock and fork.
 */
export interface ConsensusRecord<V extends ConsensusValue> {
  readonly height: number;
  readonly round: number;
  readonly step: Step;
  readonly lockedRound: number;
  readonly lockedValue: V | null;
  readonly validRound: number;
  readonly validValue: V | null;
  /**
   * The 2f+1 prevotes that made validValue valid. A restarted validator has lost its message log, yet
   * must show others this proof when it re-proposes validValue (Algorithm 1 line 28), or locked and
   * unlocked validators can deadlock.
   */
  readonly validPolka: readonly Vote[];
  readonly lastProposal: { readonly proposal: Proposal; readonly value: V } | null;
  readonly lastPrevote: Vote | null;
  readonly lastPrecommit: Vote | null;
}

/** Signature checks, injectable so a driver can cache verdicts or batch them; defaults verify directly. */
export interface Verifier {
  vote(chainId: string, vote: Vote): boolean;
  proposal(chainId: string, proposal: Proposal): boolean;
}

export interface EngineOptions<V extends ConsensusValue> {
  readonly chainId: string;
  /** The validator's Ed25519 private seed; absent on a non-validator, which then never signs. */
  readonly seed?: Uint8Array;
  readonly timeouts?: TimeoutOptions;
  /** Messages for rounds beyond round + roundsAheadMax are only counted for the round skip, not stored. */
  readonly roundsAheadMax?: number;
  /** Distinct proposals kept per round; only a faulty proposer sends more than one. */
  readonly proposalsPerRoundMax?: number;
  /** Bytes of next-height messages kept per signer (default FUTURE_BYTES_PER_SIGNER_MAX, intake.ts). */
  readonly futureBytesPerSignerMax?: number;
  /** A value's size in bytes, counted against futureBytesPerSignerMax (default: 0, votes alone count). */
  readonly valueBytes?: (value: V) => number;
  /** The persisted record to resume from after a restart. */
  readonly record?: ConsensusRecord<V>;
  readonly verifier?: Verifier;
  /**
   * Deliberately broken behaviour, for tests that prove the simulator's checks can fail. Never set in
   * a node: `ignoreLocks` drops Algorithm 1's locking rule, `forgetSigned` drops the restart record.
   */
  readonly unsafe?: { readonly ignoreLocks?: boolean; readonly forgetSigned?: boolean };
}
