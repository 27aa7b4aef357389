// Who acts in the supply chain: organisations. A supply tx is signed by one of the organisation's node
// keys (the API signs for its own organisation's staff) or by an active practitioner of it; the acting
// organisation is derived from the signer here, never taken from the payload.
import { actorOf, organisation, organisationIds } from '../membership/queries.ts';
import type { Organisation, OrganisationType } from '../membership/types.ts';
import type { StateReader } from '../state.ts';
import { rejected } from '../payload.ts';

export function actingOrg(state: StateReader, signer: string): Organisation {
  const actor = actorOf(state, signer);
  if (actor.kind === 'practitioner' && actor.status !== 'active') {
    throw rejected(
      'supply.practitioner_suspended',
      'a suspended practitioner may not act in the supply chain',
    );
  }
  const orgId = actor.kind === 'node' || actor.kind === 'practitioner' ? actor.orgId : undefined;
  const org = orgId === undefined ? undefined : organisation(state, orgId);
  if (org === undefined) {
    throw rejected('supply.not_member', 'supply txs are signed by a member organisation’s node or staff');
  }
  return org;
}

export function requireOrgType(org: Organisation, types: readonly OrganisationType[], reason: string): void {
  if (!types.includes(org.type)) {
    throw rejected(reason, `only a ${types.join(' or ')} organisation may do this`, { orgId: org.id });
  }
}

/** Every regulator organisation of the network, in id order (the org list is bounded by genesis). */
export function regulatorIds(state: StateReader): string[] {
  return organisationIds(state).filter((id) => organisation(state, id)?.type === 'regulator');
}
