// Bounded fan-out (issue 12): with `p2p.dialPeersMax` set, a node dials at most that many peers, so a
// network of thousands of member nodes does not need every validator to dial every member. The P2P
// transport sends only over connections a node dialled, so what a node no one dials must learn, it
// pulls, and what it must pass on, it pushes to those it dials:
// - Blocks are relayed by pull: every pollIntervalMs the node asks each peer it dials for its tip
//   ('tip') and block-syncs what it lacks from one that is ahead. A member that has synced serves its
//   blocks to the members that dial it, so the chain reaches a member through any path of dials that
//   leads to a validator, one poll and one sync per hop. Each block is fetched once (one sync at a
//   time, only heights past our tip) and checked against its commit like any synced block.
// - Txs are relayed by push: a tx a peer gossiped to us that our mempool took as new goes on to the
//   peers we dial, except its sender. Duplicate suppression: only what the mempool accepted (so never
//   a duplicate, a committed tx or an invalid one) and not relayed before (a bounded set of hashes).
//   A validator relays only txs from peers it does not dial: validators dial every validator and
//   gossip their own txs to all of them, so a tx from a validator has already reached the others.
//   A member never proposes, so a tx it holds whose relay was lost would wait forever: every
//   REOFFER_EVERY polls it offers its pending txs (oldest first, at most REOFFER_TXS_MAX) to the peers
//   it dials again; they drop the copies they hold, and what a block commits leaves the mempool.
// - Queues stay bounded: each peer's outbound queue is the transport's (bounded in messages and bytes,
//   oldest dropped and counted), the tip answers are constant-size, a block-sync answer is bounded by
//   SYNC_ANSWER_BYTES_MAX, and the intake bounds each peer's tx rate before anything is relayed.
import type { Logger } from 'pino';
import type { Timers, TimerHandle } from './env.ts';
import type { BlockSync } from './consensus/block-sync.ts';
import type { WireMessage } from './consensus/wire.ts';
import type { Mempool } from './mempool.ts';
import type { PeerTransport } from './peer-transport.ts';

/** The peer request a relaying node answers with its tip. */
export const TIP_METHOD = 'tip';

export interface RelayOptions {
  /** How often each dialled peer is asked for its tip. */
  readonly pollIntervalMs: number;
  /** Whether this node votes now (governance may change it): a validator relays only txs from peers it does not dial. */
  readonly validator: () => boolean;
  /** How many relayed tx hashes are remembered (oldest forgotten first). */
  readonly seenTxsMax?: number;
}

export interface RelayDependencies {
  readonly transport: PeerTransport;
  readonly sync: BlockSync;
  readonly mempool: Mempool;
  readonly timers: Timers;
  readonly logger: Logger;
}

const SEEN_TXS_MAX = 20_000;
const REOFFER_EVERY = 4;
const REOFFER_TXS_MAX = 200;

export class Relay {
  private readonly seen = new Set<string>();
  private pollTimer: TimerHandle = undefined;
  private polls = 0;
  relayedTxs = 0;

  constructor(
    private readonly options: RelayOptions,
    private readonly deps: RelayDependencies,
  ) {}

  start(): void {
    this.pollTimer = this.deps.timers.setInterval(() => this.poll(), this.options.pollIntervalMs);
  }

  stop(): void {
    this.deps.timers.clearInterval(this.pollTimer);
  }

  /** Whether we dial `peer` (only those can be sent to, or asked). */
  dials(peer: string): boolean {
    return this.dialled().includes(peer);
  }

  /** A tx from `from` that our mempool accepted as new (hash `hash`): passes it on. */
  onAcceptedTx(from: string, hash: string, tx: unknown): void {
    if (this.seen.has(hash)) return;
    if (this.options.validator() && this.dials(from)) return;
    this.remember(hash);
    const message: WireMessage = { t: 'txs', txs: [tx] };
    for (const peer of this.dialled()) {
      if (peer === from) continue;
      this.deps.transport.send(peer, message);
      this.relayedTxs++;
    }
  }

  private remember(hash: string): void {
    this.seen.add(hash);
    if (this.seen.size > (this.options.seenTxsMax ?? SEEN_TXS_MAX)) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
  }

  private dialled(): string[] {
    return this.deps.transport.peers().map((p) => p.publicKey);
  }

  private poll(): void {
    const dialled = this.dialled();
    if (!this.options.validator() && ++this.polls % REOFFER_EVERY === 0) {
      const pending = this.deps.mempool.reap(REOFFER_TXS_MAX).map((c) => c.tx);
      if (pending.length > 0) {
        for (const peer of dialled) this.deps.transport.send(peer, { t: 'txs', txs: pending });
      }
    }
    for (const peer of dialled) {
      this.deps.transport.request(peer, TIP_METHOD, null).then(
        (answer) => {
          const height = (answer as { height?: unknown } | null)?.height;
          if (typeof height === 'number' && Number.isSafeInteger(height) && height >= 0) {
            this.deps.sync.onPeerHeight(peer, height);
          }
        },
        (err: unknown) => {
          // A peer down or slow is expected under churn: the next poll asks again.
          this.deps.logger.debug({ err, peer: peer.slice(0, 16) }, 'tip poll failed');
        },
      );
    }
  }
}

/**
 * Which peers a node with `dialPeersMax` dials: the first k in the order the peers file lists them; a
 * validator takes the validators first (consensus needs every validator to reach every other, and votes
 * are not relayed), so a validator's k must be at least the number of other validators.
 */
export function choosePeers<P extends { readonly publicKey: string }>(
  peers: readonly P[],
  validatorKeys: ReadonlySet<string>,
  self: { readonly validator: boolean; readonly dialPeersMax: number | undefined },
): P[] {
  if (self.dialPeersMax === undefined) return [...peers];
  if (!self.validator) return peers.slice(0, self.dialPeersMax);
  const validators = peers.filter((p) => validatorKeys.has(p.publicKey));
  const others = peers.filter((p) => !validatorKeys.has(p.publicKey));
  return [...validators, ...others].slice(0, self.dialPeersMax);
}
