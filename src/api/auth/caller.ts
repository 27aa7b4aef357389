// From an Authorization header to a known caller, for the per-request gateway (STYLE §4). A token
// proves who the caller was when it was issued; membership can change since (a practitioner
// suspended, a patient's key rotated, a proxy revoked), so the caller is looked up again in the state
// of each request and a token whose subject no longer matches is refused as revoked.
import type { StateReader } from '../../app/state.ts';
import { actorOf } from '../../app/membership/queries.ts';
import type { PractitionerRole, ProxyRelationship } from '../../app/membership/types.ts';
import { AuthError } from './errors.ts';
import { assertAllowed, type Interaction, type Scope, type ScopeContext } from './scopes.ts';
import { ACCESS_TOKEN_CHARS_MAX, type TokenVerifier, type VerifiedToken } from './tokens.ts';

export type Caller =
  | {
      readonly kind: 'practitioner';
      readonly publicKey: string;
      readonly orgId: string;
      readonly role: PractitionerRole;
      readonly scopes: readonly Scope[];
      readonly context: 'user';
    }
  | {
      readonly kind: 'patient';
      readonly publicKey: string;
      readonly pseudonym: string;
      readonly scopes: readonly Scope[];
      readonly context: 'patient';
    }
  | {
      readonly kind: 'proxy';
      readonly publicKey: string;
      readonly pseudonym: string;
      readonly relationship: ProxyRelationship;
      readonly scopes: readonly Scope[];
      readonly context: 'patient';
    };

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

/** The caller a verified token names, as the state now has them; throws 'auth.revoked' if no longer so. */
export function resolveCaller(state: StateReader, token: VerifiedToken): Caller {
  const actor = actorOf(state, token.subject);
  const revoked = () => new AuthError('auth.revoked', 'the token names a key that may no longer act as it');
  switch (token.kind) {
    case 'practitioner':
      if (actor.kind !== 'practitioner' || actor.orgId !== token.orgId || actor.status !== 'active') {
        throw revoked();
      }
      return {
        kind: 'practitioner',
        publicKey: token.subject,
        orgId: actor.orgId,
        role: actor.role,
        scopes: token.scopes,
        context: 'user',
      };
    case 'patient':
      if (actor.kind !== 'patient' || actor.pseudonym !== token.patient) throw revoked();
      return {
        kind: 'patient',
        publicKey: token.subject,
        pseudonym: actor.pseudonym,
        scopes: token.scopes,
        context: 'patient',
      };
    case 'proxy':
      if (actor.kind !== 'proxy' || actor.pseudonym !== token.patient) throw revoked();
      return {
        kind: 'proxy',
        publicKey: token.subject,
        pseudonym: actor.pseudonym,
        relationship: actor.relationship,
        scopes: token.scopes,
        context: 'patient',
      };
  }
}

/** Header to caller in one step: bearerToken, verify, resolveCaller. Throws AuthError on any failure. */
export async function authenticate(
  authorization: string | string[] | undefined,
  verifier: TokenVerifier,
  state: StateReader,
): Promise<Caller> {
  const token = await verifier.verify(bearerToken(authorization));
  return resolveCaller(state, token);
}

/**
 * The scope check for one interaction on one type, in the caller's context. Passing it is necessary,
 * not sufficient: consent is evaluated next, by the gateway.
 */
export function authorize(caller: Caller, resourceType: string, interaction: Interaction): void {
  const context: ScopeContext = caller.context;
  assertAllowed(caller.scopes, { context, resourceType, interaction });
}
