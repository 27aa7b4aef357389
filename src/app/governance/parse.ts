// Proposal and vote payloads are untrusted JSON: each is parsed into its typed value first, with exact
// objects all the way down (payload.ts), so nothing rides along unchecked into the public record.
import type { CanonicalValue } from '../../core/canonical.ts';
import { ORGANISATION_TYPES } from '../membership/types.ts';
import {
  enumField,
  exactObject,
  hexField,
  invalidPayload,
  orgIdField,
  safeIntegerField,
  usableKeyField,
  type PayloadObject,
} from '../payload.ts';
import { checkParameter } from './params.ts';
import {
  ACTION_KINDS,
  NETWORK_PARAMETERS,
  VOTE_CHOICES,
  type ProposalAction,
  type VoteChoice,
} from './types.ts';

export const REASON_LENGTH_MAX = 1000;
export const ORG_NAME_LENGTH_MAX = 200;
/** A validator's power is bounded so that 100 of them still sum, times 3, to a safe integer. */
export const VALIDATOR_POWER_MAX = 1_000_000_000;
// Printable text only: no control or format characters that could forge log lines or hide text.
const PRINTABLE = /^[^\p{Cc}\p{Cf}]*$/u;

function textField(value: CanonicalValue | undefined, field: string, min: number, max: number): string {
  if (typeof value !== 'string' || value.length < min || value.length > max || !PRINTABLE.test(value)) {
    throw invalidPayload(`${field} must be ${min} to ${max} printable characters`, { field });
  }
  return value;
}

function powerField(value: CanonicalValue | undefined, field: string): number {
  const power = safeIntegerField(value, field, 0);
  if (power > VALIDATOR_POWER_MAX)
    throw invalidPayload(`${field} must be at most ${VALIDATOR_POWER_MAX}`, { field });
  return power;
}

export function parseAction(value: CanonicalValue | undefined): ProposalAction {
  const kind = enumField(
    (value as { kind?: CanonicalValue } | null | undefined)?.kind,
    'action.kind',
    ACTION_KINDS,
  );
  switch (kind) {
    case 'add-member': {
      const a = exactObject(value, 'add-member', [
        'kind',
        'orgId',
        'name',
        'type',
        'adminKey',
        'nodeKey',
        'power',
      ]);
      return {
        kind,
        orgId: orgIdField(a.orgId, 'orgId'),
        name: textField(a.name, 'name', 1, ORG_NAME_LENGTH_MAX),
        type: enumField(a.type, 'type', ORGANISATION_TYPES),
        adminKey: usableKeyField(a.adminKey, 'adminKey'),
        nodeKey: usableKeyField(a.nodeKey, 'nodeKey'),
        power: powerField(a.power, 'power'),
      };
    }
    case 'suspend-member':
    case 'reinstate-member':
    case 'remove-member': {
      const a = exactObject(value, kind, ['kind', 'orgId']);
      return { kind, orgId: orgIdField(a.orgId, 'orgId') };
    }
    case 'validator-power': {
      const a = exactObject(value, kind, ['kind', 'publicKey', 'power']);
      return { kind, publicKey: hexField(a.publicKey, 'publicKey', 32), power: powerField(a.power, 'power') };
    }
    case 'rotate-validator-key': {
      const a = exactObject(value, kind, ['kind', 'publicKey', 'newKey']);
      return {
        kind,
        publicKey: hexField(a.publicKey, 'publicKey', 32),
        newKey: usableKeyField(a.newKey, 'newKey'),
      };
    }
    case 'set-parameter': {
      const a = exactObject(value, kind, ['kind', 'name', 'value']);
      const name = enumField(a.name, 'name', NETWORK_PARAMETERS);
      return { kind, name, value: checkParameter(name, a.value as CanonicalValue) };
    }
  }
}

export function parseProposePayload(p: PayloadObject): { action: ProposalAction; reason: string } {
  return { action: parseAction(p.action), reason: textField(p.reason, 'reason', 1, REASON_LENGTH_MAX) };
}

export function parseVotePayload(p: PayloadObject): {
  proposalId: string;
  choice: VoteChoice;
  reason: string;
} {
  return {
    proposalId: hexField(p.proposalId, 'proposalId', 32),
    choice: enumField(p.choice, 'choice', VOTE_CHOICES),
    reason: textField(p.reason, 'reason', 0, REASON_LENGTH_MAX),
  };
}
