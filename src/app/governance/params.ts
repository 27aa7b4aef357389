// The network parameters governance may change, and the check of each value. A value is checked when it
// is proposed and again when it passes, by the same function on every node. The limits may only be
// tightened below the protocol's ceilings in core/limits.ts: those are bound to the P2P message size and
// every node's memory, so raising them is a software upgrade, not a vote.
import type { CanonicalValue } from '../../core/canonical.ts';
import { parsePolicy } from '../../core/c2sp/policy.ts';
import { CoreError } from '../../core/errors.ts';
import { BLOCK_BYTES_MAX, BLOCK_TXS_MAX, TX_BYTES_MAX } from '../../core/limits.ts';
import { enumField, exactObject, invalidPayload } from '../payload.ts';
import type { StateReader } from '../state.ts';
import { parameterKey, readRecord } from './keys.ts';
import type { NetworkParameter, ParameterValue } from './types.ts';

/** The base consent policies of issue 13: today's opt-in, the treatment relationship, Estonia's opt-out. */
export const BASE_CONSENT_POLICIES = ['opt-in', 'treatment-relationship', 'opt-out'] as const;

export const VOTING_PERIOD_BLOCKS_DEFAULT = 10_000;
export const VOTING_PERIOD_BLOCKS_MAX = 1_000_000;
/** The smallest tx limit a vote may set: below it a proposal to raise it again would not fit. */
export const TX_BYTES_MIN = 4 * 1024;
export const WITNESS_POLICY_BYTES_MAX = 16 * 1024;

function boundedInteger(value: CanonicalValue | undefined, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw invalidPayload(`${field} must be an integer from ${min} to ${max}`, { field });
  }
  return value;
}

// Printable ASCII lines only: the policy is a C2SP text format, and nothing else may hide in it.
const POLICY_TEXT = /^(?:[\x20-\x7e]*\n)*$/;

function checkWitnessPolicy(value: CanonicalValue): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > WITNESS_POLICY_BYTES_MAX) {
    throw invalidPayload(`witness-policy must be 1 to ${WITNESS_POLICY_BYTES_MAX} characters of text`);
  }
  if (!POLICY_TEXT.test(value)) {
    throw invalidPayload('witness-policy must be lines of printable ASCII, each ending in a newline');
  }
  try {
    parsePolicy(value);
  } catch (err) {
    if (!(err instanceof CoreError)) throw err;
    throw invalidPayload(`witness-policy is not a valid c2sp.org/tlog-policy: ${err.message}`);
  }
  return value;
}

/** The value in its one canonical form, or TxError('tx.invalid_payload'). */
export function checkParameter(name: NetworkParameter, value: CanonicalValue): ParameterValue {
  switch (name) {
    case 'base-consent-policy':
      return enumField(value, 'value', BASE_CONSENT_POLICIES);
    case 'break-glass-budgets': {
      const v = exactObject(value, 'break-glass-budgets', ['windowMs', 'perPractitioner', 'perOrganisation']);
      return {
        windowMs: boundedInteger(v.windowMs, 'windowMs', 1000, Number.MAX_SAFE_INTEGER),
        perPractitioner: boundedInteger(v.perPractitioner, 'perPractitioner', 0, 1_000_000),
        perOrganisation: boundedInteger(v.perOrganisation, 'perOrganisation', 0, 1_000_000),
      };
    }
    case 'tx-limits': {
      const v = exactObject(value, 'tx-limits', ['txBytesMax']);
      return { txBytesMax: boundedInteger(v.txBytesMax, 'txBytesMax', TX_BYTES_MIN, TX_BYTES_MAX) };
    }
    case 'block-limits': {
      const v = exactObject(value, 'block-limits', ['blockBytesMax', 'blockTxsMax']);
      return {
        blockBytesMax: boundedInteger(v.blockBytesMax, 'blockBytesMax', TX_BYTES_MAX, BLOCK_BYTES_MAX),
        blockTxsMax: boundedInteger(v.blockTxsMax, 'blockTxsMax', 1, BLOCK_TXS_MAX),
      };
    }
    case 'witness-policy':
      return checkWitnessPolicy(value);
    case 'voting-period-blocks':
      return boundedInteger(value, 'value', 1, VOTING_PERIOD_BLOCKS_MAX);
  }
}

/** A parameter's value as voted, or undefined while it has never been voted (the module's default holds). */
export function networkParameter(state: StateReader, name: NetworkParameter): ParameterValue | undefined {
  return readRecord<ParameterValue>(state, parameterKey(name));
}

export function votingPeriodBlocks(state: StateReader): number {
  const voted = networkParameter(state, 'voting-period-blocks');
  return typeof voted === 'number' ? voted : VOTING_PERIOD_BLOCKS_DEFAULT;
}
