// The node-to-node transport: mutual TLS 1.3 over node:http2. TLS encrypts and, with each node's
// certificate carrying its Ed25519 node key, authenticates both ends; HTTP/2 frames and multiplexes.
// We add only the allow-list check, JSON bodies and bounded queues. Each node dials every peer and
// sends over its own outbound connection; it receives over connections the peers dialled to it.
//
// Gossip is per-peer FIFO with one batch in flight. A batch cut off by a failed connection is sent
// again after the redial, so a receiver can see a message twice (never out of order); a message is
// lost only when a bound drops it or the peer refuses it, and each such loss is counted in stats().
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../env.ts';
import { NodeError } from '../errors.ts';
import type { KeyPair } from '../keys.ts';
import { createTlsIdentity, keyId } from './identity.ts';
import { InboundServer } from './inbound.ts';
import { PeerLink, type LinkContext, type PeerAddress } from './link.ts';
import type { Counters, TransportHandlers, TransportStats } from './types.ts';
import { METHOD_PATTERN, toJson } from './wire.ts';

export type { PeerAddress } from './link.ts';
export type { Counters, TransportHandlers, TransportStats } from './types.ts';

export interface TransportOptions {
  readonly key: KeyPair;
  readonly listenHost: string;
  /** 0 picks a free port; start() reports it. */
  readonly listenPort: number;
  /** Whom to dial. Every peer's key must be in allowedKeys; our own entry, if listed, is skipped. */
  readonly peers: readonly PeerAddress[];
  /** Hex node keys allowed on either end of a connection (governance may change them: follow()). */
  readonly allowedKeys: ReadonlySet<string>;
  /** Largest body sent or accepted: a gossip batch, a request or an answer. All nodes should agree. */
  readonly messageBytesMax?: number;
  /** Per-peer outbound queue bounds; past either, the oldest messages are dropped and counted. */
  readonly queueMessagesMax?: number;
  readonly queueBytesMax?: number;
  readonly reconnectDelayMs?: number;
  /**
   * Each outbound connection is PINGed this often and dropped when a PING goes unanswered for one
   * interval; an inbound one is dropped after six intervals without a PING. All nodes should agree.
   */
  readonly pingIntervalMs?: number;
}

export interface TransportDependencies {
  readonly logger: Logger;
  readonly handlers: TransportHandlers;
  readonly clock?: Clock;
}

export interface PeerInfo {
  readonly publicKey: string;
  readonly host: string;
  readonly port: number;
  /** Our outbound connection is up: the peer proved its key and answered a PING. */
  readonly connected: boolean;
  /** When the peer last answered us or sent us anything, in the clock's milliseconds. */
  readonly lastSeenMs: number | null;
  readonly queued: number;
}

const MIB = 1024 * 1024;
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

export class P2PTransport {
  private readonly options: TransportOptions;
  private readonly deps: TransportDependencies;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly messageBytesMax: number;
  private readonly pingIntervalMs: number;
  private readonly links = new Map<string, PeerLink>();
  private readonly counters: Counters = {
    messagesSent: 0,
    messagesReceived: 0,
    messagesDropped: 0,
    bodiesRefused: 0,
    connectionsOpened: 0,
    connectionsRefused: 0,
  };
  /** The allow-list the inbound server checks; follow() changes it in place. */
  private readonly allowed: Set<string>;
  private peerList: readonly PeerAddress[];
  private context: LinkContext | null = null;
  private server: InboundServer | null = null;
  private state: 'new' | 'started' | 'stopped' = 'new';

  constructor(options: TransportOptions, deps: TransportDependencies) {
    checkPeers(options.peers, options.allowedKeys);
    this.options = options;
    this.allowed = new Set(options.allowedKeys);
    this.peerList = options.peers;
    this.deps = deps;
    this.log = deps.logger.child({ component: 'p2p' });
    this.clock = deps.clock ?? systemClock;
    this.messageBytesMax = options.messageBytesMax ?? 16 * MIB;
    this.pingIntervalMs = options.pingIntervalMs ?? 5_000;
  }

  async start(): Promise<{ port: number }> {
    if (this.state !== 'new') throw new NodeError('p2p.already_started', 'a transport starts once');
    this.state = 'started';
    const { key, listenHost, listenPort } = this.options;
    const identity = await createTlsIdentity(key, this.clock.nowMs());
    this.server = new InboundServer({
      identity,
      allowedKeys: this.allowed,
      handlers: this.deps.handlers,
      logger: this.log,
      messageBytesMax: this.messageBytesMax,
      pingIntervalMs: this.pingIntervalMs,
      counters: this.counters,
      onSeen: (fromKey) => {
        const link = this.links.get(fromKey);
        if (link) link.lastSeenMs = this.clock.nowMs();
      },
    });
    const port = await this.server.listen(listenHost, listenPort);
    this.context = {
      identity,
      logger: this.log,
      messageBytesMax: this.messageBytesMax,
      queueMessagesMax: this.options.queueMessagesMax ?? 10_000,
      queueBytesMax: this.options.queueBytesMax ?? 64 * MIB,
      reconnectDelayMs: this.options.reconnectDelayMs ?? 1_000,
      pingIntervalMs: this.pingIntervalMs,
      nowMs: () => this.clock.nowMs(),
      counters: this.counters,
    };
    this.dial();
    this.log.info({ host: listenHost, port, peers: this.links.size }, 'p2p listening');
    return { port };
  }

  /**
   * Follows a change of who may connect (issue 15: governance admits, rotates and removes node keys):
   * new peers are dialled, links to peers no longer listed stop, and inbound sessions of keys no
   * longer allowed are closed. Checked like the constructor's options.
   */
  follow(peers: readonly PeerAddress[], allowedKeys: ReadonlySet<string>): void {
    checkPeers(peers, allowedKeys);
    this.allowed.clear();
    for (const k of allowedKeys) this.allowed.add(k);
    this.peerList = peers;
    const listed = new Set(peers.map((p) => p.publicKey));
    for (const [peerKey, link] of this.links) {
      if (listed.has(peerKey)) continue;
      link.stop();
      this.links.delete(peerKey);
    }
    if (this.state !== 'started') return;
    this.dial();
    this.server?.dropDisallowed();
  }

  /** Starts a link to every listed peer that has none yet (our own entry is skipped). */
  private dial(): void {
    const context = this.context;
    if (context === null) return;
    for (const peer of this.peerList) {
      if (peer.publicKey === this.options.key.publicKey || this.links.has(peer.publicKey)) continue;
      const link = new PeerLink(peer, context);
      this.links.set(peer.publicKey, link);
      link.connect();
    }
  }

  /** Queues a message for every peer we dial, connected or not: one back soon still gets it. */
  broadcast(message: unknown): void {
    const json = toJson(message);
    const bytes = Buffer.byteLength(json);
    for (const link of this.links.values()) link.enqueue(json, bytes);
  }

  send(peerKey: string, message: unknown): void {
    const json = toJson(message);
    this.link(peerKey).enqueue(json, Buffer.byteLength(json));
  }

  /** Asks one peer; every failure is a rejected NodeError with a code, never a throw. */
  async request(
    peerKey: string,
    method: string,
    params: unknown,
    timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
  ): Promise<unknown> {
    if (!METHOD_PATTERN.test(method)) throw new NodeError('p2p.bad_method', 'method name is not path-safe');
    const body = toJson(params ?? null);
    if (Buffer.byteLength(body) > this.messageBytesMax) {
      throw new NodeError('p2p.body_too_large', 'request over the size limit', { method });
    }
    return this.link(peerKey).request(method, body, timeoutMs);
  }

  peers(): PeerInfo[] {
    return [...this.links.values()].map((link) => ({
      publicKey: link.address.publicKey,
      host: link.address.host,
      port: link.address.port,
      connected: link.connected,
      lastSeenMs: link.lastSeenMs,
      queued: link.queued,
    }));
  }

  stats(): TransportStats {
    return { ...this.counters };
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    for (const link of this.links.values()) link.stop();
    await this.server?.close();
    this.log.info('p2p stopped');
  }

  private link(peerKey: string): PeerLink {
    const link = this.links.get(peerKey);
    if (!link)
      throw new NodeError('p2p.unknown_peer', 'not a peer this node dials', { peer: keyId(peerKey) });
    return link;
  }
}

/** Configuration mistakes fail at construction, not as a dial that retries forever. */
function checkPeers(peers: readonly PeerAddress[], allowedKeys: ReadonlySet<string>): void {
  const seen = new Set<string>();
  for (const { publicKey, host, port } of peers) {
    const peer = keyId(publicKey);
    // Dialling a key the chain does not admit would let that node answer our requests.
    if (!allowedKeys.has(publicKey)) {
      throw new NodeError('p2p.peer_not_allowed', 'a peer to dial is not in the allow-list', { peer });
    }
    if (seen.has(publicKey)) throw new NodeError('p2p.peer_duplicate', 'a peer is listed twice', { peer });
    seen.add(publicKey);
    if (
      typeof host !== 'string' ||
      host.length === 0 ||
      !Number.isInteger(port) ||
      port < 1 ||
      port > 65_535
    ) {
      throw new NodeError('p2p.peer_address_invalid', 'a peer needs a host and a port 1-65535', { peer });
    }
  }
}
