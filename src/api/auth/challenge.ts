// Key-based login for patients and proxies: the node hands out a random challenge bound to its audience
// (its FHIR base URL) and a deadline; the caller signs { audience, challenge, publicKey } as canonical
// JSON (RFC 8785) under the 'auth-challenge' purpose, which also binds the chain id (core/crypto). The
// node checks the signature, then spends the challenge: each one logs in at most once. Pending and spent
// challenges live in bounded in-memory maps (STYLE §5); a restart forgets them, which only makes the
// outstanding challenges unknown (refused), never reusable.
//
// Bounded per client (issue 10, finding 10): each client (the route names it by address) holds at most
// CHALLENGES_PER_CLIENT_MAX_DEFAULT outstanding challenges, and a client over its share drops its OWN
// oldest. When every slot is taken, new challenges are refused (429) rather than anyone's pending one
// being evicted: a flood can delay logins, never cancel another client's.
import { fromHex, isHex, toHex } from '../../core/bytes.ts';
import { isAcceptablePublicKey, verifyMessage } from '../../core/crypto/index.ts';
import { invariant } from '../../core/errors.ts';
import type { Clock, RandomBytes } from '../../core/env.ts';
import { challengeMessage, type Challenge, type ChallengeResponse } from '../../contract/auth.ts';
import { AuthError, type AuthErrorCode } from './errors.ts';

export const CHALLENGE_BYTES = 32;
export const CHALLENGE_TTL_MS_DEFAULT = 2 * 60 * 1000;
/** Outstanding challenges kept in all; past this, new ones are refused until some are spent or expire. */
export const CHALLENGES_PENDING_MAX_DEFAULT = 10_000;
/** Outstanding challenges one client may hold; past this its own oldest is dropped. */
export const CHALLENGES_PER_CLIENT_MAX_DEFAULT = 8;
/** Spent challenges remembered until they expire, so a replay is told apart from a stranger. */
export const CHALLENGES_SPENT_MAX_DEFAULT = 10_000;
export const AUDIENCE_CHARS_MAX = 2048;

// The challenge's wire shapes and signed message are the API contract's, shared with the clients.
export { challengeMessage, signChallenge } from '../../contract/auth.ts';
export type { Challenge, ChallengeResponse } from '../../contract/auth.ts';

export interface ChallengeStoreOptions {
  /** This node's FHIR base URL: the audience every challenge is bound to. */
  readonly audience: string;
  readonly chainId: string;
  readonly ttlMs?: number;
  readonly pendingMax?: number;
  readonly spentMax?: number;
  readonly perClientMax?: number;
}

export interface ChallengeStoreDeps {
  readonly clock: Clock;
  readonly randomBytes: RandomBytes;
}

function fail(code: AuthErrorCode, message: string): AuthError {
  return new AuthError(code, message);
}

export class ChallengeStore {
  private readonly audience: string;
  /** The chain whose id every signed login binds (also the delegation's, staff-login.ts). */
  readonly chainId: string;
  private readonly ttlMs: number;
  private readonly pendingMax: number;
  private readonly spentMax: number;
  private readonly perClientMax: number;
  private readonly clock: Clock;
  private readonly randomBytes: RandomBytes;
  /** challenge → expiresAtMs, in issue order (so, with one ttl, in expiry order too). */
  private readonly pending = new Map<string, number>();
  /** challenge → the client it was issued to; client → its outstanding challenges, oldest first. */
  private readonly clientOf = new Map<string, string>();
  private readonly byClient = new Map<string, Set<string>>();
  private readonly spent = new Map<string, number>();

  constructor(options: ChallengeStoreOptions, deps: ChallengeStoreDeps) {
    invariant(
      options.audience.length > 0 && options.audience.length <= AUDIENCE_CHARS_MAX,
      'audience length',
    );
    this.audience = options.audience;
    this.chainId = options.chainId;
    this.ttlMs = options.ttlMs ?? CHALLENGE_TTL_MS_DEFAULT;
    this.pendingMax = options.pendingMax ?? CHALLENGES_PENDING_MAX_DEFAULT;
    this.spentMax = options.spentMax ?? CHALLENGES_SPENT_MAX_DEFAULT;
    this.perClientMax = options.perClientMax ?? CHALLENGES_PER_CLIENT_MAX_DEFAULT;
    invariant(
      this.ttlMs > 0 && this.pendingMax > 0 && this.spentMax > 0 && this.perClientMax > 0,
      'challenge limits are positive',
    );
    this.clock = deps.clock;
    this.randomBytes = deps.randomBytes;
  }

  /** The login clock: what sign-in checks a delegation's lifetime against. */
  nowMs(): number {
    return this.clock.nowMs();
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Issues a challenge to `client` (the route's name for the caller, e.g. its address). */
  issue(client = ''): Challenge {
    const nowMs = this.clock.nowMs();
    this.sweep(nowMs);
    const mine = this.byClient.get(client);
    if (mine !== undefined && mine.size >= this.perClientMax) {
      this.dropPending(mine.values().next().value!);
    } else if (this.pending.size >= this.pendingMax) {
      throw new AuthError('auth.challenge_busy', 'too many logins in progress; try again shortly', {
        retryAfterSeconds: Math.ceil(this.ttlMs / 1000),
      });
    }
    const bytes = this.randomBytes(CHALLENGE_BYTES);
    invariant(bytes.length === CHALLENGE_BYTES, 'randomBytes returns the length asked for');
    const challenge = toHex(bytes);
    invariant(!this.pending.has(challenge) && !this.spent.has(challenge), 'challenges are fresh');
    const expiresAtMs = nowMs + this.ttlMs;
    this.pending.set(challenge, expiresAtMs);
    this.clientOf.set(challenge, client);
    const set = this.byClient.get(client) ?? new Set<string>();
    set.add(challenge);
    this.byClient.set(client, set);
    return { challenge, audience: this.audience, expiresAtMs };
  }

  private dropPending(challenge: string): void {
    this.pending.delete(challenge);
    const client = this.clientOf.get(challenge);
    this.clientOf.delete(challenge);
    if (client === undefined) return;
    const set = this.byClient.get(client);
    set?.delete(challenge);
    if (set?.size === 0) this.byClient.delete(client);
  }

  /**
   * Checks a signed answer and spends its challenge; returns the signer's public key. Who that key
   * belongs to is the caller's next question (patient-login.ts). A bad signature does not spend the
   * challenge: otherwise anyone who saw it in flight could void a patient's login.
   */
  redeem(input: unknown): { publicKey: string } {
    const response = parseResponse(input);
    if (response.audience !== this.audience) {
      throw fail('auth.challenge_wrong_audience', 'the challenge was signed for another audience');
    }
    const nowMs = this.clock.nowMs();
    const expiresAtMs = this.pending.get(response.challenge);
    if (expiresAtMs === undefined) {
      if (this.spent.has(response.challenge)) {
        throw fail('auth.challenge_replayed', 'this challenge was already used; ask for a new one');
      }
      throw fail('auth.challenge_unknown', 'unknown or expired challenge; ask for a new one');
    }
    if (nowMs > expiresAtMs) {
      this.dropPending(response.challenge);
      throw fail('auth.challenge_expired', 'the challenge has expired; ask for a new one');
    }
    const publicKey = fromHex(response.publicKey);
    const message = challengeMessage(response.challenge, response.audience, response.publicKey);
    const good =
      isAcceptablePublicKey(publicKey) &&
      verifyMessage(publicKey, 'auth-challenge', this.chainId, message, fromHex(response.signature));
    if (!good) throw fail('auth.challenge_bad_signature', 'the signature does not verify with that key');
    this.dropPending(response.challenge);
    this.sweep(nowMs);
    evictOldest(this.spent, this.spentMax);
    this.spent.set(response.challenge, expiresAtMs);
    return { publicKey: response.publicKey };
  }

  /**
   * Drops expired entries from the front of both maps. Pending is in expiry order (one ttl); spent is
   * nearly so, and an entry left behind is only kept a little longer, within the bound.
   */
  private sweep(nowMs: number): void {
    for (const [key, expiresAtMs] of this.pending) {
      if (expiresAtMs >= nowMs) break;
      this.dropPending(key);
    }
    for (const [key, expiresAtMs] of this.spent) {
      if (expiresAtMs >= nowMs) break;
      this.spent.delete(key);
    }
  }
}

function evictOldest(map: Map<string, number>, sizeMax: number): void {
  while (map.size >= sizeMax) {
    const oldest = map.keys().next();
    if (oldest.done === true) return;
    map.delete(oldest.value);
  }
}

function parseResponse(input: unknown): ChallengeResponse {
  const bad = () => fail('auth.challenge_invalid', 'expected { challenge, audience, publicKey, signature }');
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw bad();
  const { challenge, audience, publicKey, signature } = input as Record<string, unknown>;
  if (!isHex(challenge, CHALLENGE_BYTES) || !isHex(publicKey, 32) || !isHex(signature, 64)) {
    throw fail(
      'auth.challenge_invalid',
      'challenge, publicKey and signature are lowercase hex of 32, 32, 64 bytes',
    );
  }
  if (typeof audience !== 'string' || audience.length === 0 || audience.length > AUDIENCE_CHARS_MAX)
    throw bad();
  return { challenge, audience, publicKey, signature };
}
