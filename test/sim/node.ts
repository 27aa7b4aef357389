// One simulated node: the real node code on simulated time, transport and disk. Each node has a real
// Ledger on the memory storage backend (which survives its crashes: it is the node's disk), and each
// incarnation a
// real Mempool and a real NetworkRuntime (consensus driver, block sync, message routing, evidence
// reporting), whose timers run on the event queue and whose transport is the simulated network.
// A crash ends the incarnation mid-step, as kill -9 would: with `crashAfterPersist`, right after the
// consensus record is saved and before anything it covers is sent.
import pino, { type Logger } from 'pino';
import type { TimeoutOptions, Verifier } from '../../src/consensus/index.ts';
import { CoreError } from '../../src/core/errors.ts';
import type { SignedTx } from '../../src/core/tx.ts';
import type { ValidatorSet } from '../../src/core/validators.ts';
import type { Genesis } from '../../src/core/genesis.ts';
import type { ConsensusRecordPort } from '../../src/node/consensus/driver.ts';
import { ConsensusRecordStore } from '../../src/node/consensus/record-store.ts';
import type { WireMessage } from '../../src/node/consensus/wire.ts';
import { NodeError } from '../../src/node/errors.ts';
import type { KeyPair } from '../../src/node/keys.ts';
import { Ledger } from '../../src/node/ledger.ts';
import { DEFAULT_MEMPOOL_OPTIONS, Mempool } from '../../src/node/mempool.ts';
import { NetworkRuntime } from '../../src/node/network.ts';
import type { PeerTransport } from '../../src/node/peer-transport.ts';
import type { TransportHandlers } from '../../src/node/p2p/index.ts';
import type { ProducedBlock } from '../../src/node/solo-producer.ts';
import { MemoryStorage } from '../../src/node/storage/index.ts';
import { IncarnationTimers, skewedClock } from './env.ts';
import type { EventQueue, Network } from './network.ts';
import type { Rng } from './prng.ts';
import type { Recorder } from './recorder.ts';

/** What travels between simulated nodes: gossip, and block-sync requests with their answers. */
export type Packet =
  | { readonly kind: 'gossip'; readonly message: unknown }
  | { readonly kind: 'request'; readonly id: number; readonly method: string; readonly params: unknown }
  | { readonly kind: 'response'; readonly id: number; readonly ok: boolean; readonly value: unknown };

export interface SimParams {
  readonly regossipIntervalMs: number;
  readonly commitPauseMs: number;
  readonly emptyBlockWaitMs: number;
  readonly requestTimeoutMs: number;
  readonly mempoolTxsMax: number;
  readonly timeouts: TimeoutOptions;
}

export interface SimContext {
  readonly genesis: Genesis;
  readonly set: ValidatorSet;
  readonly queue: EventQueue;
  readonly network: Network<Packet>;
  readonly rng: Rng;
  readonly verifier: Verifier;
  readonly params: SimParams;
  readonly recorder: Recorder;
  readonly nodeIds: () => readonly number[];
  /** Test-only engine breakage, applied to honest nodes to prove the checks can fail. */
  readonly unsafe?: { ignoreLocks?: boolean; forgetSigned?: boolean };
  /** Called whenever promise callbacks may be pending, so the run lets them settle before going on. */
  asyncWork(): void;
}

/** Byzantine behaviour hooks; an honest node has none. */
export interface Behaviour {
  readonly name: string;
  /** Sends its own version of one of our broadcasts; returns true if it did (the original is not sent). */
  onBroadcast?(node: SimNode, message: WireMessage): boolean;
  onReceive?(node: SimNode, from: number, message: unknown): void;
  /** Answers a peer's request (block sync) its own way; gets the honest answer. */
  answerRequest?(node: SimNode, method: string, params: unknown, honest: unknown): unknown;
}

/** Thrown by a crash inside a step, to unwind it as kill -9 would; caught where the step began. */
class SimCrash extends Error {}

export class SimNode {
  /** The node's disk: survives crashes. */
  private readonly storage = new MemoryStorage();
  readonly ledger: Ledger;
  /** The height when the run ended and the storage was freed. */
  private finalHeight: number | undefined;
  /** The set that signed the tip when the run ended. */
  private finalSigningSet: ValidatorSet | undefined;
  up = false;
  /** Crash right after the next persist, before what follows it is sent. */
  crashAfterPersist = false;
  mempool: Mempool | undefined;
  runtime: NetworkRuntime | undefined;
  /** Times each tx hash was committed by this node, observed from its ledger's commits. */
  readonly applied = new Map<string, number>();
  private generation = 0;
  private handlers: TransportHandlers | undefined;
  private readonly pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: unknown) => void }
  >();
  private nextRequestId = 0;
  private readonly logger: Logger;

  constructor(
    readonly ctx: SimContext,
    readonly id: number,
    readonly key: KeyPair,
    readonly honest: boolean,
    readonly behaviour: Behaviour | null,
    /** How far this node's clock is from true (virtual) time. */
    readonly skewMs: number,
    /**
     * Bounded fan-out (fanout.ts): the only nodes this one dials, so the only ones it sends to and asks,
     * as with the real transport; with `relay`, the node runs the real relay (src/node/relay.ts).
     * Absent: it dials every node.
     */
    readonly fanout?: { readonly dials: readonly number[]; readonly relay: boolean },
  ) {
    this.ledger = Ledger.open(this.storage, ctx.genesis);
    this.logger = pino(
      { level: 'error', base: null, timestamp: false },
      { write: (line: string) => ctx.recorder.logged(this, line) },
    );
  }

  get publicKey(): string {
    return this.key.publicKey;
  }

  get height(): number {
    return this.finalHeight ?? this.ledger.tip().height;
  }

  /** The set that signed this node's tip (genesis' before the first block). */
  get signingSet(): ValidatorSet {
    return this.finalSigningSet ?? this.ledger.chainSets().last;
  }

  get peers(): number[] {
    return this.fanout?.dials.slice() ?? this.ctx.nodeIds().filter((id) => id !== this.id);
  }

  /** Sending or asking a node we do not dial fails, as the real transport's does. */
  private dialled(peer: number): void {
    if (this.fanout !== undefined && !this.fanout.dials.includes(peer)) {
      throw new NodeError('p2p.unknown_peer', 'not a peer this node dials');
    }
  }

  boot(): void {
    const generation = ++this.generation;
    this.up = true;
    const { ctx } = this;
    const alive = () => this.up && this.generation === generation;
    const timers = new IncarnationTimers(ctx.queue, alive, (run) => this.guard(run));
    const tip = this.ledger.tip();
    this.mempool = new Mempool(
      {
        ...DEFAULT_MEMPOOL_OPTIONS,
        txsMax: ctx.params.mempoolTxsMax,
        // The production reservation (5,000 txs for member nodes' own txs) is larger than the simulated
        // mempool; keep the same rule at the same proportion so the clients' txs have room.
        priorityReservedTxs: Math.floor(ctx.params.mempoolTxsMax / 10),
      },
      {
        chainId: this.ledger.chainId,
        state: this.ledger.store.latestState,
        nextHeight: tip.height + 1,
        timeMs: tip.timeMs,
      },
      undefined,
      this.ledger.effects,
    );
    const store = new ConsensusRecordStore(this.ledger.store.port);
    const records: ConsensusRecordPort = {
      load: () => store.load(),
      save: (record) => {
        store.save(record);
        ctx.recorder.persisted(this, record);
        if (this.crashAfterPersist) {
          this.crash();
          throw new SimCrash('crashed after persisting');
        }
      },
    };
    const unsafe = this.honest ? ctx.unsafe : undefined;
    this.runtime = new NetworkRuntime(
      {
        listenHost: 'sim',
        listenPort: 0,
        peers: [],
        timeouts: ctx.params.timeouts,
        regossipIntervalMs: ctx.params.regossipIntervalMs,
        commitPauseMs: ctx.params.commitPauseMs,
        emptyBlockWaitMs: ctx.params.emptyBlockWaitMs,
        ...(this.fanout?.relay === true ? { dialPeersMax: this.fanout.dials.length } : {}),
      },
      {
        ledger: this.ledger,
        mempool: this.mempool,
        key: this.key,
        clock: skewedClock(ctx.queue, this.skewMs),
        logger: this.logger,
        onCommitted: (block) => this.onCommitted(block),
        onEvidence: (evidence) => ctx.recorder.evidence(this, evidence),
        transport: (handlers) => {
          this.handlers = handlers;
          return this.transport(alive, timers);
        },
        driver: {
          timers,
          records,
          engine: { verifier: ctx.verifier, ...(unsafe !== undefined ? { unsafe } : {}) },
        },
      },
    );
    ctx.asyncWork();
    void this.runtime.start().catch((err: unknown) => ctx.recorder.threw(this, err));
  }

  crash(): void {
    if (!this.up) return;
    this.up = false;
    this.generation++; // timers and requests of this incarnation now do nothing
    this.runtime?.driver.stop();
    this.pending.clear(); // a request in flight never settles: its caller died with the process
    this.crashAfterPersist = false;
  }

  /** Ends the run: stops every timer and frees the storage, keeping what the checks read. */
  stop(): void {
    this.generation++;
    this.runtime?.driver.stop();
    this.pending.clear();
    this.finalHeight = this.ledger.tip().height;
    this.finalSigningSet = this.ledger.chainSets().last;
    this.storage.close();
  }

  /** Runs one step of this node; what it throws would kill a real node, so it is reported. */
  guard(run: () => void): void {
    try {
      run();
    } catch (err) {
      if (err instanceof SimCrash) return;
      this.ctx.recorder.threw(this, err);
      this.crash();
    }
  }

  /** A client's tx, as CarechainNode.submit takes it: into the mempool, then gossiped. */
  submitTx(tx: SignedTx): 'accepted' | 'rejected' | 'full' {
    if (!this.up || this.mempool === undefined || this.runtime === undefined) return 'rejected';
    try {
      const candidate = this.mempool.add(tx);
      this.ctx.recorder.mempoolSize(this.mempool.size);
      this.runtime.gossipTx(candidate.tx);
      return 'accepted';
    } catch (err) {
      if (err instanceof CoreError && err.code === 'mempool.full') return 'full';
      if (err instanceof CoreError && err.code === 'mempool.duplicate') return 'accepted';
      return 'rejected';
    }
  }

  private onCommitted(block: ProducedBlock): void {
    for (const hash of block.txHashes) this.applied.set(hash, (this.applied.get(hash) ?? 0) + 1);
    this.ctx.recorder.committed(this, block.height, block.txHashes);
  }

  /** Sends one gossip message to one peer, observed first by the recorder. */
  sendGossip(peer: number, message: WireMessage): void {
    this.ctx.recorder.sent(this, message);
    this.ctx.network.send(this.id, peer, { kind: 'gossip', message });
  }

  private transport(alive: () => boolean, timers: IncarnationTimers): PeerTransport {
    return {
      start: () => Promise.resolve({ port: 0 }),
      stop: () => Promise.resolve(),
      broadcast: (message) => {
        if (!alive()) return;
        const wire = message as WireMessage;
        if (this.behaviour?.onBroadcast?.(this, wire) === true) return;
        for (const peer of this.peers) this.sendGossip(peer, wire);
      },
      send: (peerKey, message) => {
        this.dialled(nodeIdOf(peerKey));
        if (alive()) this.sendGossip(nodeIdOf(peerKey), message as WireMessage);
      },
      request: (peerKey, method, params) =>
        new Promise((resolve, reject) => {
          if (!alive()) return; // never settles, like a call made by a process being killed
          this.dialled(nodeIdOf(peerKey));
          const id = this.nextRequestId++;
          this.pending.set(id, { resolve, reject });
          this.ctx.network.send(this.id, nodeIdOf(peerKey), { kind: 'request', id, method, params });
          timers.setTimeout(() => {
            if (!this.pending.delete(id)) return;
            this.ctx.asyncWork();
            reject(new NodeError('p2p.timeout', 'request timed out', { method }));
          }, this.ctx.params.requestTimeoutMs);
        }),
      // The peers we dial, as the relay asks for them (absent fan-out, the runtime never asks).
      peers: () =>
        (this.fanout?.dials ?? []).map((peer) => ({
          publicKey: addressOf(peer),
          host: 'sim',
          port: 0,
          connected: true,
          lastSeenMs: null,
          queued: 0,
        })),
    };
  }

  /** A packet from the network. */
  deliver(from: number, packet: Packet): void {
    if (!this.up || this.handlers === undefined) return;
    const handlers = this.handlers;
    this.guard(() => {
      switch (packet.kind) {
        case 'gossip':
          this.behaviour?.onReceive?.(this, from, packet.message);
          handlers.onMessages(addressOf(from), [packet.message]);
          if (this.mempool !== undefined) this.ctx.recorder.mempoolSize(this.mempool.size);
          break;
        case 'request':
          this.answer(from, packet, handlers);
          break;
        case 'response': {
          const waiting = this.pending.get(packet.id);
          if (waiting === undefined) return;
          this.pending.delete(packet.id);
          this.ctx.asyncWork();
          if (packet.ok) waiting.resolve(packet.value);
          else waiting.reject(new NodeError(String(packet.value), 'the peer refused the request'));
          break;
        }
      }
    });
  }

  private answer(from: number, request: Packet & { kind: 'request' }, handlers: TransportHandlers): void {
    const generation = this.generation;
    const reply = (ok: boolean, value: unknown) => {
      if (!this.up || this.generation !== generation) return;
      const answer =
        ok && this.behaviour?.answerRequest !== undefined
          ? this.behaviour.answerRequest(this, request.method, request.params, value)
          : value;
      this.ctx.network.send(this.id, from, { kind: 'response', id: request.id, ok, value: answer });
    };
    this.ctx.asyncWork();
    handlers.onRequest(addressOf(from), request.method, request.params).then(
      (value) => reply(true, value),
      (err: unknown) => reply(false, err instanceof CoreError ? err.code : 'p2p.remote_error'),
    );
  }
}

/** Peers are addressed by node, not by key: a twin shares its validator's key. */
function addressOf(id: number): string {
  return `sim-node-${id}`;
}

function nodeIdOf(address: string): number {
  return Number(address.slice('sim-node-'.length));
}
