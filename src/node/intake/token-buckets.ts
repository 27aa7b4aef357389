// Token buckets by key (a client address, a signer, a peer): each key may spend `burst` at once and
// earns `perSecond` back. Memory is bounded: past `keysMax` keys the least recently used is forgotten,
// which only ever gives that key a full bucket again (an attacker rotating keys is bounded elsewhere,
// per client). Time comes from the caller, so tests and the simulator drive it.

export interface BucketLimit {
  readonly perSecond: number;
  readonly burst: number;
}

interface Bucket {
  tokens: number;
  atMs: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: BucketLimit,
    private readonly keysMax: number,
  ) {}

  /** Spends one token of `key`; returns 0 if it had one, else the milliseconds until it will. */
  take(key: string, nowMs: number): number {
    const bucket = this.refill(key, nowMs);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) / this.limit.perSecond) * 1000);
  }

  /** Milliseconds until `key` has a token, without spending one (0: it has one now). */
  waitMs(key: string, nowMs: number): number {
    const bucket = this.refill(key, nowMs);
    return bucket.tokens >= 1 ? 0 : Math.ceil(((1 - bucket.tokens) / this.limit.perSecond) * 1000);
  }

  private refill(key: string, nowMs: number): Bucket {
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = { tokens: this.limit.burst, atMs: nowMs };
      if (this.buckets.size >= this.keysMax) {
        const oldest = this.buckets.keys().next().value as string;
        this.buckets.delete(oldest);
      }
    } else {
      this.buckets.delete(key); // re-inserted below: the map's order is least recently used first
      const earned = (Math.max(0, nowMs - bucket.atMs) / 1000) * this.limit.perSecond;
      bucket.tokens = Math.min(this.limit.burst, bucket.tokens + earned);
      bucket.atMs = nowMs;
    }
    this.buckets.set(key, bucket);
    return bucket;
  }
}
