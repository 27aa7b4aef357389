// The engine's message log for the current height (and a bounded buffer for the next): checks shape,
// membership and signature of every received proposal and vote, counts each validator once per vote set,
// and turns conflicting signed messages into evidence. Memory is bounded: rounds beyond round +
// roundsAheadMax only feed the round-skip count, a faulty proposer's extra blocks are capped per round,
// and everything is dropped when the height ends (Algorithm 1 line 53). The next height's buffer keeps
// only votes of its validators and proposals of its scheduled proposers, checked before any signature,
// within futureBytesPerSignerMax per signer: any member peer can sign with a fresh key, so before this
// (finding 5 of issue 10) one peer could make a node hold any number of 16 MiB "proposals".
import { isHex } from '../core/bytes.ts';
import { verifyVoteSignature, type Vote } from '../core/vote.ts';
import { duplicateProposalEvidence, duplicateVoteEvidence } from '../core/evidence.ts';
import { isProposalShape, verifyProposalSignature, type Proposal } from '../core/proposal.ts';
import type { Evidence } from '../core/evidence.ts';
import type { ConsensusMessage, ConsensusValue, EngineOptions, Output, Verifier } from './types.ts';
import { RoundState } from './vote-set.ts';

/** What the intake reads from and reports to its engine (the ConsensusEngine), named here so the two
 * modules do not import each other. */
export interface IntakeEngine<V extends ConsensusValue> {
  readonly chainId: string;
  readonly height: number;
  readonly round: number;
  readonly decided: boolean;
  emit(output: Output<V>): void;
  proposerOf(round: number): string;
  /** proposer(h + 1, round): the next height's schedule follows from this one (nextHeightSchedule). */
  nextProposerOf(round: number): string;
  powerOf(validator: string): number;
  oneThird(power: number): boolean;
  reportEvidence(evidence: Evidence): void;
}

const defaultVerifier: Verifier = { vote: verifyVoteSignature, proposal: verifyProposalSignature };

/**
 * Bytes of next-height messages kept per signer: a block at BLOCK_BYTES_MAX (8 MiB of txs, more as
 * JSON) and its votes fit; a second full proposal does not, and waits for the re-gossip once the height
 * starts. With only validators' messages kept, the buffer is bounded by validators × this.
 */
export const FUTURE_BYTES_PER_SIGNER_MAX = 20 * 1024 * 1024;
/** What one buffered vote (or a proposal's own fields, without its block) is counted as. */
export const FUTURE_MESSAGE_BYTES = 512;

type Buffered<V> =
  | { readonly kind: 'vote'; readonly vote: Vote }
  | { readonly kind: 'proposal'; readonly proposal: Proposal; readonly value: V };

export function isVoteShape(v: Vote): boolean {
  return (
    (v.type === 'prevote' || v.type === 'precommit') &&
    Number.isSafeInteger(v.height) &&
    v.height >= 1 &&
    Number.isSafeInteger(v.round) &&
    v.round >= 0 &&
    (v.blockHash === null || isHex(v.blockHash, 32)) &&
    Number.isSafeInteger(v.timeMs) &&
    v.timeMs >= 0 &&
    isHex(v.validator, 32) &&
    isHex(v.signature, 64)
  );
}

export class Intake<V extends ConsensusValue> {
  readonly rounds = new Map<number, RoundState<V>>();
  /** Blocks seen at this height by hash, and the driver's verdicts on them (the paper's valid(v)). */
  readonly values = new Map<string, V>();
  readonly validity = new Map<string, boolean>();
  private readonly verifier: Verifier;
  private readonly roundsAheadMax: number;
  private readonly proposalsPerRoundMax: number;
  private validationRequested = new Set<string>();
  /** Per validator, the highest round it sent anything for at this height (Algorithm 1 line 55). */
  private highestRound = new Map<string, number>();
  private evidenceReported = new Set<string>();
  /** Verified messages for height + 1, keyed so each (signer, round, type) keeps at most two. */
  private future = new Map<string, Buffered<V>>();
  private futureSlots = new Map<string, number>();
  /** Per signer, the bytes its buffered next-height messages are counted as. */
  private futureBytes = new Map<string, number>();
  private readonly futureBytesPerSignerMax: number;
  private readonly valueBytes: (value: V) => number;

  constructor(
    private readonly engine: IntakeEngine<V>,
    options: EngineOptions<V>,
  ) {
    this.verifier = options.verifier ?? defaultVerifier;
    this.roundsAheadMax = options.roundsAheadMax ?? 10;
    this.proposalsPerRoundMax = options.proposalsPerRoundMax ?? 2;
    this.futureBytesPerSignerMax = options.futureBytesPerSignerMax ?? FUTURE_BYTES_PER_SIGNER_MAX;
    this.valueBytes = options.valueBytes ?? (() => 0);
  }

  /** What the next height's buffer holds now (for tests and metrics). */
  futureHeld(): { readonly messages: number; readonly bytes: number } {
    let bytes = 0;
    for (const b of this.futureBytes.values()) bytes += b;
    return { messages: this.future.size, bytes };
  }

  resetHeight(): void {
    this.rounds.clear();
    this.values.clear();
    this.validity.clear();
    this.validationRequested.clear();
    this.highestRound.clear();
    this.evidenceReported.clear();
  }

  roundIfAny(round: number): RoundState<V> | undefined {
    return this.rounds.get(round);
  }

  private roundState(round: number): RoundState<V> {
    let rs = this.rounds.get(round);
    if (rs === undefined) {
      rs = new RoundState<V>();
      this.rounds.set(round, rs);
    }
    return rs;
  }

  /**
   * The prevotes that justify re-proposing a block from round vr (line 28 needs 2f+1 of them): relayed
   * with the proposal, because a validator that missed them, or counted an equivocator's other vote,
   * would otherwise prevote nil against our lock forever.
   */
  proofOfLock(polRound: number, hash: string): { kind: 'vote'; vote: Vote }[] {
    if (polRound < 0) return [];
    const votes = this.rounds.get(polRound)?.prevotes.votesFor(hash) ?? [];
    return votes.map((vote) => ({ kind: 'vote', vote }));
  }

  roundMessages(round: number): ConsensusMessage<V>[] {
    const rs = this.rounds.get(round);
    if (rs === undefined) return [];
    const proposals = [...rs.proposals.values()].map((p): ConsensusMessage<V> => ({
      kind: 'proposal',
      ...p,
    }));
    const votes = [...rs.prevotes.all(), ...rs.precommits.all()];
    return [...proposals, ...votes.map((vote): ConsensusMessage<V> => ({ kind: 'vote', vote }))];
  }

  /** Records a block; asks the driver to validate it unless its verdict is known. */
  knowValue(value: V, valid?: boolean, round = this.engine.round): void {
    if (!this.values.has(value.hash)) this.values.set(value.hash, value);
    if (valid !== undefined) this.validity.set(value.hash, valid);
    if (this.validity.has(value.hash) || this.validationRequested.has(value.hash)) return;
    this.validationRequested.add(value.hash);
    this.engine.emit({ kind: 'validateValue', height: this.engine.height, round, value });
  }

  private stored(round: number): boolean {
    return round <= this.engine.round + this.roundsAheadMax;
  }

  private noteRound(validator: string, round: number): void {
    if (round > (this.highestRound.get(validator) ?? -1)) this.highestRound.set(validator, round);
  }

  /** The highest round that validators with more than 1/3 of the power have reached, or -1. */
  roundOneThirdAhead(): number {
    const entries = [...this.highestRound].sort((a, b) => b[1] - a[1]);
    let power = 0;
    for (const [validator, round] of entries) {
      power += this.engine.powerOf(validator);
      if (this.engine.oneThird(power)) return round;
    }
    return -1;
  }

  vote(vote: Vote, verified = false): void {
    if (!isVoteShape(vote)) return;
    const e = this.engine;
    if (vote.height === e.height + 1) {
      // The next height's set may differ (governance), so this is only a cheap first filter against this
      // height's set; a buffered vote is checked against its own height's set when it is replayed.
      if (e.powerOf(vote.validator) === 0) return;
      const check = () => this.verifier.vote(e.chainId, vote);
      this.buffer(vote.round, vote.validator, vote.type, { kind: 'vote', vote }, verified, check);
      return;
    }
    if (vote.height !== e.height || e.decided) return;
    const power = e.powerOf(vote.validator);
    if (power === 0) return; // not a validator of this height
    if (!this.stored(vote.round)) {
      // Too far ahead to keep: it only counts toward the round skip, and only if it raises the signer's round.
      if (vote.round <= (this.highestRound.get(vote.validator) ?? -1)) return;
      if (verified || this.verifier.vote(e.chainId, vote)) this.noteRound(vote.validator, vote.round);
      return;
    }
    const set = this.roundState(vote.round).votes(vote.type);
    if (set.has(vote)) return; // a re-sent copy: no need to verify again
    const verdict = set.classify(vote);
    if (verdict.kind === 'duplicate') return;
    if (!verified && !this.verifier.vote(e.chainId, vote)) return;
    this.noteRound(vote.validator, vote.round);
    set.add(vote, power, vote.blockHash === null || this.values.has(vote.blockHash));
    if (verdict.kind === 'conflict') {
      const key = `${vote.validator}/${vote.round}/${vote.type}`;
      if (!this.evidenceReported.has(key)) {
        this.evidenceReported.add(key);
        e.reportEvidence(duplicateVoteEvidence(verdict.existing, vote));
      }
    }
  }

  proposal(proposal: Proposal, value: V, verified = false): void {
    if (!isProposalShape(proposal) || value.hash !== proposal.blockHash) return;
    const e = this.engine;
    if (proposal.height === e.height + 1) {
      // Only proposer(h + 1, r) may propose there (lines 22, 28); the round is bounded first, since
      // computing a far round's proposer walks the schedule that many steps.
      if (proposal.round > this.roundsAheadMax) return;
      if (proposal.proposer !== e.nextProposerOf(proposal.round)) return;
      const check = () => this.verifier.proposal(e.chainId, proposal);
      const message = { kind: 'proposal', proposal, value } as const;
      this.buffer(proposal.round, proposal.proposer, 'proposal', message, verified, check);
      return;
    }
    if (proposal.height !== e.height || e.decided || e.powerOf(proposal.proposer) === 0) return;
    if (!this.stored(proposal.round)) {
      if (proposal.round <= (this.highestRound.get(proposal.proposer) ?? -1)) return;
      if (verified || this.verifier.proposal(e.chainId, proposal))
        this.noteRound(proposal.proposer, proposal.round);
      return;
    }
    if (proposal.proposer !== e.proposerOf(proposal.round)) return; // lines 22, 28, 36, 49: from proposer(h, r)
    const rs = this.roundState(proposal.round);
    if (rs.proposals.has(proposal.signature)) return;
    if (!verified && !this.verifier.proposal(e.chainId, proposal)) return;
    this.noteRound(proposal.proposer, proposal.round);
    const other = [...rs.proposals.values()].find(
      (s) => s.proposal.blockHash !== proposal.blockHash || s.proposal.polRound !== proposal.polRound,
    );
    if (other !== undefined && !rs.proposalEvidenceReported) {
      rs.proposalEvidenceReported = true;
      e.reportEvidence(duplicateProposalEvidence(other.proposal, proposal));
    }
    if (rs.proposals.size >= this.proposalsPerRoundMax) return;
    rs.proposals.set(proposal.signature, { proposal, value });
    this.knowValue(value, undefined, proposal.round);
  }

  acceptOwnVote(vote: Vote): void {
    this.vote(vote, true);
  }

  acceptOwnProposal(proposal: Proposal, value: V): void {
    this.knowValue(value, true, proposal.round); // we built or already validated it
    this.proposal(proposal, value, true);
  }

  /**
   * Keeps a verified message of a next-height validator (the caller checked that): at most two per
   * (signer, round, type), within the signer's byte budget; the signature is checked last, when the
   * message would be kept, so what is refused costs no verification.
   */
  private buffer(
    round: number,
    signer: string,
    type: string,
    message: Buffered<V>,
    verified: boolean,
    check: () => boolean,
  ): void {
    if (round > this.roundsAheadMax) return;
    const slot = `${signer}/${type}/${round}`;
    const id = message.kind === 'vote' ? message.vote.signature : message.proposal.signature;
    if (this.future.has(`${slot}/${id}`)) return;
    const inSlot = this.futureSlots.get(slot) ?? 0;
    if (inSlot >= 2) return;
    const held = this.futureBytes.get(signer) ?? 0;
    const bytes = FUTURE_MESSAGE_BYTES + (message.kind === 'proposal' ? this.valueBytes(message.value) : 0);
    if (held + bytes > this.futureBytesPerSignerMax) return;
    if (!verified && !check()) return;
    this.futureSlots.set(slot, inSlot + 1);
    this.futureBytes.set(signer, held + bytes);
    this.future.set(`${slot}/${id}`, message);
  }

  /** Feeds the buffered next-height messages in, now that the height has started. */
  replayFuture(): void {
    const buffered = [...this.future.values()];
    this.future.clear();
    this.futureSlots.clear();
    this.futureBytes.clear();
    for (const m of buffered) {
      if (m.kind === 'vote') this.vote(m.vote, true);
      else this.proposal(m.proposal, m.value, true);
    }
  }
}
