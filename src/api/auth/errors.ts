// Auth failures and their one mapping to both boundaries (STYLE §3): the domain API's
// { error: { code, message, details } } and the FHIR boundary's OperationOutcome, each with the status
// and the WWW-Authenticate challenge of RFC 6750 §3. Messages never carry a token, a key or PHI.
import type { OperationOutcome } from 'fhir/r4.js';
import { CoreError, type Details } from '../../core/errors.ts';
import { errorBody, type ErrorBody } from '../errors.ts';
import {
  FHIR_JSON_CONTENT_TYPE,
  FhirError,
  issue,
  type IssueType,
  type ReplyLike,
} from '../../services/fhir/operation-outcome.ts';

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

interface AuthErrorKind {
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

/** The realm named in challenges (RFC 6750 §3: optional, one per protection space). */
export const DEFAULT_REALM = 'carechain';

/**
 * The WWW-Authenticate value (RFC 6750 §3), or undefined when the status is not 401 or 403. A request
 * without credentials gets a bare challenge; others name the error, and insufficient_scope names the
 * scope that was needed (details.requiredScope).
 */
export function wwwAuthenticate(err: AuthError, realm = DEFAULT_REALM): string | undefined {
  const kind = AUTH_ERRORS[err.code];
  if (kind.status !== 401 && kind.status !== 403) return undefined;
  const params = [`realm="${quotable(realm)}"`];
  if (kind.oauth !== null) {
    params.push(`error="${kind.oauth}"`, `error_description="${quotable(err.message)}"`);
    const scope = err.details.requiredScope;
    if (kind.oauth === 'insufficient_scope' && typeof scope === 'string') {
      params.push(`scope="${quotable(scope)}"`);
    }
  }
  return `Bearer ${params.join(', ')}`;
}

/** RFC 6750 §3: error_description and scope allow %x20-21 / %x23-5B / %x5D-7E only (no '"' nor '\'). */
function quotable(text: string): string {
  return text.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '?');
}

export interface AuthErrorResponse<Body> {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Body;
}

function headersFor(err: AuthError, realm: string, contentType: string): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': contentType };
  const challenge = wwwAuthenticate(err, realm);
  if (challenge !== undefined) headers['www-authenticate'] = challenge;
  // RFC 6749 §5.2 and RFC 6750 §4: answers about credentials are not cached.
  headers['cache-control'] = 'no-store';
  return headers;
}

export function domainAuthResponse(err: AuthError, realm = DEFAULT_REALM): AuthErrorResponse<ErrorBody> {
  return {
    statusCode: err.statusCode,
    headers: headersFor(err, realm, 'application/json; charset=utf-8'),
    body: errorBody(err.code, err.message, err.details),
  };
}

export function toFhirError(err: AuthError): FhirError {
  return new FhirError(err.statusCode, [issue(AUTH_ERRORS[err.code].issue, err.message)]);
}

export function fhirAuthResponse(err: AuthError, realm = DEFAULT_REALM): AuthErrorResponse<OperationOutcome> {
  return {
    statusCode: err.statusCode,
    headers: headersFor(err, realm, FHIR_JSON_CONTENT_TYPE),
    body: toFhirError(err).toOperationOutcome(),
  };
}

export type AuthBoundary = 'domain' | 'fhir';

/** Sends an auth failure in the format of its boundary, with its challenge header. */
export function sendAuthError(
  reply: ReplyLike,
  err: AuthError,
  boundary: AuthBoundary,
  realm = DEFAULT_REALM,
): void {
  const response = boundary === 'fhir' ? fhirAuthResponse(err, realm) : domainAuthResponse(err, realm);
  for (const [name, value] of Object.entries(response.headers)) void reply.header(name, value);
  void reply.status(response.statusCode).send(response.body);
}
