// Bearer access tokens (RFC 6750) issued by a node: JWTs (RFC 7519) signed with the node's Ed25519 key
// as JWS alg "EdDSA" (RFC 8037 §3.1), typed "at+jwt" (RFC 9068 §2.1). The JWT work is jose's; we do not
// write crypto (STYLE §6). The node key also signs votes and txs, but never the same bytes: those
// signatures cover "carechain/v1/<purpose>/…" (core/crypto signingBytes) while a JWS covers
// BASE64URL(header) "." BASE64URL(payload), whose alphabet has no "/", so neither can pass for the other.
//
// Tokens are credentials: never log one, nor put one in an error's message or details.
import { base64url, errors as joseErrors, importJWK, jwtVerify, SignJWT, type CryptoKey } from 'jose';
import { fromHex, isHex, toHex } from '../../core/bytes.ts';
import { isAcceptablePublicKey, publicKeyFromSeed, SEED_BYTES } from '../../core/crypto/index.ts';
import { invariant } from '../../core/errors.ts';
import { BoundedMap } from '../../core/bounded-map.ts';
import type { Clock, RandomBytes } from '../../core/env.ts';
import type { SignedDelegation } from '../../contract/delegation.ts';
import {
  checkClaims,
  delegationClaim,
  subjectClaims,
  type AccessTokenClaims,
  type TokenKind,
  type VerifiedToken,
} from './claims.ts';
import { AuthError } from './errors.ts';
import type { SessionRevocations } from './revocations.ts';
import { formatScopes, type Scope } from '../../services/auth/scopes.ts';

export type { AccessTokenClaims, TokenKind, VerifiedToken } from './claims.ts';

/** The one algorithm accepted: pinned, so "none", HS256 with the public key as secret, etc. never verify. */
export const ACCESS_TOKEN_ALG = 'EdDSA';
export const ACCESS_TOKEN_TYP = 'at+jwt';
/** Longest token we read: ours are well under 1 KiB; anything far larger is not ours (STYLE §5). */
export const ACCESS_TOKEN_CHARS_MAX = 4096;
export const TOKEN_TTL_MS_DEFAULT = 60 * 60 * 1000;
/**
 * Access tokens last at most an hour (issue 10, finding 10): a stolen one is useful for that long at
 * most, and it is what a verifier accepts too. Longer sessions refresh (REFRESH_TOKEN_TYP).
 */
export const ACCESS_TOKEN_TTL_MS_MAX = 60 * 60 * 1000;
export const TOKEN_TTL_MS_MAX_DEFAULT = ACCESS_TOKEN_TTL_MS_MAX;
/**
 * A refresh token (RFC 6749 §1.5) is a JWT of its own type, so it never passes for an access token
 * (the verifier pins the typ) nor the reverse. The demo's identities get one (credentials.json).
 */
export const REFRESH_TOKEN_TYP = 'carechain-rt+jwt';
export const REFRESH_TOKEN_TTL_MS_MAX = 30 * 24 * 60 * 60 * 1000;
/** Allowed disagreement between clocks when checking exp and nbf (RFC 7519 §4.1.4: "a small leeway"). */
export const CLOCK_SKEW_MS_DEFAULT = 30_000;
const JTI_BYTES = 16;
const SID_BYTES = 16;

export interface TokenRequest {
  /** The caller's public key, hex. */
  readonly subject: string;
  readonly kind: TokenKind;
  readonly scopes: readonly Scope[];
  readonly orgId?: string;
  readonly patient?: string;
  readonly ttlMs?: number;
  /** The login session to continue (a refresh); a new one otherwise. */
  readonly sessionId?: string;
  /** The practitioner's signed delegation to this node (claim cc_dlg), checked by whoever asks for it. */
  readonly delegation?: SignedDelegation;
}

/** What a login carries over unchanged to the token it asks for: the lifetime and delegation it was given. */
export function carriedOver(
  login: Pick<TokenRequest, 'ttlMs' | 'delegation'>,
): Pick<TokenRequest, 'ttlMs' | 'delegation'> {
  return {
    ...(login.ttlMs === undefined ? {} : { ttlMs: login.ttlMs }),
    ...(login.delegation === undefined ? {} : { delegation: login.delegation }),
  };
}

export interface IssuedToken {
  /** The credential itself. Never log it. */
  readonly accessToken: string;
  readonly tokenType: 'Bearer';
  readonly expiresInS: number;
  readonly claims: AccessTokenClaims;
}

export interface TokenIssuerOptions {
  /** The iss claim: this node's (or its organisation's) identifier, e.g. its base URL. */
  readonly issuer: string;
  /** The aud claim: this node's FHIR base URL. */
  readonly audience: string;
  /** The node's Ed25519 seed (32 bytes). */
  readonly seed: Uint8Array;
  readonly ttlMsMax?: number;
}

/** The private JWK of RFC 8037 §2: kty OKP, crv Ed25519, d the seed, x the public key. */
function privateJwk(seed: Uint8Array, publicKey: Uint8Array) {
  return { kty: 'OKP', crv: 'Ed25519', d: base64url.encode(seed), x: base64url.encode(publicKey) };
}

/** The public JWK (RFC 8037 §2) of an Ed25519 key given in hex; also the JWKS entry a node publishes. */
export function publicJwk(publicKey: string) {
  return {
    kty: 'OKP',
    crv: 'Ed25519',
    x: base64url.encode(fromHex(publicKey)),
    kid: publicKey,
    alg: ACCESS_TOKEN_ALG,
    use: 'sig',
  } as const;
}

async function importKey(jwk: object): Promise<CryptoKey> {
  const key = await importJWK(jwk, ACCESS_TOKEN_ALG);
  invariant(!(key instanceof Uint8Array), 'an OKP JWK imports as a CryptoKey');
  return key;
}

export class TokenIssuer {
  readonly issuer: string;
  readonly audience: string;
  /** The node's public key, hex: what verifiers pin. */
  readonly publicKey: string;
  private readonly ttlMsMax: number;
  private readonly key: CryptoKey;
  private readonly clock: Clock;
  private readonly randomBytes: RandomBytes;

  private constructor(options: TokenIssuerOptions, publicKey: string, key: CryptoKey, deps: IssuerDeps) {
    this.issuer = options.issuer;
    this.audience = options.audience;
    this.publicKey = publicKey;
    this.ttlMsMax = options.ttlMsMax ?? TOKEN_TTL_MS_MAX_DEFAULT;
    invariant(this.ttlMsMax <= ACCESS_TOKEN_TTL_MS_MAX, 'access tokens last at most an hour');
    this.key = key;
    this.clock = deps.clock;
    this.randomBytes = deps.randomBytes;
  }

  static async create(options: TokenIssuerOptions, deps: IssuerDeps): Promise<TokenIssuer> {
    invariant(options.seed.length === SEED_BYTES, 'an Ed25519 seed is 32 bytes');
    const publicKey = publicKeyFromSeed(options.seed);
    const key = await importKey(privateJwk(options.seed, publicKey));
    return new TokenIssuer(options, toHex(publicKey), key, deps);
  }

  /** Signs a token. Who may have one is the caller's question (practitioner-login, patient-login). */
  async issue(request: TokenRequest): Promise<IssuedToken> {
    const ttlMs = request.ttlMs ?? TOKEN_TTL_MS_DEFAULT;
    invariant(ttlMs >= 1000 && ttlMs <= this.ttlMsMax, `token lifetime must be 1 s to ${this.ttlMsMax} ms`);
    return this.sign(request, ttlMs, ACCESS_TOKEN_TYP);
  }

  /** Signs a refresh token for the same subject and scopes, lasting up to REFRESH_TOKEN_TTL_MS_MAX. */
  async issueRefresh(request: TokenRequest & { readonly ttlMs: number }): Promise<IssuedToken> {
    invariant(request.ttlMs >= 1000 && request.ttlMs <= REFRESH_TOKEN_TTL_MS_MAX, 'refresh lifetime');
    return this.sign(request, request.ttlMs, REFRESH_TOKEN_TYP);
  }

  private async sign(request: TokenRequest, ttlMs: number, typ: string): Promise<IssuedToken> {
    invariant(isHex(request.subject, 32), 'a token subject is a public key in hex');
    invariant(request.sessionId === undefined || isHex(request.sessionId, SID_BYTES), 'session id');
    let subjectContext: ReturnType<typeof subjectClaims>;
    let delegation: SignedDelegation | undefined;
    try {
      subjectContext = subjectClaims(request.kind, request.orgId, request.patient);
      delegation = delegationClaim(request.delegation, request.subject);
    } catch {
      // The login helpers pass what they read from state; a mismatch here is a bug, not bad input.
      throw new Error(
        `invariant violated: a ${request.kind} token needs its org or patient, not both, and its own delegation`,
      );
    }
    const nowS = Math.floor(this.clock.nowMs() / 1000);
    const expiresInS = Math.ceil(ttlMs / 1000);
    const claims: AccessTokenClaims = {
      iss: this.issuer,
      sub: request.subject,
      aud: this.audience,
      iat: nowS,
      nbf: nowS,
      exp: nowS + expiresInS,
      jti: toHex(this.randomBytes(JTI_BYTES)),
      scope: formatScopes(request.scopes),
      cc_kind: request.kind,
      ...subjectContext,
      sid: request.sessionId ?? toHex(this.randomBytes(SID_BYTES)),
      ...(delegation === undefined ? {} : { cc_dlg: delegation }),
    };
    const accessToken = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: ACCESS_TOKEN_ALG, typ, kid: this.publicKey })
      .sign(this.key);
    return { accessToken, tokenType: 'Bearer', expiresInS, claims };
  }
}

interface IssuerDeps {
  readonly clock: Clock;
  readonly randomBytes: RandomBytes;
}

export interface TokenVerifierOptions {
  readonly issuer: string;
  /** The issuing node's public key, hex: the only key whose signatures are accepted. */
  readonly issuerPublicKey: string;
  readonly audience: string;
  readonly clockSkewMs?: number;
  /** Logged-out sessions; their tokens are refused as revoked. */
  readonly revocations?: SessionRevocations;
}

/**
 * Tokens whose signature and claims verified, remembered: a client sends the same token with every
 * request, and the Ed25519 check through WebCrypto costs about a sixth of a record read. What a token
 * says cannot change, so a remembered verdict answers the same as a fresh one, except for time: exp and
 * nbf are checked again on every use, and revocation is looked up on every use as before. Bounded, and
 * emptied whole when full.
 */
const VERIFIED_TOKENS_MAX = 4096;

export class TokenVerifier {
  private readonly options: TokenVerifierOptions;
  private readonly key: CryptoKey;
  private readonly clock: Clock;
  private readonly verified = new BoundedMap<string, VerifiedToken>(VERIFIED_TOKENS_MAX);

  private constructor(options: TokenVerifierOptions, key: CryptoKey, clock: Clock) {
    this.options = options;
    this.key = key;
    this.clock = clock;
  }

  static async create(options: TokenVerifierOptions, deps: { clock: Clock }): Promise<TokenVerifier> {
    const pk = options.issuerPublicKey;
    // The same key rule as every other signature we check (core/crypto/ed25519-rule.ts).
    invariant(isHex(pk, 32) && isAcceptablePublicKey(fromHex(pk)), 'issuer key is an acceptable Ed25519 key');
    const { kty, crv, x } = publicJwk(pk);
    return new TokenVerifier(options, await importKey({ kty, crv, x }), deps.clock);
  }

  /**
   * Verifies a bearer token: signature by the issuer key under the pinned algorithm and type, issuer,
   * audience, nbf and exp with the clock skew allowed, then every claim's shape. Throws AuthError
   * 'auth.expired' or 'auth.invalid_token' (details.reason says which check failed, never the token).
   */
  async verify(token: string): Promise<VerifiedToken> {
    const verified = await this.check(token, ACCESS_TOKEN_TYP);
    // Whatever a token says, an access token lasting over the hour is not one we accept (finding 10).
    const { iat, exp } = verified.claims;
    if (exp - iat > ACCESS_TOKEN_TTL_MS_MAX / 1000) throw invalidToken('lifetime');
    return verified;
  }

  /**
   * Logs a session out: its access tokens and its refresh token are refused from now on. Kept until no
   * token of the session could verify any more (a refresh token issued now would last the longest).
   */
  revokeSession(token: VerifiedToken): boolean {
    const revocations = this.options.revocations;
    if (token.sessionId === undefined || revocations === undefined) return false;
    const skewMs = this.options.clockSkewMs ?? CLOCK_SKEW_MS_DEFAULT;
    revocations.revoke(token.sessionId, this.clock.nowMs() + REFRESH_TOKEN_TTL_MS_MAX + skewMs);
    return true;
  }

  /** Verifies a refresh token as verify() does an access token; its own typ, its own lifetime bound. */
  async verifyRefresh(token: string): Promise<VerifiedToken> {
    try {
      return await this.check(token, REFRESH_TOKEN_TYP);
    } catch (err) {
      if (err instanceof AuthError && err.code !== 'auth.revoked') {
        throw new AuthError('auth.refresh_invalid', 'the refresh token is not valid', err.details);
      }
      throw err;
    }
  }

  private async check(token: string, typ: string): Promise<VerifiedToken> {
    if (token.length === 0 || token.length > ACCESS_TOKEN_CHARS_MAX) throw invalidToken('malformed');
    const cacheKey = `${typ} ${token}`;
    let verified = this.verified.get(cacheKey);
    if (verified === undefined) {
      verified = await this.verifySignedToken(token, typ);
      this.verified.set(cacheKey, verified);
    } else {
      this.checkTimes(verified);
    }
    const sid = verified.sessionId;
    if (sid !== undefined && this.options.revocations?.isRevoked(sid) === true) {
      throw new AuthError('auth.revoked', 'this session was logged out');
    }
    return verified;
  }

  /** A remembered token's time claims against the clock now, with the skew jose allows. */
  private checkTimes(token: VerifiedToken): void {
    const nowSeconds = Math.floor(this.clock.nowMs() / 1000);
    const toleranceSeconds = Math.ceil((this.options.clockSkewMs ?? CLOCK_SKEW_MS_DEFAULT) / 1000);
    if (nowSeconds - toleranceSeconds >= token.claims.exp) {
      throw new AuthError('auth.expired', 'the access token has expired', { reason: 'claim:exp' });
    }
    if (nowSeconds + toleranceSeconds < token.claims.nbf) throw invalidToken('claim:nbf');
  }

  /** jose's full check (signature, alg, typ, iss, aud, nbf, exp), then every claim's shape. */
  private async verifySignedToken(token: string, typ: string): Promise<VerifiedToken> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.key, {
        algorithms: [ACCESS_TOKEN_ALG],
        typ,
        issuer: this.options.issuer,
        audience: this.options.audience,
        currentDate: new Date(this.clock.nowMs()),
        clockTolerance: Math.ceil((this.options.clockSkewMs ?? CLOCK_SKEW_MS_DEFAULT) / 1000),
        requiredClaims: ['sub', 'iat', 'nbf', 'exp', 'jti', 'scope', 'cc_kind'],
      }));
    } catch (err) {
      throw fromJoseError(err);
    }
    return checkClaims(payload);
  }
}

function invalidToken(reason: string): AuthError {
  return new AuthError('auth.invalid_token', 'the access token is not valid', { reason });
}

/** jose's failures as our codes; anything unforeseen fails closed as invalid_token. */
function fromJoseError(err: unknown): AuthError {
  if (err instanceof joseErrors.JWTExpired) {
    return new AuthError('auth.expired', 'the access token has expired', { reason: 'claim:exp' });
  }
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return invalidToken('signature');
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return invalidToken('algorithm');
  if (err instanceof joseErrors.JOSENotSupported) return invalidToken('algorithm');
  if (err instanceof joseErrors.JWTClaimValidationFailed) return invalidToken(`claim:${err.claim}`);
  return invalidToken('malformed');
}

/** The token endpoint's answer (RFC 6749 §5.1), with SMART's `patient` context when there is one. */
export function tokenResponse(issued: IssuedToken): Record<string, string | number> {
  const body: Record<string, string | number> = {
    access_token: issued.accessToken,
    token_type: issued.tokenType,
    expires_in: issued.expiresInS,
    scope: issued.claims.scope,
  };
  if (issued.claims.cc_patient !== undefined) body.patient = issued.claims.cc_patient;
  return body;
}

/** The JWKS a node publishes (RFC 7517 §5) so that clients and peers can check its tokens. */
export function jwks(publicKey: string): { keys: ReturnType<typeof publicJwk>[] } {
  return { keys: [publicJwk(publicKey)] };
}
