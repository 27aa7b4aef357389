// How often a node answers POST /api/v1/verify (finding 13). Each answer signs and submits a
// supply.recordVerification tx, so an unbounded loop of verifications by one staff member (or one
// organisation's staff together) would fill blocks and the mempool. A scanner at a pharmacy counter
// verifies a pack every few seconds; the limits leave it far more than that. A refusal is
// 'verify.rate_limited' (429) with retryAfterSeconds, which the API sends as Retry-After.
import type { VerifyLimitsConfig } from '../../node/config.ts';
import { TokenBuckets } from '../../node/intake/token-buckets.ts';
import { ServiceError } from '../errors.ts';

/**
 * perCaller: verifications by one staff member (their key); perNode: by the node's whole organisation,
 * which signs each one's tx. The same shape node.json's supply.verifyLimits is read into.
 */
export type VerifyLimits = VerifyLimitsConfig;

export const DEFAULT_VERIFY_LIMITS: VerifyLimits = {
  perCaller: { perSecond: 2, burst: 20 },
  perNode: { perSecond: 20, burst: 200 },
};

/** Staff keys whose buckets are remembered at once (only this node's own staff may verify). */
const CALLERS_MAX = 10_000;

export class VerifyLimiter {
  private readonly callers: TokenBuckets;
  private readonly node: TokenBuckets;

  constructor(limits: VerifyLimits = DEFAULT_VERIFY_LIMITS) {
    this.callers = new TokenBuckets(limits.perCaller, CALLERS_MAX);
    this.node = new TokenBuckets(limits.perNode, 1);
  }

  /** Spends one verification of callerKey at nowMs, or throws 'verify.rate_limited'. */
  admit(callerKey: string, nowMs: number): void {
    // The node's bucket is only spent once the caller's allows it, so one flooding caller cannot use up
    // the organisation's share by being refused.
    const wait = this.callers.waitMs(callerKey, nowMs) || this.node.waitMs('node', nowMs);
    if (wait > 0) {
      throw new ServiceError('verify.rate_limited', 'too many verifications; retry later', {
        retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)),
      });
    }
    this.callers.take(callerKey, nowMs);
    this.node.take('node', nowMs);
  }
}
