// From an Authorization header to a known caller (RFC 6750): the bearer token is read from the header
// only, verified, and its subject resolved against the state of this request by services/auth/caller.ts.
// Routes reach this through the auth plugin (api/auth-plugin.ts), never directly.
import { resolveCaller, type Caller } from '../../services/auth/caller.ts';
import { AuthError } from '../../services/auth/errors.ts';
import { ACCESS_TOKEN_CHARS_MAX, type TokenVerifier } from './tokens.ts';

export type { Caller } from '../../services/auth/caller.ts';

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token; b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" /
// "~" / "+" / "/" ) *"=". The scheme is case-insensitive (RFC 9110 §11.1).
const BEARER = /^bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/**
 * The token of an Authorization header. Only the header is read: tokens in the query string
 * (RFC 6750 §2.3) end up in logs and browser history, and the form body (§2.2) is not for FHIR.
 */
export function bearerToken(authorization: string | string[] | undefined): string {
  if (authorization === undefined || authorization === '') {
    throw new AuthError('auth.missing', 'send Authorization: Bearer <access token>');
  }
  if (Array.isArray(authorization) || authorization.length > ACCESS_TOKEN_CHARS_MAX + 16) {
    throw new AuthError('auth.invalid_request', 'send one Authorization: Bearer header');
  }
  const match = BEARER.exec(authorization);
  if (match === null) {
    // RFC 6750 §3.1: another scheme is no credentials of ours; a broken Bearer line is a bad request.
    if (!/^bearer\b/i.test(authorization)) {
      throw new AuthError('auth.missing', 'send Authorization: Bearer <access token>');
    }
    throw new AuthError('auth.invalid_request', 'the Authorization header is not "Bearer <token>"');
  }
  return match[1]!;
}

/** Header to caller in one step: bearerToken, verify, resolveCaller. Throws AuthError on any failure. */
export async function authenticate(
  authorization: string | string[] | undefined,
  verifier: TokenVerifier,
  state: Parameters<typeof resolveCaller>[0],
): Promise<Caller> {
  const token = await verifier.verify(bearerToken(authorization));
  return resolveCaller(state, token);
}
