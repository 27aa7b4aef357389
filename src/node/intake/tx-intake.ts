// The door for txs from outside the node: clients of the public API (POST /api/v1/txs) and txs gossiped
// by peers. It bounds what anyone can make the node do before a tx reaches the mempool:
// - per client (address) and per peer, a rate of txs and a much lower rate of txs whose signature fails:
//   a signature check of a garbage 64 KiB tx costs about 1 ms, and an honest client never sends one;
// - per signer, a rate of txs, counted only once the signature verified (so nobody can spend another's);
// - a signer unknown to the membership state may only send the txs that create an identity (a patient
//   enrolling), at a low rate per client: anonymous keys cost nothing to make, so anything else they
//   could send (anchors, say) would be free, unbounded load on every node.
// Refusals are NodeErrors with stable codes; 'intake.rate_limited' carries retryAfterSeconds.
import { IDENTITY_CREATING_TX_TYPES } from '../../app/membership/index.ts';
import { actorOf } from '../../app/membership/queries.ts';
import type { Clock } from '../../core/env.ts';
import { checkTxStateless, TxError } from '../../core/tx.ts';
import { NodeError } from '../errors.ts';
import type { Candidate } from '../ledger.ts';
import type { Mempool } from '../mempool.ts';
import { TokenBuckets, type BucketLimit } from './token-buckets.ts';

export interface TxIntakeLimits {
  /** Txs one client address may submit: far above an honest client, below what floods a node. */
  readonly clientTxs: BucketLimit;
  /** Txs whose stateless check (shape, size, chain, signature) failed, per client or peer. */
  readonly clientBadTxs: BucketLimit;
  /** Txs of one signer, once its signature verified. */
  readonly signerTxs: BucketLimit;
  /** Identity-creating txs of signers the state does not know yet, per client. */
  readonly unknownSignerTxs: BucketLimit;
  /** Txs one peer may relay; a member node relays its own clients' txs, so this is a node's worth. */
  readonly peerTxs: BucketLimit;
  /** Most keys (clients, signers, peers) whose buckets are remembered at once. */
  readonly keysMax: number;
}

export const DEFAULT_TX_INTAKE_LIMITS: TxIntakeLimits = {
  clientTxs: { perSecond: 1_000, burst: 2_000 },
  clientBadTxs: { perSecond: 10, burst: 20 },
  signerTxs: { perSecond: 100, burst: 200 },
  unknownSignerTxs: { perSecond: 10, burst: 50 },
  peerTxs: { perSecond: 5_000, burst: 20_000 },
  keysMax: 100_000,
};

export class TxIntake {
  private readonly clients: TokenBuckets;
  private readonly badTxs: TokenBuckets;
  private readonly signers: TokenBuckets;
  private readonly unknownSigners: TokenBuckets;
  private readonly peers: TokenBuckets;

  constructor(
    limits: TxIntakeLimits,
    private readonly deps: { readonly mempool: Mempool; readonly clock: Clock; readonly chainId: string },
  ) {
    this.clients = new TokenBuckets(limits.clientTxs, limits.keysMax);
    this.badTxs = new TokenBuckets(limits.clientBadTxs, limits.keysMax);
    this.signers = new TokenBuckets(limits.signerTxs, limits.keysMax);
    this.unknownSigners = new TokenBuckets(limits.unknownSignerTxs, limits.keysMax);
    this.peers = new TokenBuckets(limits.peerTxs, limits.keysMax);
  }

  /** A tx from an API client at `client` (its address). Throws NodeError or TxError with stable codes. */
  fromClient(client: string, input: unknown): Candidate {
    return this.admit(`client/${client}`, this.clients, input, true);
  }

  /**
   * A tx gossiped by the peer with node key `peer`. The peer's own intake already held its clients to
   * their signer and enrolment rates; here the peer as a whole is bounded, so that other nodes' own txs
   * (access events at hundreds a second) are not refused by a per-signer rate made for clients.
   */
  fromPeer(peer: string, input: unknown): Candidate {
    return this.admit(`peer/${peer}`, this.peers, input, false);
  }

  private admit(source: string, sourceBuckets: TokenBuckets, input: unknown, perSigner: boolean): Candidate {
    const now = this.deps.clock.nowMs();
    // Before any work: the source's own rate, and whether it may still afford a failed check.
    limited(sourceBuckets.take(source, now), 'too many txs from this client');
    limited(this.badTxs.waitMs(source, now), 'too many invalid txs from this client');
    let checked: ReturnType<typeof checkTxStateless>;
    try {
      checked = checkTxStateless(input, this.deps.chainId);
    } catch (err) {
      if (err instanceof TxError) this.badTxs.take(source, now);
      throw err;
    }
    const { tx, encoded } = checked;
    if (actorOf(this.deps.mempool.pendingState, tx.signer).kind === 'unknown') {
      if (!IDENTITY_CREATING_TX_TYPES.includes(tx.type)) {
        throw new NodeError(
          'intake.unknown_signer',
          'a key the network does not know may only enrol (membership.registerPatient or claimPatient)',
          { type: tx.type },
        );
      }
      if (perSigner) limited(this.unknownSigners.take(source, now), 'too many enrolments from this client');
    }
    if (perSigner) limited(this.signers.take(tx.signer, now), 'too many txs from this signer');
    return this.deps.mempool.addChecked(tx, encoded);
  }
}

function limited(waitMs: number, message: string): void {
  if (waitMs > 0) {
    throw new NodeError('intake.rate_limited', `${message}; retry later`, {
      retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
    });
  }
}
