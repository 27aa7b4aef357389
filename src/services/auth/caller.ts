// Who is calling, and may they (STYLE §4): the caller a verified token names, looked up again in the
// state of each request, and the scope check for one interaction. A token proves who the caller was when
// it was issued; membership can change since (a practitioner suspended, a patient's key rotated, a proxy
// revoked), so a token whose subject no longer matches is refused as revoked. How the token was carried
// and verified is the transport's business (api/auth/caller.ts); this file needs only what it says.
import type { StateReader } from '../../app/state.ts';
import { actorOf } from '../../app/membership/queries.ts';
import type { PractitionerRole, ProxyRelationship } from '../../app/membership/types.ts';
import type { SignedDelegation } from '../../contract/delegation.ts';
import { AuthError } from './errors.ts';
import { assertAllowed, type Interaction, type Scope, type ScopeContext } from './scopes.ts';

export type Caller =
  | {
      readonly kind: 'practitioner';
      readonly publicKey: string;
      readonly orgId: string;
      readonly role: PractitionerRole;
      readonly scopes: readonly Scope[];
      readonly context: 'user';
      /** Their own signed delegation to this node, if they signed in with their key (finding 8). */
      readonly delegation?: SignedDelegation;
    }
  | {
      readonly kind: 'patient';
      readonly publicKey: string;
      readonly pseudonym: string;
      readonly scopes: readonly Scope[];
      readonly context: 'patient';
      /** Their own signed delegation to this node, for their records at other custodians (issue 13). */
      readonly delegation?: SignedDelegation;
    }
  | {
      readonly kind: 'proxy';
      readonly publicKey: string;
      readonly pseudonym: string;
      readonly relationship: ProxyRelationship;
      readonly scopes: readonly Scope[];
      readonly context: 'patient';
      readonly delegation?: SignedDelegation;
    };

/** What a verified access token says about its subject (api/auth's VerifiedToken satisfies it). */
export interface TokenSubject {
  readonly subject: string;
  readonly kind: 'practitioner' | 'patient' | 'proxy';
  readonly orgId: string | undefined;
  readonly patient: string | undefined;
  readonly scopes: readonly Scope[];
  /** The subject's signed delegation the token carries (claim cc_dlg), if any. */
  readonly delegation?: SignedDelegation | undefined;
}

/** The caller a verified token names, as the state now has them; throws 'auth.revoked' if no longer so. */
export function resolveCaller(state: StateReader, token: TokenSubject): Caller {
  const actor = actorOf(state, token.subject);
  const revoked = () => new AuthError('auth.revoked', 'the token names a key that may no longer act as it');
  // What the token itself vouches for, the same whatever the caller's kind.
  const fromToken = {
    publicKey: token.subject,
    scopes: token.scopes,
    ...(token.delegation === undefined ? {} : { delegation: token.delegation }),
  };
  switch (token.kind) {
    case 'practitioner':
      if (actor.kind !== 'practitioner' || actor.orgId !== token.orgId || actor.status !== 'active') {
        throw revoked();
      }
      return { kind: 'practitioner', ...fromToken, orgId: actor.orgId, role: actor.role, context: 'user' };
    case 'patient':
      if (actor.kind !== 'patient' || actor.pseudonym !== token.patient) throw revoked();
      return { kind: 'patient', ...fromToken, pseudonym: actor.pseudonym, context: 'patient' };
    case 'proxy':
      if (actor.kind !== 'proxy' || actor.pseudonym !== token.patient) throw revoked();
      return {
        kind: 'proxy',
        ...fromToken,
        pseudonym: actor.pseudonym,
        relationship: actor.relationship,
        context: 'patient',
      };
  }
}

/**
 * The scope check for one interaction on one type, in the caller's context. Passing it is necessary,
 * not sufficient: consent is evaluated next, by the gateway.
 */
export function authorize(caller: Caller, resourceType: string, interaction: Interaction): void {
  const context: ScopeContext = caller.context;
  assertAllowed(caller.scopes, { context, resourceType, interaction });
}
