// One simulated node: the consensus engine plus the driver a real node would have around it — durable
// storage (the consensus record and the chain, which survive a crash), a bounded mempool, block building
// and validation, timers on virtual time, re-gossip of its own messages, and block sync from peers.
import type { Commit } from '../../src/core/vote.ts';
import { verifyCommit } from '../../src/core/vote.ts';
import type { ValidatorSet } from '../../src/core/validators.ts';
import {
  checkConflictingCommit,
  ConsensusEngine,
  type ConsensusMessage,
  type ConsensusRecord,
  type Input,
  type Output,
  type ProposerSchedule,
  type TimeoutOptions,
  type Verifier,
} from '../../src/consensus/index.ts';
import { AppState, BLOCK_TXS_MAX, isValidTx, makeBlock, validateBlock, type SimBlock } from './app.ts';
import type { EventQueue, Network } from './network.ts';
import type { Rng } from './prng.ts';
import type { Recorder } from './recorder.ts';

export type Wire =
  | { readonly kind: 'consensus'; readonly message: ConsensusMessage<SimBlock> }
  | { readonly kind: 'tx'; readonly tx: string }
  /** "I am at this height and round": a peer further on answers with that round's messages. */
  | { readonly kind: 'roundState'; readonly height: number; readonly round: number }
  | { readonly kind: 'syncRequest'; readonly fromHeight: number }
  | { readonly kind: 'syncResponse'; readonly entries: readonly { block: SimBlock; commit: Commit }[] };

export interface SimParams {
  readonly blockIntervalMs: number;
  readonly gossipIntervalMs: number;
  readonly syncIntervalMs: number;
  readonly syncBatchMax: number;
  readonly mempoolMax: number;
  readonly timeouts: TimeoutOptions;
}

export interface SimContext {
  readonly chainId: string;
  readonly set: ValidatorSet;
  readonly queue: EventQueue;
  readonly network: Network<Wire>;
  readonly rng: Rng;
  readonly verifier: Verifier;
  readonly params: SimParams;
  readonly recorder: Recorder;
  readonly nodeIds: () => readonly number[];
  scheduleAt(height: number): ProposerSchedule;
  /** Test-only engine breakage, applied to honest nodes to prove the checks can fail. */
  readonly unsafe?: { ignoreLocks?: boolean; forgetSigned?: boolean };
}

/** Byzantine behaviour hooks; an honest node has none. */
export interface Behaviour {
  readonly name: string;
  /** Sends its own version of one of our broadcasts; returns true if it did (the original is not sent). */
  onBroadcast?(node: SimNode, message: ConsensusMessage<SimBlock>): boolean;
  onReceive?(node: SimNode, from: number, wire: Wire): void;
  onGossipTick?(node: SimNode): void;
}

export class SimNode {
  /** Survives crashes: what a real node fsyncs. */
  readonly durable: {
    record: ConsensusRecord<SimBlock> | null;
    chain: { block: SimBlock; commit: Commit }[];
  } = {
    record: null,
    chain: [],
  };
  up = false;
  engine!: ConsensusEngine<SimBlock>;
  app = new AppState();
  mempool = new Set<string>();
  /** Crash right after the next persist, before what follows it is sent. */
  crashAfterPersist = false;
  private generation = 0;
  private lastSyncRequestMs = -Infinity;

  constructor(
    readonly ctx: SimContext,
    readonly id: number,
    readonly seed: Uint8Array | undefined,
    readonly publicKey: string | null,
    readonly honest: boolean,
    readonly behaviour: Behaviour | null = null,
  ) {}

  get peers(): number[] {
    return this.ctx.nodeIds().filter((id) => id !== this.id);
  }

  boot(): void {
    this.generation++;
    this.up = true;
    this.app = new AppState();
    for (const { block, commit } of this.durable.chain) this.app.apply(block, commit);
    this.engine = new ConsensusEngine<SimBlock>({
      chainId: this.ctx.chainId,
      seed: this.seed,
      timeouts: this.ctx.params.timeouts,
      verifier: this.ctx.verifier,
      record: this.durable.record ?? undefined,
      unsafe: this.honest ? this.ctx.unsafe : undefined,
    });
    this.startHeight(this.app.height + 1);
    this.every(this.ctx.params.gossipIntervalMs, () => this.gossip());
    this.every(this.ctx.params.syncIntervalMs, () => this.requestSync(this.ctx.rng.pick(this.peers)));
  }

  crash(): void {
    this.up = false;
    this.generation++; // timers of this incarnation now do nothing
    this.mempool = new Set();
    this.crashAfterPersist = false;
  }

  private every(periodMs: number, run: () => void): void {
    const gen = this.generation;
    const tick = () => {
      if (!this.up || gen !== this.generation) return;
      run();
      this.ctx.queue.after(periodMs, tick);
    };
    this.ctx.queue.after(this.ctx.rng.range(1, periodMs), tick);
  }

  /** Runs `fn` later if this incarnation is still up then. */
  later(delayMs: number, fn: () => void): void {
    const gen = this.generation;
    this.ctx.queue.after(delayMs, () => {
      if (this.up && gen === this.generation) fn();
    });
  }

  input(input: Input<SimBlock>): void {
    if (!this.up) return;
    this.execute(this.engine.handle(input));
  }

  private get nowMs(): number {
    return this.ctx.queue.nowMs;
  }

  private startHeight(height: number): void {
    this.input({ kind: 'start', height, schedule: this.ctx.scheduleAt(height), nowMs: this.nowMs });
  }

  /** Executes the engine's outputs in order; a crash part-way drops the rest, as a kill -9 would. */
  private execute(outputs: readonly Output<SimBlock>[]): void {
    for (const o of outputs) {
      if (!this.up) return;
      switch (o.kind) {
        case 'persist':
          this.durable.record = o.record;
          this.ctx.recorder.persisted(this, o.record);
          if (this.crashAfterPersist) this.crash();
          break;
        case 'broadcast':
          this.ctx.recorder.signedMessage(this, o.message);
          if (this.behaviour?.onBroadcast?.(this, o.message) !== true)
            this.broadcast({ kind: 'consensus', message: o.message });
          break;
        case 'scheduleTimeout': {
          const { height, round, step } = o;
          this.later(o.durationMs, () =>
            this.input({ kind: 'timeout', height, round, step, nowMs: this.nowMs }),
          );
          break;
        }
        case 'requestValue':
          this.later(1, () => this.buildValue(o.height, o.round));
          break;
        case 'validateValue': {
          const verdict = validateBlock(this.ctx.chainId, this.ctx.set, this.app, o.value) === null;
          const { height } = o;
          this.later(1, () =>
            this.input({
              kind: 'valueValidated',
              height,
              hash: o.value.hash,
              valid: verdict,
              nowMs: this.nowMs,
            }),
          );
          break;
        }
        case 'decide':
          this.commitBlock(o.value, o.commit);
          this.later(this.ctx.params.blockIntervalMs, () => {
            if (this.engine.height <= this.app.height) this.startHeight(this.app.height + 1);
          });
          break;
        case 'evidence':
          this.ctx.recorder.evidence(this, o.evidence);
          break;
      }
    }
  }

  buildValue(height: number, round: number): void {
    if (height !== this.app.height + 1 || this.publicKey === null) return;
    const txs = [...this.mempool].filter((tx) => !this.app.applied.has(tx)).slice(0, BLOCK_TXS_MAX);
    const fields = {
      height,
      prevHash: this.app.tipHash,
      lastCommit: this.app.tipCommit,
      txs,
      proposer: this.publicKey,
    };
    this.input({
      kind: 'valueReady',
      height,
      round,
      value: makeBlock(fields, this.ctx.set),
      nowMs: this.nowMs,
    });
  }

  broadcast(wire: Wire): void {
    for (const peer of this.peers) this.ctx.network.send(this.id, peer, wire);
  }

  sendTo(peer: number, wire: Wire): void {
    this.ctx.network.send(this.id, peer, wire);
  }

  /** Stores and applies a final block, unless it conflicts with ours: then it is a fork, and reported. */
  private commitBlock(block: SimBlock, commit: Commit): boolean {
    const ours = this.durable.chain[block.height - 1];
    if (ours !== undefined) {
      if (ours.block.hash !== block.hash) {
        const proof = checkConflictingCommit(this.ctx.chainId, this.ctx.set, ours.commit, commit);
        if (proof !== null) this.ctx.recorder.fork(this, proof);
      }
      return false;
    }
    if (block.height !== this.app.height + 1) return false;
    this.durable.chain.push({ block, commit });
    this.app.apply(block, commit);
    for (const tx of block.txs) this.mempool.delete(tx);
    this.ctx.recorder.committed(this, block, commit);
    return true;
  }

  submitTx(tx: string, gossip: boolean): 'accepted' | 'rejected' | 'full' {
    if (!this.up || !isValidTx(tx)) return 'rejected';
    if (this.app.applied.has(tx) || this.mempool.has(tx)) return 'accepted';
    if (this.mempool.size >= this.ctx.params.mempoolMax) return 'full';
    this.mempool.add(tx);
    this.ctx.recorder.mempoolSize(this.mempool.size);
    if (gossip) this.broadcast({ kind: 'tx', tx });
    return 'accepted';
  }

  private gossip(): void {
    if (this.behaviour?.onGossipTick !== undefined) this.behaviour.onGossipTick(this);
    for (const message of this.engine.gossipMessages()) {
      if (this.behaviour?.onBroadcast?.(this, message) !== true)
        this.broadcast({ kind: 'consensus', message });
    }
    this.broadcast({ kind: 'roundState', height: this.engine.height, round: this.engine.round });
  }

  /** Asks `peer` for blocks, at most a few times per sync interval. */
  private maybeSync(peer: number): void {
    if (this.nowMs - this.lastSyncRequestMs > this.ctx.params.syncIntervalMs / 4) this.requestSync(peer);
  }

  private requestSync(peer: number): void {
    this.lastSyncRequestMs = this.nowMs;
    this.sendTo(peer, { kind: 'syncRequest', fromHeight: this.app.height + 1 });
  }

  receive(from: number, wire: Wire): void {
    if (!this.up) return;
    this.behaviour?.onReceive?.(this, from, wire);
    switch (wire.kind) {
      case 'consensus': {
        const m = wire.message;
        const height = m.kind === 'vote' ? m.vote.height : m.proposal.height;
        // A message from a later height means we are behind: ask its sender for the blocks we lack.
        if (height > this.engine.height) this.maybeSync(from);
        if (m.kind === 'vote') this.input({ kind: 'vote', vote: m.vote, nowMs: this.nowMs });
        else this.input({ kind: 'proposal', proposal: m.proposal, value: m.value, nowMs: this.nowMs });
        break;
      }
      case 'tx':
        this.submitTx(wire.tx, false);
        break;
      case 'roundState':
        // Catch a peer up: it is behind us in this height, so relay what we hold for its round.
        if (wire.height === this.engine.height && wire.round < this.engine.round) {
          for (const message of this.engine.messagesForRound(wire.height, wire.round))
            this.sendTo(from, { kind: 'consensus', message });
        } else if (wire.height > this.engine.height) {
          this.maybeSync(from);
        }
        break;
      case 'syncRequest': {
        const entries = this.durable.chain.slice(
          wire.fromHeight - 1,
          wire.fromHeight - 1 + this.ctx.params.syncBatchMax,
        );
        if (entries.length > 0) this.sendTo(from, { kind: 'syncResponse', entries });
        break;
      }
      case 'syncResponse':
        this.applySynced(wire.entries);
        break;
    }
  }

  /** Block sync: trusts nothing but the validator set; each block needs a valid commit and must be valid. */
  private applySynced(entries: readonly { block: SimBlock; commit: Commit }[]): void {
    const before = this.app.height;
    for (const { block, commit } of entries) {
      if (commit.height !== block.height || commit.blockHash !== block.hash) return;
      try {
        verifyCommit(this.ctx.chainId, this.ctx.set, commit);
      } catch {
        return;
      }
      if (block.height <= this.app.height) {
        this.commitBlock(block, commit); // only checks for a conflict with our block
        continue;
      }
      if (validateBlock(this.ctx.chainId, this.ctx.set, this.app, block) !== null) return;
      this.commitBlock(block, commit);
    }
    if (this.app.height > before && this.engine.height <= this.app.height)
      this.startHeight(this.app.height + 1);
  }
}
