// Auth failures as the services raise them: one table of every auth code with its status and its names
// at each boundary (RFC 6750 §3.1, RFC 6749 §5.2). The translation to HTTP answers and challenges lives
// in api/auth/errors.ts; deciding who may act lives here, beside the caller and the scopes.
import { CoreError, type Details } from '../../core/errors.ts';
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

/** The one table: every auth code, its status and its names at each boundary. */
const AUTH_ERRORS = {
  // Resource requests (RFC 6750 §3.1).
  'auth.missing': { status: 401, oauth: null, issue: 'login' },
  'auth.invalid_request': { status: 400, oauth: 'invalid_request', issue: 'invalid' },
  'auth.invalid_token': { status: 401, oauth: 'invalid_token', issue: 'login' },
  'auth.expired': { status: 401, oauth: 'invalid_token', issue: 'expired' },
  /** The token was good, but its subject no longer is what it says (suspended, key rotated, proxy revoked). */
  'auth.revoked': { status: 401, oauth: 'invalid_token', issue: 'login' },
  'auth.insufficient_scope': { status: 403, oauth: 'insufficient_scope', issue: 'forbidden' },
  // Token requests: a bad grant is 400 invalid_grant, a bad scope 400 invalid_scope (RFC 6749 §5.2).
  'auth.scope_malformed': { status: 400, oauth: 'invalid_scope', issue: 'invalid' },
  'auth.scope_not_allowed': { status: 400, oauth: 'invalid_scope', issue: 'invalid' },
  'auth.challenge_invalid': { status: 400, oauth: 'invalid_request', issue: 'invalid' },
  'auth.challenge_unknown': { status: 400, oauth: 'invalid_grant', issue: 'login' },
  'auth.challenge_replayed': { status: 400, oauth: 'invalid_grant', issue: 'login' },
  'auth.challenge_expired': { status: 400, oauth: 'invalid_grant', issue: 'expired' },
  'auth.challenge_wrong_audience': { status: 400, oauth: 'invalid_grant', issue: 'login' },
  'auth.challenge_bad_signature': { status: 400, oauth: 'invalid_grant', issue: 'login' },
  /** Every slot for outstanding challenges is taken: ask again later (Retry-After); nobody else's is dropped. */
  'auth.challenge_busy': { status: 429, oauth: null, issue: 'throttled' },
  'auth.refresh_invalid': { status: 400, oauth: 'invalid_grant', issue: 'login' },
  // Who may get a token at all.
  'auth.not_registered': { status: 403, oauth: 'access_denied', issue: 'forbidden' },
  'auth.not_practitioner': { status: 403, oauth: 'access_denied', issue: 'forbidden' },
  'auth.issuer_not_org_node': { status: 403, oauth: 'access_denied', issue: 'forbidden' },
  /** A practitioner's signed delegation (finding 8) that is missing, forged, expired or not for this use. */
  'auth.delegation_invalid': { status: 403, oauth: 'access_denied', issue: 'forbidden' },
} as const satisfies Record<string, AuthErrorKind>;

export type AuthErrorCode = keyof typeof AUTH_ERRORS;
export const AUTH_ERROR_CODES = Object.keys(AUTH_ERRORS) as AuthErrorCode[];

export class AuthError extends CoreError {
  declare readonly code: AuthErrorCode;
  constructor(code: AuthErrorCode, message: string, details: Details = {}) {
    super(code, message, details);
    this.name = 'AuthError';
  }
  get statusCode(): number {
    return AUTH_ERRORS[this.code].status;
  }
}

export function authErrorKind(code: AuthErrorCode): AuthErrorKind {
  return AUTH_ERRORS[code];
}
