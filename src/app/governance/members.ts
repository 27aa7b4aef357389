// Who governs: the member organisations that are active now. An organisation admitted by genesis or by
// add-member is active until a vote suspends or removes it; only an active member's current admin key
// may propose or vote.
import type { TxContext } from '../module.ts';
import { keyEntry, organisation, organisationIds } from '../membership/queries.ts';
import { compareStrings, rejected } from '../payload.ts';
import type { StateReader } from '../state.ts';
import { memberStatusKey, readRecord } from './keys.ts';
import type { MemberStatus, MemberStatusRecord } from './types.ts';

/** The status of a member organisation, or undefined when there is no such organisation. */
export function memberStatus(state: StateReader, orgId: string): MemberStatus | undefined {
  if (organisation(state, orgId) === undefined) return undefined;
  return readRecord<MemberStatusRecord>(state, memberStatusKey(orgId))?.status ?? 'active';
}

export function isActiveMember(state: StateReader, orgId: string): boolean {
  return memberStatus(state, orgId) === 'active';
}

/** The organisations that may vote now, sorted. */
export function electorate(state: StateReader): string[] {
  return organisationIds(state)
    .filter((id) => isActiveMember(state, id))
    .sort(compareStrings);
}

/** The organisation whose current admin key signed, refusing anyone else or a member not active now. */
export function requireMemberAdmin(ctx: TxContext): string {
  const entry = keyEntry(ctx.state, ctx.signer);
  const org = entry?.kind === 'org-admin' ? organisation(ctx.state, entry.orgId) : undefined;
  if (org === undefined || org.adminKey !== ctx.signer) {
    throw rejected('governance.not_member_admin', 'only a member organisation’s admin key may do this');
  }
  if (!isActiveMember(ctx.state, org.id)) {
    throw rejected('governance.member_not_active', 'the organisation is suspended or removed', {
      orgId: org.id,
    });
  }
  return org.id;
}
