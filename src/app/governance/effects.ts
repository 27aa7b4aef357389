// What a passed proposal does. The same function checks a proposal when it is made (on a scratch scope
// that is then undone) and carries it out when it passes, so a proposal that could not be carried out is
// refused up front, and one that the state has outgrown since (its key taken meanwhile, say) becomes void
// instead of half-done: every refusal is a rejected() TxError thrown before or without lasting writes.
import type { Validator } from '../../core/validators.ts';
import { writeOrganisation } from '../membership/genesis.ts';
import { keyEntryKey, orgKey, ORGS_KEY } from '../membership/keys.ts';
import { keyEntry, organisation, organisationIds } from '../membership/queries.ts';
import type { KeyEntry, Organisation } from '../membership/types.ts';
import { BREAK_GLASS_PARAMS_KEY } from '../records/policy.ts';
import { compareStrings, rejected } from '../payload.ts';
import { encodeStateValue, type StateOverlay } from '../state.ts';
import { memberStatusKey, parameterKey } from './keys.ts';
import { electorate, memberStatus } from './members.ts';
import type { MemberStatus, MemberStatusRecord, ProposalAction } from './types.ts';
import { checkValidatorChange, latestValidators, scheduleValidatorSet } from './validator-set.ts';

export interface Decision {
  readonly state: StateOverlay;
  readonly height: number;
  readonly proposalId: string;
}

function requireUnusedKey(d: Decision, key: string): void {
  if (keyEntry(d.state, key) !== undefined) {
    throw rejected('governance.key_in_use', 'this key is already registered');
  }
}

function requireOrg(d: Decision, orgId: string): { org: Organisation; status: MemberStatus } {
  const org = organisation(d.state, orgId);
  const status = memberStatus(d.state, orgId);
  if (org === undefined || status === undefined) {
    throw rejected('governance.unknown_org', 'no such member organisation', { orgId });
  }
  return { org, status };
}

function setStatus(d: Decision, orgId: string, status: MemberStatus): void {
  const record: MemberStatusRecord = { status, sinceHeight: d.height, proposalId: d.proposalId };
  d.state.set(memberStatusKey(orgId), encodeStateValue(record));
}

/** Checks the next set against the latest one and queues it; returns its activation height. */
function changeValidators(d: Decision, next: readonly Validator[]): number {
  const set = checkValidatorChange(latestValidators(d.state), next);
  return scheduleValidatorSet(d.state, set, d.height, d.proposalId);
}

function addMember(d: Decision, a: Extract<ProposalAction, { kind: 'add-member' }>): number | null {
  if (organisation(d.state, a.orgId) !== undefined) {
    throw rejected('governance.org_exists', 'an organisation with this id exists', { orgId: a.orgId });
  }
  if (a.adminKey === a.nodeKey) throw rejected('governance.key_in_use', 'one key may have one purpose');
  requireUnusedKey(d, a.adminKey);
  requireUnusedKey(d, a.nodeKey);
  const org: Organisation = {
    id: a.orgId,
    name: a.name,
    type: a.type,
    adminKey: a.adminKey,
    nodeKeys: [a.nodeKey],
  };
  writeOrganisation(d.state, org);
  d.state.set(ORGS_KEY, encodeStateValue([...organisationIds(d.state), a.orgId].sort(compareStrings)));
  if (a.power === 0) return null;
  return changeValidators(d, [
    ...latestValidators(d.state),
    { publicKey: a.nodeKey, power: a.power, name: a.name },
  ]);
}

/** Suspension and removal take the organisation's vote and its validators' power away. */
function leave(d: Decision, orgId: string, to: 'suspended' | 'removed'): number | null {
  const { org, status } = requireOrg(d, orgId);
  if (status === 'removed' || status === to) {
    throw rejected('governance.member_not_active', `the organisation is already ${status}`, { orgId });
  }
  if (status === 'active' && electorate(d.state).length <= 1) {
    throw rejected('governance.last_member', 'the last active member cannot leave');
  }
  setStatus(d, orgId, to);
  const before = latestValidators(d.state);
  const after = before.filter((v) => !org.nodeKeys.includes(v.publicKey));
  return after.length === before.length ? null : changeValidators(d, after);
}

function reinstate(d: Decision, orgId: string): null {
  const { status } = requireOrg(d, orgId);
  if (status !== 'suspended') {
    throw rejected('governance.member_not_suspended', 'only a suspended organisation can be reinstated', {
      orgId,
    });
  }
  setStatus(d, orgId, 'active');
  return null;
}

/** The organisation a node key belongs to, if it is an active member's current node key. */
function nodeOwner(d: Decision, key: string): Organisation | undefined {
  const entry = keyEntry(d.state, key);
  const org = entry?.kind === 'node' ? organisation(d.state, entry.orgId) : undefined;
  return org !== undefined && org.nodeKeys.includes(key) && memberStatus(d.state, org.id) === 'active'
    ? org
    : undefined;
}

function setPower(d: Decision, publicKey: string, power: number): number {
  const before = latestValidators(d.state);
  if (before.some((v) => v.publicKey === publicKey)) {
    const after = before
      .map((v) => (v.publicKey === publicKey ? { ...v, power } : v))
      .filter((v) => v.power > 0);
    return changeValidators(d, after);
  }
  if (power === 0) throw rejected('governance.not_validator', 'this key is not a validator');
  const owner = nodeOwner(d, publicKey);
  if (owner === undefined) {
    throw rejected('governance.not_member_node', 'a new validator must be an active member’s node key');
  }
  return changeValidators(d, [...before, { publicKey, power, name: owner.name }]);
}

/** The new key becomes the organisation's node key at once; it signs blocks from the activation height. */
function rotate(d: Decision, publicKey: string, newKey: string): number {
  const before = latestValidators(d.state);
  if (!before.some((v) => v.publicKey === publicKey)) {
    throw rejected('governance.not_validator', 'this key is not a validator');
  }
  const owner = nodeOwner(d, publicKey);
  if (owner === undefined) {
    throw rejected('governance.not_member_node', 'only an active member’s validator key can be rotated');
  }
  requireUnusedKey(d, newKey);
  const nodeKeys = [...owner.nodeKeys.filter((k) => k !== publicKey), newKey].sort(compareStrings);
  d.state.set(orgKey(owner.id), encodeStateValue({ ...owner, nodeKeys }));
  const entry: KeyEntry = { kind: 'node', orgId: owner.id };
  d.state.set(keyEntryKey(newKey), encodeStateValue(entry));
  return changeValidators(
    d,
    before.map((v) => (v.publicKey === publicKey ? { ...v, publicKey: newKey } : v)),
  );
}

function setParameter(d: Decision, a: Extract<ProposalAction, { kind: 'set-parameter' }>): null {
  d.state.set(parameterKey(a.name), encodeStateValue(a.value));
  // The break-glass budget already lives in records' state (genesis sets it); a vote replaces it there,
  // so the one policy point (records/policy.ts) reads it where it always has.
  if (a.name === 'break-glass-budgets') d.state.set(BREAK_GLASS_PARAMS_KEY, encodeStateValue(a.value));
  return null;
}

/** Carries out a passed proposal; returns the activation height of a validator-set change, else null. */
export function carryOut(d: Decision, action: ProposalAction): number | null {
  switch (action.kind) {
    case 'add-member':
      return addMember(d, action);
    case 'suspend-member':
      return leave(d, action.orgId, 'suspended');
    case 'remove-member':
      return leave(d, action.orgId, 'removed');
    case 'reinstate-member':
      return reinstate(d, action.orgId);
    case 'validator-power':
      return setPower(d, action.publicKey, action.power);
    case 'rotate-validator-key':
      return rotate(d, action.publicKey, action.newKey);
    case 'set-parameter':
      return setParameter(d, action);
  }
}
