// Practitioners get tokens from their own organisation's node (issue 4): the node, on its admin's say
// or for demo credentials, signs a token for a key that the chain says is an active practitioner of
// that organisation. The token carries user/ scopes only: a practitioner acts as a user of the system,
// and what they may see beyond their scopes is decided per request by consent (SMART v2 §"user-level
// scopes" grant no more than the user may access).
import type { StateReader } from '../../app/state.ts';
import { actorOf } from '../../app/membership/queries.ts';
import type { PractitionerRole } from '../../app/membership/types.ts';
import { AuthError } from './errors.ts';
import { scopesInContext, type Scope } from '../../services/auth/scopes.ts';
import { carriedOver, type IssuedToken, type TokenIssuer } from './tokens.ts';
import type { SignedDelegation } from '../../contract/delegation.ts';

/** A clinician's default: everything they may access, subject to consent at each request. */
export const PRACTITIONER_SCOPES_DEFAULT = 'user/*.cruds';

export interface PractitionerTokenRequest {
  readonly practitionerKey: string;
  readonly orgId: string;
  /** If given, the practitioner's registered role must be this one. */
  readonly role?: PractitionerRole;
  readonly scopes?: string | readonly Scope[];
  readonly ttlMs?: number;
  /** The practitioner's own signed delegation to this node, already checked (staff-login.ts). */
  readonly delegation?: SignedDelegation;
}

/**
 * Issues a practitioner token, refusing unless the issuer is a node of orgId and the key is an active
 * practitioner of orgId (with the role asked for, if any), at the state given (the latest committed).
 */
export async function issuePractitionerToken(
  state: StateReader,
  issuer: TokenIssuer,
  request: PractitionerTokenRequest,
): Promise<IssuedToken> {
  const scopes = scopesInContext(request.scopes ?? PRACTITIONER_SCOPES_DEFAULT, 'user');
  const node = actorOf(state, issuer.publicKey);
  if (node.kind !== 'node' || node.orgId !== request.orgId) {
    throw new AuthError('auth.issuer_not_org_node', 'this node issues tokens for its own organisation only', {
      orgId: request.orgId,
    });
  }
  const actor = actorOf(state, request.practitionerKey);
  const refuse = (reason: string): AuthError =>
    new AuthError('auth.not_practitioner', `not an active practitioner of ${request.orgId}: ${reason}`, {
      orgId: request.orgId,
      reason,
    });
  if (actor.kind !== 'practitioner') throw refuse('unknown');
  if (actor.orgId !== request.orgId) throw refuse('other_org');
  if (actor.status !== 'active') throw refuse('suspended');
  if (request.role !== undefined && actor.role !== request.role) throw refuse('role_mismatch');
  return issuer.issue({
    subject: request.practitionerKey,
    kind: 'practitioner',
    orgId: request.orgId,
    scopes,
    ...carriedOver(request),
  });
}
