// Practitioners are registered, suspended and reinstated by their organisation's admin key. The chain
// records only key, organisation, role and status; who the person is stays with the organisation.
import type { TxContext, TxHandler } from '../module.ts';
import { enumField, hexField, orgIdField, rejected, usableKeyField, type PayloadObject } from '../payload.ts';
import { encodeStateValue } from '../state.ts';
import { keyEntryKey, practitionerKey } from './keys.ts';
import { keyEntry, organisation, practitionerRecord } from './queries.ts';
import {
  PRACTITIONER_ROLES,
  type KeyEntry,
  type PractitionerRecord,
  type PractitionerStatus,
} from './types.ts';

/** Refuses unless the signer holds the admin key of orgId. */
function requireAdmin(ctx: TxContext, orgId: string): void {
  const org = organisation(ctx.state, orgId);
  if (org === undefined) throw rejected('membership.unknown_org', 'no such organisation', { orgId });
  if (org.adminKey !== ctx.signer) {
    throw rejected('membership.not_admin', 'only the organisation’s admin key may do this', { orgId });
  }
}

function applyRegister(ctx: TxContext, p: PayloadObject): void {
  const orgId = orgIdField(p.orgId, 'orgId');
  const key = usableKeyField(p.practitionerKey, 'practitionerKey');
  const role = enumField(p.role, 'role', PRACTITIONER_ROLES);
  requireAdmin(ctx, orgId);
  if (keyEntry(ctx.state, key) !== undefined) {
    throw rejected('membership.key_in_use', 'this key is already registered');
  }
  const entry: KeyEntry = { kind: 'practitioner', orgId };
  const record: PractitionerRecord = {
    orgId,
    role,
    status: 'active',
    registeredAtHeight: ctx.height,
    statusChangedAtHeight: ctx.height,
  };
  ctx.state.set(keyEntryKey(key), encodeStateValue(entry));
  ctx.state.set(practitionerKey(key), encodeStateValue(record));
}

/** Suspension and reinstatement differ only in the status they move from and to. */
function statusChange(from: PractitionerStatus, to: PractitionerStatus, reasonIfNot: string) {
  return (ctx: TxContext, p: PayloadObject): void => {
    const key = hexField(p.practitionerKey, 'practitionerKey', 32);
    const record = practitionerRecord(ctx.state, key);
    if (record === undefined) throw rejected('membership.unknown_practitioner', 'no such practitioner');
    requireAdmin(ctx, record.orgId);
    if (record.status !== from) {
      throw rejected(reasonIfNot, `the practitioner is not ${from}`, { status: record.status });
    }
    const next: PractitionerRecord = { ...record, status: to, statusChangedAtHeight: ctx.height };
    ctx.state.set(practitionerKey(key), encodeStateValue(next));
  };
}

export const practitionerHandlers: readonly TxHandler[] = [
  {
    type: 'membership.registerPractitioner',
    fields: ['orgId', 'practitionerKey', 'role'],
    apply: applyRegister,
  },
  {
    type: 'membership.suspendPractitioner',
    fields: ['practitionerKey'],
    apply: statusChange('active', 'suspended', 'membership.already_suspended'),
  },
  {
    type: 'membership.reinstatePractitioner',
    fields: ['practitionerKey'],
    apply: statusChange('suspended', 'active', 'membership.not_suspended'),
  },
];
