// The claims of a carechain access token: the registered JWT claims (RFC 7519 §4.1, as profiled for
// access tokens by RFC 9068 §2.2) plus three of our own, and the one check of their shape. A token
// whose signature verified is still refused here if any claim is missing, mistyped or inconsistent.
import { isHex } from '../../core/bytes.ts';
import { AuthError } from './errors.ts';
import { parseDelegation, type SignedDelegation } from '../../contract/delegation.ts';
import { parseScopes, type Scope } from '../../services/auth/scopes.ts';

/** Who the token speaks for: a practitioner of an organisation, a patient, or a patient's proxy. */
export const TOKEN_KINDS = ['practitioner', 'patient', 'proxy'] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

export interface AccessTokenClaims {
  /** The issuing node (or its organisation), as configured on that node. */
  readonly iss: string;
  /** The caller's Ed25519 public key, lowercase hex. */
  readonly sub: string;
  /** The FHIR base URL of the node the token is for (RFC 9068 §3: the resource indicator). */
  readonly aud: string;
  /** Seconds since the epoch (RFC 7519 §2 NumericDate). */
  readonly iat: number;
  readonly nbf: number;
  readonly exp: number;
  readonly jti: string;
  /** Space-separated SMART v2 scopes, canonical spelling (RFC 8693 §4.2 / RFC 9068 §2.2.3). */
  readonly scope: string;
  readonly cc_kind: TokenKind;
  /** The practitioner's organisation; only on practitioner tokens. */
  readonly cc_org?: string;
  /** The pseudonym of the patient acted for; only on patient and proxy tokens. */
  readonly cc_patient?: string;
  /** The login session (16 random bytes, hex), which logging out revokes (revocations.ts). */
  readonly sid?: string;
  /**
   * The subject's own signed delegation to this node (finding 8; a patient's, issue 13), when they
   * signed in with their key. Without it the token works at this node but cannot cross nodes.
   */
  readonly cc_dlg?: SignedDelegation;
}

/** The checked contents of a token: what the gateway uses to know the caller. */
export interface VerifiedToken {
  readonly claims: AccessTokenClaims;
  readonly scopes: readonly Scope[];
  readonly subject: string;
  readonly kind: TokenKind;
  readonly orgId: string | undefined;
  readonly patient: string | undefined;
  readonly expiresAtMs: number;
  readonly sessionId: string | undefined;
  readonly delegation: SignedDelegation | undefined;
}

/** The JWT ID is ours: 16 random bytes, hex. Longer ones are not from us. */
export const JTI_CHARS_MAX = 64;
const TEXT_CHARS_MAX = 2048;
const ORG_ID = /^[a-z0-9-]{1,64}$/;

function invalid(reason: string): AuthError {
  return new AuthError('auth.invalid_token', 'the access token is not valid', { reason });
}

function text(value: unknown, claim: string, charsMax = TEXT_CHARS_MAX): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > charsMax) {
    throw invalid(`claim:${claim}`);
  }
  return value;
}

function seconds(value: unknown, claim: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw invalid(`claim:${claim}`);
  return value;
}

function isTokenKind(value: unknown): value is TokenKind {
  return typeof value === 'string' && (TOKEN_KINDS as readonly string[]).includes(value);
}

/**
 * Checks the shape of a verified payload. The signature, issuer, audience and times were checked by
 * the JWT layer already; this makes sure the rest is what we issue, and nothing else.
 */
export function checkClaims(payload: Record<string, unknown>): VerifiedToken {
  const sub = payload.sub;
  if (!isHex(sub, 32)) throw invalid('claim:sub');
  const kind = payload.cc_kind;
  if (!isTokenKind(kind)) throw invalid('claim:cc_kind');
  let scopes: Scope[];
  try {
    scopes = parseScopes(text(payload.scope, 'scope'));
  } catch {
    throw invalid('claim:scope');
  }
  const exp = seconds(payload.exp, 'exp');
  const sid = payload.sid;
  if (sid !== undefined && !isHex(sid, 16)) throw invalid('claim:sid');
  const delegation = delegationClaim(payload.cc_dlg, sub);
  const claims: AccessTokenClaims = {
    iss: text(payload.iss, 'iss'),
    sub,
    aud: text(payload.aud, 'aud'),
    iat: seconds(payload.iat, 'iat'),
    nbf: seconds(payload.nbf, 'nbf'),
    exp,
    jti: text(payload.jti, 'jti', JTI_CHARS_MAX),
    scope: payload.scope as string,
    cc_kind: kind,
    ...subjectClaims(kind, payload.cc_org, payload.cc_patient),
    ...(sid === undefined ? {} : { sid }),
    ...(delegation === undefined ? {} : { cc_dlg: delegation }),
  };
  return {
    claims,
    scopes,
    subject: sub,
    kind,
    orgId: claims.cc_org,
    patient: claims.cc_patient,
    expiresAtMs: exp * 1000,
    sessionId: sid,
    delegation,
  };
}

/** A delegation rides only on a token whose subject signed it (a practitioner's, a patient's or proxy's). */
export function delegationClaim(value: unknown, subject: string): SignedDelegation | undefined {
  if (value === undefined) return undefined;
  const delegation = parseDelegation(value);
  if (delegation?.practitionerKey !== subject) throw invalid('claim:cc_dlg');
  return delegation;
}

/** A practitioner token names an organisation and no patient; a patient or proxy token the reverse. */
export function subjectClaims(
  kind: TokenKind,
  org: unknown,
  patient: unknown,
): { cc_org: string } | { cc_patient: string } {
  if (kind === 'practitioner') {
    if (typeof org !== 'string' || !ORG_ID.test(org)) throw invalid('claim:cc_org');
    if (patient !== undefined) throw invalid('claim:cc_patient');
    return { cc_org: org };
  }
  if (!isHex(patient, 32)) throw invalid('claim:cc_patient');
  if (org !== undefined) throw invalid('claim:cc_org');
  return { cc_patient: patient };
}
