// Auth failures as the services raise them: one table of every auth code with its names at each boundary
// (RFC 6750 §3.1, RFC 6749 §5.2); its HTTP status is the error catalogue's (src/core/errors/codes.ts).
// The translation to HTTP answers and challenges lives in api/auth/errors.ts; deciding who may act lives
// here, beside the caller and the scopes.
import { CoreError, type Details } from '../../core/errors.ts';
import { statusOfCode } from '../../core/errors/codes.ts';
import type { IssueType } from '../fhir/operation-outcome.ts';

/**
 * The error codes of RFC 6750 §3.1 (resource requests) and RFC 6749 §5.2 (token requests). null: the
 * request carried no credentials, so the challenge names none (RFC 6750 §3.1, last paragraph).
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'invalid_grant'
  | 'invalid_scope'
  | 'access_denied';

export interface AuthErrorKind {
  readonly status: number;
  readonly oauth: OAuthErrorCode | null;
  /** The IssueType of the OperationOutcome at the FHIR boundary. */
  readonly issue: IssueType;
}

/** The one table: every auth code and its names at each boundary (its status is the catalogue's). */
const AUTH_ERRORS = {
  // Resource requests (RFC 6750 §3.1).
  'auth.missing': { oauth: null, issue: 'login' },
  'auth.invalid_request': { oauth: 'invalid_request', issue: 'invalid' },
  'auth.invalid_token': { oauth: 'invalid_token', issue: 'login' },
  'auth.expired': { oauth: 'invalid_token', issue: 'expired' },
  /** The token was good, but its subject no longer is what it says (suspended, key rotated, proxy revoked). */
  'auth.revoked': { oauth: 'invalid_token', issue: 'login' },
  'auth.insufficient_scope': { oauth: 'insufficient_scope', issue: 'forbidden' },
  // Token requests: a bad grant is 400 invalid_grant, a bad scope 400 invalid_scope (RFC 6749 §5.2).
  'auth.scope_malformed': { oauth: 'invalid_scope', issue: 'invalid' },
  'auth.scope_not_allowed': { oauth: 'invalid_scope', issue: 'invalid' },
  'auth.challenge_invalid': { oauth: 'invalid_request', issue: 'invalid' },
  'auth.challenge_unknown': { oauth: 'invalid_grant', issue: 'login' },
  'auth.challenge_replayed': { oauth: 'invalid_grant', issue: 'login' },
  'auth.challenge_expired': { oauth: 'invalid_grant', issue: 'expired' },
  'auth.challenge_wrong_audience': { oauth: 'invalid_grant', issue: 'login' },
  'auth.challenge_bad_signature': { oauth: 'invalid_grant', issue: 'login' },
  /** Every slot for outstanding challenges is taken: ask again later (Retry-After); nobody else's is dropped. */
  'auth.challenge_busy': { oauth: null, issue: 'throttled' },
  'auth.refresh_invalid': { oauth: 'invalid_grant', issue: 'login' },
  // Who may get a token at all.
  'auth.not_registered': { oauth: 'access_denied', issue: 'forbidden' },
  'auth.not_practitioner': { oauth: 'access_denied', issue: 'forbidden' },
  'auth.issuer_not_org_node': { oauth: 'access_denied', issue: 'forbidden' },
  /** A practitioner's signed delegation (finding 8) that is missing, forged, expired or not for this use. */
  'auth.delegation_invalid': { oauth: 'access_denied', issue: 'forbidden' },
} as const satisfies Record<string, Omit<AuthErrorKind, 'status'>>;

export type AuthErrorCode = keyof typeof AUTH_ERRORS;
export const AUTH_ERROR_CODES = Object.keys(AUTH_ERRORS) as AuthErrorCode[];

export class AuthError extends CoreError {
  declare readonly code: AuthErrorCode;
  constructor(code: AuthErrorCode, message: string, details: Details = {}) {
    super(code, message, details);
    this.name = 'AuthError';
  }
  get statusCode(): number {
    return statusOfCode(this.code);
  }
}

export function authErrorKind(code: AuthErrorCode): AuthErrorKind {
  return { status: statusOfCode(code), ...AUTH_ERRORS[code] };
}
