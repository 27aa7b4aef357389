// Auth failures and their one mapping to both boundaries (STYLE §3), used by the one error translator
// (api/errors.ts): the domain API's
// { error: { code, message, details } } and the FHIR boundary's OperationOutcome, each with the status
// and the WWW-Authenticate challenge of RFC 6750 §3. Messages never carry a token, a key or PHI.
import type { OperationOutcome } from 'fhir/r4.js';
import type { ErrorBody } from '../../contract/ledger.ts';
import { FHIR_JSON_CONTENT_TYPE, FhirError, issue } from '../../services/fhir/operation-outcome.ts';
import {
  AUTH_ERROR_CODES,
  AuthError,
  authErrorKind,
  type AuthErrorCode,
  type OAuthErrorCode,
} from '../../services/auth/errors.ts';

export { AUTH_ERROR_CODES, AuthError, authErrorKind, type AuthErrorCode, type OAuthErrorCode };

/** The realm named in challenges (RFC 6750 §3: optional, one per protection space). */
export const DEFAULT_REALM = 'carechain';

/**
 * The WWW-Authenticate value (RFC 6750 §3), or undefined when the status is not 401 or 403. A request
 * without credentials gets a bare challenge; others name the error, and insufficient_scope names the
 * scope that was needed (details.requiredScope).
 */
export function wwwAuthenticate(err: AuthError, realm = DEFAULT_REALM): string | undefined {
  const kind = authErrorKind(err.code);
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
    body: { error: { code: err.code, message: err.message, details: err.details } },
  };
}

export function toFhirError(err: AuthError): FhirError {
  return new FhirError(err.statusCode, [issue(authErrorKind(err.code).issue, err.message)]);
}

export function fhirAuthResponse(err: AuthError, realm = DEFAULT_REALM): AuthErrorResponse<OperationOutcome> {
  return {
    statusCode: err.statusCode,
    headers: headersFor(err, realm, FHIR_JSON_CONTENT_TYPE),
    body: toFhirError(err).toOperationOutcome(),
  };
}
