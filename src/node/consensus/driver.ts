// The consensus driver: the IO shell around the pure Tendermint engine (src/consensus). It feeds the
// engine time, peer messages and timeouts, and carries out its outputs in order: persist (durably,
// before anything signed leaves), broadcast, schedule timeouts, build or check blocks through the
// ledger, and store decided blocks with their commits.
import type { Logger } from 'pino';
import {
  ConsensusEngine,
  genesisSchedule,
  nextHeightSchedule,
  type ConsensusMessage,
  type ConsensusRecord,
  type EngineOptions,
  type Evidence,
  type Input,
  type Output,
  type ProposerSchedule,
  type TimeoutOptions,
} from '../../consensus/index.ts';
import { CoreError } from '../../core/errors.ts';
import { BLOCK_TXS_MAX } from '../../core/limits.ts';
import type { Commit } from '../../core/vote.ts';
import { systemTimers, type Clock, type TimerHandle, type Timers } from '../env.ts';
import type { KeyPair } from '../keys.ts';
import type { Ledger, PreparedBlock } from '../ledger.ts';
import type { Mempool } from '../mempool.ts';
import type { ProducedBlock } from '../solo-producer.ts';
import { checkBlockTxs, VerifiedTxCache } from './block-check.ts';
import { ConsensusRecordStore } from './record-store.ts';
import { blockValue, type BlockValue, type WireMessage } from './wire.ts';

export interface DriverOptions {
  readonly chainId: string;
  /** Absent: the node follows the chain and never signs; present, it signs at heights whose set holds it. */
  readonly key?: KeyPair;
  readonly timeouts?: TimeoutOptions;
  /** How often our own current-round messages are re-sent, to recover from lost messages. */
  readonly regossipIntervalMs: number;
  /**
   * Pause after a commit before the next height starts (Tendermint's timeout_commit): lets late
   * precommits arrive and txs gather, so blocks are fewer and fuller.
   */
  readonly commitPauseMs: number;
  /** A proposer with an empty mempool waits up to this long for txs before proposing an empty block. */
  readonly emptyBlockWaitMs: number;
}

export interface DriverDependencies {
  readonly ledger: Ledger;
  readonly mempool: Mempool;
  readonly clock: Clock;
  readonly logger: Logger;
  broadcast(message: WireMessage): void;
  /** Called after a block is stored, whether decided here or received by block sync. */
  onCommitted(block: ProducedBlock): void;
  /** Called with proof that a validator equivocated, to be committed on chain. */
  onEvidence(evidence: Evidence): void;
  /** Timeouts and re-gossip; the simulator passes timers on virtual time (default: the system's). */
  readonly timers?: Timers;
  /**
   * Where the engine's restart record is kept (default: the ledger's database). The simulator wraps
   * the real store to observe each save and to crash right after one, before anything is sent.
   */
  readonly records?: ConsensusRecordPort;
  /**
   * Simulator and tests only, never set in a node: a signature-verdict cache shared by many simulated
   * nodes, and the engine's deliberate bugs that prove the simulator's checks can fail.
   */
  readonly engine?: Pick<EngineOptions<BlockValue>, 'verifier' | 'unsafe'>;
}

/** The engine's restart record, loaded once at start and saved before anything it covers is sent. */
export interface ConsensusRecordPort {
  load(): ConsensusRecord<BlockValue> | undefined;
  save(record: ConsensusRecord<BlockValue>): void;
}

/**
 * The proposer schedule of `height` (the one after the ledger's tip, or later if no set activates
 * before it): priorities start afresh when its set
 * became active (height 1 for genesis' set, app/chain-sets.ts) and advance once per height since
 * (proposer.ts), so every node derives the same rotation from the chain alone.
 */
export function scheduleAtHeight(ledger: Ledger, height: number): ProposerSchedule {
  const { next, nextActivatedAt } = ledger.chainSets();
  let schedule = genesisSchedule(next);
  for (let h = nextActivatedAt; h < height; h++) schedule = nextHeightSchedule(schedule);
  return schedule;
}

export class ConsensusDriver {
  private readonly options: DriverOptions;
  private readonly deps: DriverDependencies;
  private readonly engine: ConsensusEngine<BlockValue>;
  private readonly records: ConsensusRecordPort;
  private readonly timers: Timers;
  private schedule: ProposerSchedule;
  private height: number;
  /** Blocks of the current height already checked (or built) by us, by hash. */
  private prepared = new Map<string, PreparedBlock>();
  private readonly verifiedTxs = new VerifiedTxCache();
  private readonly pendingTimers = new Set<TimerHandle>();
  private regossipTimer: TimerHandle = undefined;
  private readonly queue: Input<BlockValue>[] = [];
  private running = false;
  private stopped = false;
  /** Set while this node, as proposer, waits on an empty mempool: the next admitted tx calls it. */
  private txWaiter: (() => void) | undefined;

  constructor(options: DriverOptions, deps: DriverDependencies) {
    this.options = options;
    this.deps = deps;
    this.timers = deps.timers ?? systemTimers;
    this.records = deps.records ?? new ConsensusRecordStore(deps.ledger.store.port);
    const record = this.records.load();
    this.engine = new ConsensusEngine<BlockValue>({
      ...deps.engine,
      chainId: options.chainId,
      // A next-height proposal counts against its proposer's buffer budget at its block's size as JSON
      // (the form it arrived in), measured only once the cheap checks (validator, proposer) passed.
      valueBytes: (value) => JSON.stringify(value.block).length,
      ...(options.key ? { seed: options.key.seed } : {}),
      ...(options.timeouts ? { timeouts: options.timeouts } : {}),
      ...(record ? { record } : {}),
    });
    this.height = deps.ledger.tip().height + 1;
    this.schedule = scheduleAtHeight(deps.ledger, this.height);
    deps.mempool.onAdded(() => {
      const waiter = this.txWaiter;
      this.txWaiter = undefined;
      waiter?.();
    });
  }

  get currentHeight(): number {
    return this.height;
  }

  get round(): number {
    return this.engine.round;
  }

  start(): void {
    this.input({ kind: 'start', height: this.height, schedule: this.schedule, nowMs: this.now() });
    this.regossipTimer = this.timers.setInterval(() => this.regossip(), this.options.regossipIntervalMs);
  }

  stop(): void {
    this.stopped = true;
    this.txWaiter = undefined;
    this.timers.clearInterval(this.regossipTimer);
    for (const timer of this.pendingTimers) this.timers.clearTimeout(timer);
    this.pendingTimers.clear();
  }

  /** A consensus message from a peer (already shape-checked by wire.ts). */
  onPeerMessage(message: WireMessage): void {
    if (message.t === 'vote') {
      this.input({ kind: 'vote', vote: message.vote, nowMs: this.now() });
    } else if (message.t === 'proposal') {
      const value = blockValue(message.block);
      if (value === undefined || value.hash !== message.proposal.blockHash) return;
      this.input({ kind: 'proposal', proposal: message.proposal, value, nowMs: this.now() });
    }
  }

  /** After block sync stored blocks past our height: move the engine to the new tip + 1. */
  resyncToTip(): void {
    const next = this.deps.ledger.tip().height + 1;
    if (next <= this.height) return;
    this.height = next;
    this.schedule = scheduleAtHeight(this.deps.ledger, next);
    this.prepared.clear();
    this.input({ kind: 'start', height: next, schedule: this.schedule, nowMs: this.now() });
  }

  /** Checks a peer's block for the current tip (txs' signatures, then full re-execution). */
  prepareForeignBlock(value: BlockValue): PreparedBlock {
    const cached = this.prepared.get(value.hash);
    if (cached !== undefined) return cached;
    const { ledger, mempool } = this.deps;
    const encoded = checkBlockTxs(value.block, this.options.chainId, (h) => mempool.has(h), this.verifiedTxs);
    const prepared = ledger.prepareBlock(value.block, encoded);
    this.prepared.set(value.hash, prepared);
    return prepared;
  }

  private now(): number {
    return this.deps.clock.nowMs();
  }

  /** Inputs are queued so that outputs which produce inputs (valueReady, start) never re-enter. */
  private input(input: Input<BlockValue>): void {
    if (this.stopped) return;
    this.queue.push(input);
    if (this.running) return;
    this.running = true;
    try {
      for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) {
        for (const output of this.engine.handle(next)) this.execute(output);
      }
    } finally {
      this.running = false;
    }
  }

  private execute(output: Output<BlockValue>): void {
    switch (output.kind) {
      case 'persist':
        this.records.save(output.record);
        break;
      case 'broadcast':
        this.deps.broadcast(toWire(output.message));
        break;
      case 'scheduleTimeout': {
        const { height, round, step } = output;
        this.later(output.durationMs, () =>
          this.input({ kind: 'timeout', height, round, step, nowMs: this.now() }),
        );
        break;
      }
      case 'requestValue':
        this.buildWhenReady(output.height, output.round, this.now() + this.options.emptyBlockWaitMs);
        break;
      case 'validateValue':
        this.validateValue(output.height, output.value);
        break;
      case 'decide':
        this.decide(output.value, output.commit);
        break;
      case 'evidence':
        this.deps.onEvidence(output.evidence);
        break;
    }
  }

  /**
   * Builds at once if txs are pending; else waits for the first tx to be admitted, or for the deadline
   * and then builds an empty block. Woken by the tx itself, not by polling: a tx that reaches an idle
   * chain is proposed within the same turn of the event loop, which is what a query waiting on its
   * committed spend (a beacon's budget) waits for.
   */
  private buildWhenReady(height: number, round: number, deadlineMs: number): void {
    if (this.deps.mempool.size > 0 || this.now() >= deadlineMs) {
      this.buildValue(height, round);
      return;
    }
    let woken = false;
    const wake = (): void => {
      if (woken) return;
      woken = true;
      this.txWaiter = undefined;
      if (this.engine.round === round && this.height === height)
        this.buildWhenReady(height, round, deadlineMs);
    };
    // Through a timer even for a tx: never inside the mempool's add, whose caller is mid-request.
    this.txWaiter = () => this.later(0, wake);
    this.later(Math.max(0, deadlineMs - this.now()), wake);
  }

  private buildValue(height: number, round: number): void {
    const { ledger, mempool } = this.deps;
    if (height !== ledger.tip().height + 1 || this.options.key === undefined) return;
    const lastCommit = height === 1 ? null : (ledger.store.commit(height - 1) ?? null);
    const { prepared } = ledger.buildBlock(
      mempool.reap(BLOCK_TXS_MAX),
      this.options.key.publicKey,
      lastCommit,
    );
    this.prepared.set(prepared.hash, prepared);
    const value: BlockValue = {
      hash: prepared.hash,
      timeMs: prepared.block.header.timeMs,
      block: prepared.block,
    };
    this.input({ kind: 'valueReady', height, round, value, nowMs: this.now() });
  }

  private validateValue(height: number, value: BlockValue): void {
    let valid = false;
    if (height === this.deps.ledger.tip().height + 1) {
      try {
        this.prepareForeignBlock(value);
        valid = true;
      } catch (err) {
        if (!(err instanceof CoreError)) throw err;
        this.deps.logger.warn({ height, code: err.code, reason: err.message }, 'invalid proposal');
      }
    }
    this.input({ kind: 'valueValidated', height, hash: value.hash, valid, nowMs: this.now() });
  }

  private decide(value: BlockValue, commit: Commit): void {
    const decided = value.block.header.height;
    const stored =
      decided <= this.deps.ledger.tip().height ? this.deps.ledger.store.block(decided) : undefined;
    if (stored !== undefined && stored.hash === value.hash) {
      // Block sync stored this very block first; nothing to apply, move on.
      this.resyncToTip();
      return;
    }
    try {
      this.commitBlock(value, commit);
    } catch (err) {
      // More than 2/3 of the power committed a block this node cannot apply: a determinism bug or a
      // corrupted store. Going on would fork this node from the rest, so it stops deciding.
      this.deps.logger.fatal({ err, height: decided }, 'cannot apply a committed block; halting');
      this.stop();
      return;
    }
    this.height = this.deps.ledger.tip().height + 1;
    // A set activating at the new height starts its own rotation; otherwise the current one advances.
    this.schedule =
      this.deps.ledger.chainSets().nextActivatedAt === this.height
        ? scheduleAtHeight(this.deps.ledger, this.height)
        : nextHeightSchedule(this.schedule);
    const next = this.height;
    this.later(this.options.commitPauseMs, () => {
      if (this.height !== next) return; // block sync moved past it meanwhile
      this.input({ kind: 'start', height: next, schedule: this.schedule, nowMs: this.now() });
    });
  }

  private later(delayMs: number, fn: () => void): void {
    const timer = this.timers.setTimeout(() => {
      this.pendingTimers.delete(timer);
      fn();
    }, delayMs);
    this.pendingTimers.add(timer);
  }

  /**
   * Checks and stores a block with its commit (decided here, or fetched by block sync), then updates
   * the mempool and tells the node. The caller has verified the commit or produced it.
   */
  commitBlock(value: BlockValue, commit: Commit): void {
    const { ledger, mempool } = this.deps;
    const prepared = this.prepareForeignBlock(value);
    ledger.commitBlock(prepared, commit);
    this.prepared.clear();
    const tip = ledger.tip();
    mempool.update(prepared.write.txHashes, {
      chainId: ledger.chainId,
      state: ledger.store.latestState,
      nextHeight: tip.height + 1,
      timeMs: tip.timeMs,
    });
    this.deps.onCommitted({ height: tip.height, hash: prepared.hash, txHashes: prepared.write.txHashes });
  }

  private regossip(): void {
    for (const message of this.engine.gossipMessages()) this.deps.broadcast(toWire(message));
    this.deps.broadcast({
      t: 'status',
      height: this.deps.ledger.tip().height,
      consensusHeight: this.height,
      round: this.engine.round,
    });
  }

  /**
   * The messages of an earlier round of our height, for a peer that reports being stuck in it: with
   * them it can finish that round or see the quorum that moved the rest of us on.
   */
  messagesForPeerAt(height: number, round: number): WireMessage[] {
    if (height !== this.height || round >= this.engine.round) return [];
    return this.engine.messagesForRound(height, round).map(toWire);
  }
}

function toWire(message: ConsensusMessage<BlockValue>): WireMessage {
  return message.kind === 'vote'
    ? { t: 'vote', vote: message.vote }
    : { t: 'proposal', proposal: message.proposal, block: message.value.block };
}
