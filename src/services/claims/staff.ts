// Who may act on claims at a node: staff of the node's own organisation, within their token's scopes
// (PAS requests and claims at a provider's node, decisions and adjudications at a payer's).
import { actorOf } from '../../app/membership/queries.ts';
import type { PractitionerRole } from '../../app/membership/types.ts';
import type { CarechainNode } from '../../node/node.ts';
import { authorize, type Caller } from '../auth/caller.ts';
import { ServiceError } from '../errors.ts';

/** Who answers for the payer (PA decisions, adjudication): the claims office or an administrator. */
export const DECIDING_ROLES: readonly PractitionerRole[] = ['claims-officer', 'admin'];

/** This node's organisation: the provider when it submits, the payer when it decides. */
export function nodeOrgIdOf(node: CarechainNode): string {
  const actor = actorOf(node.ledger.state, node.key.publicKey);
  if (actor.kind !== 'node') {
    throw new ServiceError('claims.unavailable', 'this node is not registered to an organisation');
  }
  return actor.orgId;
}

/** Staff of this node's organisation whose token allows the interaction on the type; else a refusal. */
export function claimsStaff(node: CarechainNode, who: Caller, type: string, interaction: 'c' | 'r'): string {
  const orgId = nodeOrgIdOf(node);
  if (who.kind !== 'practitioner' || who.orgId !== orgId) {
    throw new ServiceError('claims.staff_only', 'only staff of this node’s organisation may do this');
  }
  authorize(who, type, interaction);
  return orgId;
}

/** The payer's claims office or an administrator, at the payer's own node. */
export function payerDecider(node: CarechainNode, who: Caller): string {
  const orgId = claimsStaff(node, who, 'ClaimResponse', 'c');
  if (who.kind !== 'practitioner' || !DECIDING_ROLES.includes(who.role)) {
    throw new ServiceError('claims.staff_only', 'only the claims office or an administrator decides');
  }
  return orgId;
}
