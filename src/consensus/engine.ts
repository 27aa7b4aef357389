// Tendermint consensus (Buchman, Kwon, Milosevic 2018, "The latest gossip on BFT consensus", Algorithm 1)
// as a pure state machine: `handle(input)` returns the outputs the driver must execute, in order. The
// engine has no clock, timer, socket or disk; the same code runs in a node and in the simulator.
//
// Deviations from the paper, each safe because safety rests only on votes and locks:
// - Values are identified by hash, so a block seen in any proposal of the height serves lines 36 and 49.
// - Line 55 skips to the highest round r such that validators with more than 1/3 of the power have sent
//   messages for round r or later (the paper: for round r exactly); memory stays bounded that way.
// - The proposer schedules timeoutPropose too, so a driver slow to build a block cannot stall the round.
import { commitFromPrecommits, type Vote } from '../core/vote.ts';
import { findValidator, hasOneThird, hasQuorum } from '../core/validators.ts';
import { invariant } from '../core/errors.ts';
import type { Evidence } from '../core/evidence.ts';
import { nextHeightSchedule, proposersForRounds, type ProposerSchedule } from './proposer.ts';
import { Intake } from './intake.ts';
import { Signer } from './signer.ts';
import { DEFAULT_TIMEOUTS, timeoutDurationMs } from './timeouts.ts';
import type { ConsensusMessage, ConsensusRecord, ConsensusValue } from './types.ts';
import type { EngineOptions, Input, Output, Step } from './types.ts';
import type { TimeoutOptions } from './types.ts';

interface Held<V> {
  readonly round: number;
  readonly value: V;
}

export class ConsensusEngine<V extends ConsensusValue> {
  readonly chainId: string;
  private readonly signer: Signer<V> | null;
  private readonly timeouts: TimeoutOptions;
  private readonly unsafe: NonNullable<EngineOptions<V>['unsafe']>;
  private restored: ConsensusRecord<V> | null;
  private readonly intake: Intake<V>;

  // Algorithm 1's variables (lines 2-8) for the current height.
  height = 0;
  round = 0;
  step: Step = 'propose';
  decided = false;
  private locked: Held<V> | null = null;
  private valid: Held<V> | null = null;
  private schedule: ProposerSchedule | null = null;
  private proposers: string[] = [];
  /** proposer(h + 1, r), for the intake's buffer of next-height proposals. */
  private nextProposers: string[] = [];
  private requestedValueRound = -1;

  private nowMs = 0;
  private out: Output<V>[] = [];

  constructor(options: EngineOptions<V>) {
    this.chainId = options.chainId;
    this.timeouts = options.timeouts ?? DEFAULT_TIMEOUTS;
    this.unsafe = options.unsafe ?? {};
    this.restored = this.unsafe.forgetSigned === true ? null : (options.record ?? null);
    const r = this.restored;
    const last = {
      proposal: r?.lastProposal ?? null,
      prevote: r?.lastPrevote ?? null,
      precommit: r?.lastPrecommit ?? null,
    };
    this.signer = options.seed === undefined ? null : new Signer<V>(options.chainId, options.seed, last);
    this.intake = new Intake<V>(this, options);
  }

  get publicKey(): string | null {
    return this.signer?.publicKey ?? null;
  }

  get currentSchedule(): ProposerSchedule | null {
    return this.schedule;
  }

  /** Feeds one input; returns what the driver must do, in order (persist before the broadcast after it). */
  handle(input: Input<V>): Output<V>[] {
    this.out = [];
    this.nowMs = Math.max(this.nowMs, input.nowMs);
    switch (input.kind) {
      case 'start':
        this.start(input.height, input.schedule);
        break;
      case 'proposal':
        this.intake.proposal(input.proposal, input.value);
        break;
      case 'vote':
        this.intake.vote(input.vote);
        break;
      case 'timeout':
        this.onTimeout(input.height, input.round, input.step);
        break;
      case 'valueReady':
        this.onValueReady(input.height, input.round, input.value);
        break;
      case 'valueValidated':
        if (input.height === this.height) this.intake.validity.set(input.hash, input.valid);
        break;
    }
    this.evaluate();
    const out = this.out;
    this.out = [];
    return out;
  }

  /** Our own signed messages of the current round, for the driver to re-send until they are superseded. */
  gossipMessages(): ConsensusMessage<V>[] {
    if (this.signer === null || this.decided) return [];
    const own = this.signer.messagesAt(this.height, this.round);
    const proposal = own.find((m) => m.kind === 'proposal');
    const pol =
      proposal === undefined ? [] : this.intake.proofOfLock(proposal.proposal.polRound, proposal.value.hash);
    return [...own, ...pol];
  }

  /**
   * Everything we hold for one round of the current height: its proposals, prevotes and precommits. The
   * driver sends them to a peer that reports being in that round while we are past it, as Tendermint's
   * gossip does: the paper assumes every message a correct process received reaches all correct
   * processes, which a lossy network only gives if messages are relayed until superseded.
   */
  messagesForRound(height: number, round: number): ConsensusMessage<V>[] {
    return height === this.height && !this.decided ? this.intake.roundMessages(round) : [];
  }

  // ---- Used by the intake. ----

  emit(output: Output<V>): void {
    this.out.push(output);
  }

  proposerOf(round: number): string {
    invariant(this.schedule !== null, 'proposer asked before start');
    if (round >= this.proposers.length) {
      this.proposers = proposersForRounds(this.schedule, Math.max(round + 1, this.proposers.length * 2));
    }
    return this.proposers[round]!;
  }

  nextProposerOf(round: number): string {
    invariant(this.schedule !== null, 'proposer asked before start');
    if (round >= this.nextProposers.length) {
      const next = nextHeightSchedule(this.schedule);
      this.nextProposers = proposersForRounds(next, Math.max(round + 1, this.nextProposers.length * 2));
    }
    return this.nextProposers[round]!;
  }

  /** What the buffer for the next height holds (the intake's futureHeld). */
  futureHeld(): { readonly messages: number; readonly bytes: number } {
    return this.intake.futureHeld();
  }

  powerOf(validator: string): number {
    const v = this.schedule === null ? undefined : findValidator(this.schedule.validators, validator);
    return v?.power ?? 0;
  }

  reportEvidence(evidence: Evidence): void {
    this.emit({ kind: 'evidence', evidence });
  }

  // ---- Heights and rounds. ----

  private start(height: number, schedule: ProposerSchedule): void {
    invariant(height > this.height, `heights strictly increase: ${height} after ${this.height}`);
    this.height = height;
    this.schedule = schedule;
    this.proposers = [];
    this.nextProposers = [];
    this.decided = false;
    this.locked = null; // line 53: reset locks and valid values, empty the message log
    this.valid = null;
    this.requestedValueRound = -1;
    this.intake.resetHeight();
    const r = this.restored;
    this.restored = null;
    if (r !== null && r.height === height) this.resume(r);
    else this.startRound(0);
    this.intake.replayFuture();
  }

  /** Restart at the round, step and lock we persisted; re-send what we signed, which may never have left. */
  private resume(r: ConsensusRecord<V>): void {
    if (r.lockedValue !== null) this.locked = { round: r.lockedRound, value: r.lockedValue };
    if (r.validValue !== null) this.valid = { round: r.validRound, value: r.validValue };
    for (const held of [this.locked, this.valid]) if (held !== null) this.intake.knowValue(held.value, true);
    this.round = r.round;
    this.step = r.step;
    for (const vote of r.validPolka) this.intake.vote(vote, true);
    const polkaRound = this.intake.roundIfAny(r.round);
    if (polkaRound !== undefined && r.validRound === r.round) polkaRound.polkaHandled = true; // line 36 ran
    if (r.step === 'propose') {
      this.startRound(r.round);
      return;
    }
    for (const message of this.signer?.messagesAt(this.height, this.round) ?? []) {
      if (message.kind === 'vote') this.sendVote(message.vote);
      else this.sendProposal(message.value, message.proposal.polRound); // re-sends the same signature
    }
    // We lost the vote counts that would have scheduled these (lines 34, 47); scheduling them now only
    // moves the round on sooner.
    this.scheduleTimeout(r.step);
  }

  private startRound(round: number): void {
    // Lines 11-21.
    this.round = round;
    this.step = 'propose';
    if (this.signer !== null && this.proposerOf(round) === this.signer.publicKey) {
      const last = this.signer.last.proposal;
      if (last !== null && last.proposal.height === this.height && last.proposal.round === round) {
        this.sendProposal(last.value, last.proposal.polRound); // signed before a crash; re-send the same
      } else if (this.valid !== null) {
        this.sendProposal(this.valid.value, this.valid.round); // line 15
      } else if (this.requestedValueRound !== round) {
        this.requestedValueRound = round;
        this.emit({ kind: 'requestValue', height: this.height, round }); // line 17: getValue()
      }
    }
    this.scheduleTimeout('propose');
  }

  private scheduleTimeout(step: Step): void {
    const durationMs = timeoutDurationMs(this.timeouts, step, this.round);
    this.emit({ kind: 'scheduleTimeout', height: this.height, round: this.round, step, durationMs });
  }

  private onTimeout(height: number, round: number, step: Step): void {
    if (height !== this.height || round !== this.round || this.decided) return;
    if (step === 'propose' && this.step === 'propose') {
      this.prevote(null); // lines 57-60
    } else if (step === 'prevote' && this.step === 'prevote') {
      this.precommit(null); // lines 61-64
    } else if (step === 'precommit') {
      this.startRound(this.round + 1); // lines 65-67
    }
  }

  private onValueReady(height: number, round: number, value: V): void {
    if (height !== this.height || round !== this.round || this.step !== 'propose' || this.decided) return;
    if (this.signer === null || this.proposerOf(round) !== this.signer.publicKey) return;
    this.sendProposal(value, -1); // line 19 with validRound = -1: a fresh block
  }

  // ---- Signing: persist first, then broadcast, then count our own message as received. ----

  private record(): ConsensusRecord<V> {
    const last = this.signer?.last;
    return {
      height: this.height,
      round: this.round,
      step: this.step,
      lockedRound: this.locked?.round ?? -1,
      lockedValue: this.locked?.value ?? null,
      validRound: this.valid?.round ?? -1,
      validValue: this.valid?.value ?? null,
      validPolka:
        this.valid === null
          ? []
          : this.intake.proofOfLock(this.valid.round, this.valid.value.hash).map((m) => m.vote),
      lastProposal: last?.proposal ?? null,
      lastPrevote: last?.prevote ?? null,
      lastPrecommit: last?.precommit ?? null,
    };
  }

  private persist(): void {
    if (this.signer !== null) this.emit({ kind: 'persist', record: this.record() });
  }

  /** Our signer if we are a validator of this height: a removed validator, like a non-validator, is silent. */
  private activeSigner(): Signer<V> | null {
    return this.signer !== null && this.powerOf(this.signer.publicKey) > 0 ? this.signer : null;
  }

  private sendProposal(value: V, polRound: number): void {
    const signed = this.activeSigner()?.proposal(
      { height: this.height, round: this.round, polRound, blockHash: value.hash },
      value,
    );
    if (signed === undefined || signed === null) return;
    if (signed.fresh) this.persist();
    this.emit({ kind: 'broadcast', message: { kind: 'proposal', ...signed.signed } });
    for (const message of this.intake.proofOfLock(polRound, value.hash))
      this.emit({ kind: 'broadcast', message });
    this.intake.acceptOwnProposal(signed.signed.proposal, value);
  }

  private sendVote(vote: Vote): void {
    this.emit({ kind: 'broadcast', message: { kind: 'vote', vote } });
    this.intake.acceptOwnVote(vote);
  }

  private prevote(blockHash: string | null): void {
    this.step = 'prevote';
    const signed = this.activeSigner()?.vote({
      type: 'prevote',
      height: this.height,
      round: this.round,
      blockHash,
      timeMs: this.nowMs,
    });
    if (signed === undefined || signed === null) return;
    if (signed.fresh) this.persist();
    this.sendVote(signed.signed);
  }

  private precommit(blockHash: string | null, value?: V): void {
    this.step = 'precommit';
    // BFT time: a precommit for a block is later than the block's own time, so block times increase.
    const timeMs = value === undefined ? this.nowMs : Math.max(this.nowMs, value.timeMs + 1);
    const signed = this.activeSigner()?.vote({
      type: 'precommit',
      height: this.height,
      round: this.round,
      blockHash,
      timeMs,
    });
    if (signed === undefined || signed === null) return;
    if (signed.fresh) this.persist();
    this.sendVote(signed.signed);
  }

  // ---- The upon rules, applied until none fires. ----

  private evaluate(): void {
    if (this.schedule === null) return;
    for (let fired = true; fired && !this.decided;) {
      fired =
        this.tryDecide() ||
        this.trySkipRound() ||
        this.tryPrevote() ||
        this.tryPolka() ||
        this.tryNilPolka() ||
        this.tryVoteTimeouts();
    }
  }

  /** Lines 22-33: prevote on the round's proposal once it is validated (and, for vr ≥ 0, justified). */
  private tryPrevote(): boolean {
    if (this.step !== 'propose') return false;
    const rs = this.intake.roundIfAny(this.round);
    if (rs === undefined) return false;
    const lockedRound = this.locked?.round ?? -1;
    for (const { proposal, value } of rs.proposals.values()) {
      const valid = this.intake.validity.get(value.hash);
      if (valid === undefined) continue; // the driver has not answered validateValue yet
      const lockedOnIt = this.locked?.value.hash === value.hash;
      const vr = proposal.polRound;
      if (vr === -1) {
        const ok = valid && (lockedRound === -1 || lockedOnIt || this.unsafe.ignoreLocks === true); // line 23
        this.prevote(ok ? value.hash : null);
        return true;
      }
      const pol = this.intake.roundIfAny(vr);
      if (pol === undefined || !this.quorum(pol.prevotes.powerFor(value.hash))) continue; // line 28
      const ok = valid && (lockedRound <= vr || lockedOnIt || this.unsafe.ignoreLocks === true); // line 29
      this.prevote(ok ? value.hash : null);
      return true;
    }
    return false;
  }

  /** Lines 36-43: 2f+1 prevotes for a valid block: lock on it and precommit (once per round). */
  private tryPolka(): boolean {
    const rs = this.intake.roundIfAny(this.round);
    if (rs === undefined || rs.polkaHandled || this.step === 'propose') return false;
    const top = rs.prevotes.blocks()[0];
    if (top === undefined || !this.quorum(top.power)) return false;
    const value = this.intake.values.get(top.hash);
    if (value === undefined || this.intake.validity.get(top.hash) !== true) return false;
    rs.polkaHandled = true;
    this.valid = { round: this.round, value }; // line 42, set first so the precommit's record holds it
    if (this.step === 'prevote') {
      this.locked = { round: this.round, value }; // lines 38-39
      this.precommit(value.hash, value); // line 40
    } else {
      this.persist();
    }
    return true;
  }

  /** Lines 44-46: 2f+1 prevotes for nil: precommit nil. */
  private tryNilPolka(): boolean {
    const rs = this.intake.roundIfAny(this.round);
    if (rs === undefined || this.step !== 'prevote' || !this.quorum(rs.prevotes.powerFor(null))) return false;
    this.precommit(null);
    return true;
  }

  /** Lines 34-35 and 47-48: 2f+1 votes of any kind start the step's timeout, once per round. */
  private tryVoteTimeouts(): boolean {
    const rs = this.intake.roundIfAny(this.round);
    if (rs === undefined) return false;
    if (this.step === 'prevote' && !rs.prevoteTimeoutScheduled && this.quorum(rs.prevotes.anyPower())) {
      rs.prevoteTimeoutScheduled = true;
      this.scheduleTimeout('prevote');
      return true;
    }
    if (!rs.precommitTimeoutScheduled && this.quorum(rs.precommits.anyPower())) {
      rs.precommitTimeoutScheduled = true;
      this.scheduleTimeout('precommit');
      return true;
    }
    return false;
  }

  /** Lines 49-54: 2f+1 precommits for a valid block in any round: decide it. */
  private tryDecide(): boolean {
    for (const [round, rs] of this.intake.rounds) {
      const top = rs.precommits.blocks()[0];
      if (top === undefined || !this.quorum(top.power)) continue;
      const value = this.intake.values.get(top.hash);
      if (value === undefined || this.intake.validity.get(top.hash) !== true) continue;
      const commit = commitFromPrecommits(rs.precommits.votesFor(top.hash));
      this.decided = true;
      this.emit({ kind: 'decide', height: this.height, round, value, commit });
      return true;
    }
    return false;
  }

  /** Lines 55-56: validators with more than 1/3 of the power are ahead: at least one honest one is. */
  private trySkipRound(): boolean {
    const target = this.intake.roundOneThirdAhead();
    if (target <= this.round) return false;
    this.startRound(target);
    return true;
  }

  quorum(power: number): boolean {
    return this.schedule !== null && hasQuorum(this.schedule.validators, power);
  }

  oneThird(power: number): boolean {
    return this.schedule !== null && hasOneThird(this.schedule.validators, power);
  }
}
