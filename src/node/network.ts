// The networked half of a node: the authenticated P2P transport, the consensus driver and block sync,
// wired to the node's ledger and mempool. Peers' messages are untrusted input: parsed by wire.ts,
// verified by the engine and the ledger, and never allowed to crash the node.
import type { Logger } from 'pino';
import type { TimeoutOptions } from '../consensus/index.ts';
import { evidenceOffender, type Evidence } from '../consensus/index.ts';
import type { CanonicalValue } from '../core/canonical.ts';
import { signTx, type SignedTx } from '../core/tx.ts';
import type { Clock } from './env.ts';
import { BlockSync } from './consensus/block-sync.ts';
import { ConsensusDriver, type DriverDependencies } from './consensus/driver.ts';
import { parseWireMessage, type WireMessage } from './consensus/wire.ts';
import type { KeyPair } from './keys.ts';
import type { Ledger } from './ledger.ts';
import type { Mempool } from './mempool.ts';
import { P2PTransport, type PeerAddress, type TransportHandlers } from './p2p/index.ts';
import type { PeerTransport } from './peer-transport.ts';
import type { ProducedBlock } from './solo-producer.ts';
import type { Candidate } from '../app/block.ts';
import { systemTimers } from './env.ts';
import { GovernedPeers } from './governed-peers.ts';
import { Relay, TIP_METHOD } from './relay.ts';

/** Answers one kind of node-to-node request (e.g. a forwarded read); errors go back as their code only. */
/** Consensus's pause after a commit before the next height, unless node.json sets consensus.commitPauseMs. */
export const DEFAULT_COMMIT_PAUSE_MS = 100;

export type PeerRequestHandler = (fromKey: string, params: unknown) => Promise<unknown>;

export interface NetworkOptions {
  readonly listenHost: string;
  readonly listenPort: number;
  /** Every member's P2P address; the node skips its own entry. */
  readonly peers: readonly PeerAddress[];
  readonly timeouts?: TimeoutOptions;
  readonly regossipIntervalMs?: number;
  readonly commitPauseMs?: number;
  readonly emptyBlockWaitMs?: number;
  /**
   * Bounded fan-out (relay.ts): dial at most this many peers, poll them for their tips and relay txs.
   * Absent: dial every peer, as a small network does.
   */
  readonly dialPeersMax?: number;
}

export interface NetworkDependencies {
  readonly ledger: Ledger;
  readonly mempool: Mempool;
  readonly key: KeyPair;
  readonly clock: Clock;
  readonly logger: Logger;
  onCommitted(block: ProducedBlock): void;
  /**
   * How this node reaches its peers (default: mutual-TLS P2P on options.listenHost/listenPort). The
   * simulator passes its own, on a virtual network it can delay, cut and corrupt.
   */
  readonly transport?: (handlers: TransportHandlers) => PeerTransport;
  /** Passed to the consensus driver: virtual timers, an observed record store, test-only engine options. */
  readonly driver?: Pick<DriverDependencies, 'timers' | 'records' | 'engine'>;
  /** Observes equivocation evidence as this node reports it (the simulator checks it names the guilty). */
  readonly onEvidence?: (evidence: Evidence) => void;
  /** Admits a tx gossiped by `peer` (the node's intake bounds each peer); throws when refused. */
  admitPeerTx?(peer: string, tx: unknown): Candidate;
}

export interface PeerStatus {
  readonly publicKey: string;
  readonly host: string;
  readonly port: number;
  readonly connected: boolean;
  readonly height: number | null;
}

export class NetworkRuntime {
  readonly transport: PeerTransport;
  readonly driver: ConsensusDriver;
  readonly sync: BlockSync;
  private readonly deps: NetworkDependencies;
  private readonly peerHeights = new Map<string, number>();
  private readonly requestHandlers = new Map<string, PeerRequestHandler>();
  /** Present with bounded fan-out (options.dialPeersMax). */
  readonly relay: Relay | undefined;
  private readonly governed: GovernedPeers;

  constructor(options: NetworkOptions, deps: NetworkDependencies) {
    this.deps = deps;
    const { ledger, key } = deps;
    // The allow-list and the dial list follow governance (governed-peers.ts), re-read after each commit.
    this.governed = new GovernedPeers(
      options.peers,
      { publicKey: key.publicKey, dialPeersMax: options.dialPeersMax },
      ledger.state,
    );
    const plan = this.governed.current;
    const handlers: TransportHandlers = {
      onMessages: (from, messages) => this.onMessages(from, messages),
      onRequest: (from, method, params) => this.onRequest(from, method, params),
    };
    this.transport =
      deps.transport?.(handlers) ??
      new P2PTransport(
        {
          key,
          listenHost: options.listenHost,
          listenPort: options.listenPort,
          peers: plan.peers,
          allowedKeys: plan.allowedKeys,
        },
        { logger: deps.logger, handlers },
      );
    this.driver = new ConsensusDriver(
      {
        chainId: ledger.chainId,
        // Every node holds its key: governance may make it a validator later (issue 15), and the engine
        // signs only at heights whose set includes it.
        key,
        ...(options.timeouts ? { timeouts: options.timeouts } : {}),
        regossipIntervalMs: options.regossipIntervalMs ?? 500,
        commitPauseMs: options.commitPauseMs ?? DEFAULT_COMMIT_PAUSE_MS,
        emptyBlockWaitMs: options.emptyBlockWaitMs ?? 1000,
      },
      {
        ...deps.driver,
        ledger,
        mempool: deps.mempool,
        clock: deps.clock,
        logger: deps.logger,
        broadcast: (message) => this.transport.broadcast(message),
        onCommitted: (block) => {
          this.governed.refresh(ledger.state, this.transport);
          deps.onCommitted(block);
        },
        onEvidence: (evidence) => this.submitEvidence(evidence),
      },
    );
    this.sync = new BlockSync({
      ledger,
      driver: this.driver,
      logger: deps.logger,
      request: (peer, method, params) => this.transport.request(peer, method, params),
    });
    this.relay =
      options.dialPeersMax === undefined
        ? undefined
        : new Relay(
            {
              pollIntervalMs: options.regossipIntervalMs ?? 500,
              validator: () => this.governed.current.validator,
            },
            {
              transport: this.transport,
              sync: this.sync,
              mempool: deps.mempool,
              timers: deps.driver?.timers ?? systemTimers,
              logger: deps.logger,
            },
          );
  }

  get isValidator(): boolean {
    return this.deps.ledger.validatorSet.validators.some((v) => v.publicKey === this.deps.key.publicKey);
  }

  async start(): Promise<{ port: number }> {
    const listening = await this.transport.start();
    this.driver.start();
    this.relay?.start();
    return listening;
  }

  async stop(): Promise<void> {
    this.relay?.stop();
    this.driver.stop();
    await this.transport.stop();
  }

  /** Gossips a tx accepted into our mempool, so whichever validator proposes next can include it. */
  gossipTx(tx: SignedTx): void {
    this.transport.broadcast({ t: 'txs', txs: [tx] } satisfies WireMessage);
  }

  /**
   * Commits equivocation evidence: a `consensus.evidence` tx signed with this node's key, into our
   * mempool and gossiped like any tx. If several nodes report the same offence, the chain keeps one.
   */
  private submitEvidence(evidence: Evidence): void {
    const { ledger, mempool, key, logger } = this.deps;
    logger.warn(
      { kind: evidence.kind, offender: evidenceOffender(evidence) },
      'validator equivocated; reporting',
    );
    this.deps.onEvidence?.(evidence);
    try {
      const tx = signTx(key.seed, {
        chainId: ledger.chainId,
        type: 'consensus.evidence',
        payload: { evidence } as unknown as CanonicalValue,
        nonce: mempool.nextNonce(key.publicKey),
      });
      mempool.add(tx);
      this.gossipTx(tx);
    } catch (err) {
      logger.warn({ err }, 'could not submit evidence');
    }
  }

  peers(): PeerStatus[] {
    return this.transport.peers().map((p) => ({
      publicKey: p.publicKey,
      host: p.host,
      port: p.port,
      connected: p.connected,
      height: this.peerHeights.get(p.publicKey) ?? null,
    }));
  }

  private onMessages(from: string, messages: readonly unknown[]): void {
    for (const raw of messages) {
      const message = parseWireMessage(raw);
      if (message === undefined) continue;
      try {
        this.route(from, message);
      } catch (err) {
        this.deps.logger.warn({ err, peer: from.slice(0, 16), kind: message.t }, 'peer message failed');
      }
    }
  }

  private route(from: string, message: WireMessage): void {
    switch (message.t) {
      case 'vote':
      case 'proposal':
        this.driver.onPeerMessage(message);
        break;
      case 'txs':
        for (const tx of message.txs) {
          try {
            const accepted = this.deps.admitPeerTx?.(from, tx) ?? this.deps.mempool.add(tx);
            this.relay?.onAcceptedTx(from, accepted.hash, tx);
          } catch {
            // Duplicates, and txs another node accepted first, are expected; invalid ones are dropped.
          }
        }
        break;
      case 'status':
        this.peerHeights.set(from, message.height);
        // With bounded fan-out, a node that dials us is not one we can send to or ask: our own polls
        // of the peers we dial bring us the chain.
        if (this.relay !== undefined && !this.relay.dials(from)) break;
        this.sync.onPeerHeight(from, message.height);
        for (const m of this.driver.messagesForPeerAt(message.consensusHeight, message.round)) {
          this.transport.send(from, m);
        }
        break;
    }
  }

  /** Serves `method` requests from peers; one handler per method, registered before traffic arrives. */
  handleRequests(method: string, handler: PeerRequestHandler): void {
    if (method === 'blocks' || method === TIP_METHOD || this.requestHandlers.has(method)) {
      throw new Error(`a handler for ${method} is already registered`);
    }
    this.requestHandlers.set(method, handler);
  }

  /** Asks one peer (by node key); rejects with the peer's error code, or on timeout. */
  request(peerKey: string, method: string, params: unknown): Promise<unknown> {
    return this.transport.request(peerKey, method, params);
  }

  private onRequest(from: string, method: string, params: unknown): Promise<unknown> {
    if (method === 'blocks') return Promise.resolve(this.sync.serve(params));
    // Answered by every node, relaying or not: a member with bounded fan-out may dial any of them.
    if (method === TIP_METHOD) return Promise.resolve({ height: this.deps.ledger.tip().height });
    const handler = this.requestHandlers.get(method);
    if (handler !== undefined) return handler(from, params);
    return Promise.reject(new Error(`unknown request ${method}`));
  }
}
