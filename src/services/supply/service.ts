// The node's side of the supply chain (issue 5): who may write (staff of this node's own organisation),
// and how their writes reach the ledger — signed with the node key, like the records gateway does, so
// the module sees the organisation act. Routes authenticate and translate; this decides and submits.
// Refusals leave as { error: { code, message, details } } with the module's stable reason as the code.
import type { Caller } from '../auth/caller.ts';
import { ServiceError } from '../errors.ts';
import { ledgerRefusal } from '../ledger-refusal.ts';
import { actorOf } from '../../app/membership/queries.ts';
import type { StateReader } from '../../app/state.ts';
import type { CanonicalValue } from '../../core/canonical.ts';
import { TX_BYTES_MAX } from '../../core/limits.ts';
import { encodeTx, signTx, type SignedTx } from '../../core/tx.ts';
import type { Clock } from '../../node/env.ts';
import type { CarechainNode } from '../../node/node.ts';
import { VerifyLimiter, type VerifyLimits } from './verify-limits.ts';

export const SUPPLY_COMMIT_TIMEOUT_MS_DEFAULT = 10_000;

export interface SupplyServiceOptions {
  readonly commitTimeoutMs?: number;
  /** How often staff may verify packs (each verification is a tx); DEFAULT_VERIFY_LIMITS if absent. */
  readonly verifyLimits?: VerifyLimits;
}

export interface SupplyServiceDependencies {
  readonly node: CarechainNode;
  readonly clock: Clock;
}

/** A practitioner of the node's own organisation, as the supply routes need one. */
export interface Staff {
  readonly publicKey: string;
  readonly orgId: string;
}

export class SupplyService {
  readonly node: CarechainNode;
  readonly clock: Clock;
  private readonly commitTimeoutMs: number;
  private readonly verifyLimiter: VerifyLimiter;

  constructor(options: SupplyServiceOptions, deps: SupplyServiceDependencies) {
    this.node = deps.node;
    this.clock = deps.clock;
    this.commitTimeoutMs = options.commitTimeoutMs ?? SUPPLY_COMMIT_TIMEOUT_MS_DEFAULT;
    this.verifyLimiter = new VerifyLimiter(options.verifyLimits);
  }

  /** Staff of this node's own organisation who may verify a pack now (finding 13: a loop is bounded). */
  verifier(caller: Caller): Staff {
    const who = this.staff(caller);
    this.verifyLimiter.admit(who.publicKey, this.clock.nowMs());
    return who;
  }

  get state(): StateReader {
    return this.node.ledger.state;
  }

  /** The organisation this node is a node key of. */
  get orgId(): string {
    const actor = actorOf(this.state, this.node.key.publicKey);
    if (actor.kind !== 'node')
      throw new ServiceError('supply.no_organisation', 'this node has no organisation');
    return actor.orgId;
  }

  /** Any practitioner with a token of this node (reads); 403 for patients. */
  reader(caller: Caller): Staff {
    if (caller.kind !== 'practitioner') {
      throw new ServiceError('supply.not_staff', 'the supply chain API is for organisation staff');
    }
    return { publicKey: caller.publicKey, orgId: caller.orgId };
  }

  /** Staff of this node's own organisation (writes: the node signs for them). */
  staff(caller: Caller): Staff {
    const who = this.reader(caller);
    if (who.orgId !== this.orgId) {
      throw new ServiceError('supply.not_own_org', `this node writes for the staff of ${this.orgId} only`);
    }
    return who;
  }

  /** Signs a tx with the node key for the next nonce (nothing is submitted yet). */
  sign(type: string, payload: CanonicalValue): SignedTx {
    const { node } = this;
    return signTx(node.key.seed, {
      chainId: node.ledger.chainId,
      type,
      payload,
      nonce: node.mempool.nextNonce(node.key.publicKey),
    });
  }

  /** True when the signed tx fits the ledger's tx limit (core/limits.ts). */
  fits(tx: SignedTx): boolean {
    return encodeTx(tx).length <= TX_BYTES_MAX;
  }

  /** Submits a signed tx; a refusal becomes a ServiceError carrying the module's reason. */
  submit(tx: SignedTx): string {
    try {
      return this.node.submit(tx);
    } catch (err) {
      throw supplyRefusal(err, tx.type);
    }
  }

  async waitCommitted(hash: string, type: string): Promise<number> {
    const committed = await this.node.waitForCommit(hash, this.commitTimeoutMs);
    if (committed === undefined) {
      throw new ServiceError('supply.commit_timeout', `the ${type} tx was not committed in time`, {
        txHash: hash,
      });
    }
    return committed.height;
  }

  /** Sign, submit, wait for the commit. */
  async commit(type: string, payload: CanonicalValue): Promise<{ txHash: string; height: number }> {
    const txHash = this.submit(this.sign(type, payload));
    return { txHash, height: await this.waitCommitted(txHash, type) };
  }
}

/** A ledger refusal of the supply chain's own tx as a catalogue code (../ledger-refusal.ts). */
export function supplyRefusal(err: unknown, type: string): unknown {
  return ledgerRefusal(err, type, 'supply');
}
