// Which validator set signs which block, read from the committed state (issue 15). The ledger, block
// sync, the consensus driver and `carechain verify` all ask here, so they follow the same sets: the
// genesis set until a governance vote schedules another (app/governance/validator-set.ts), which then
// signs from its activation height on.
//
// A header names the set that signs it (validatorSetHash) and, only in the block before an activation,
// the set that signs the next block (nextValidatorSetHash, as CometBFT's NextValidatorsHash). Leaving
// the field out when nothing changes keeps the headers, and so the hashes, of a chain that never
// changed its set exactly as they were before governance existed (test/vectors).
import { validatorSetHash, type ValidatorSet } from '../core/validators.ts';
import { validatorSetFromState } from './consensus/index.ts';
import { pendingValidatorSets, validatorSetForHeight, validatorSetHistory } from './governance/index.ts';
import type { StateReader } from './state.ts';

export interface ChainSets {
  /** The set that signed the tip: its commit is the next block's lastCommit (genesis' at height 0). */
  readonly last: ValidatorSet;
  /** The set that signs the block after the tip. */
  readonly next: ValidatorSet;
  /** The height `next` signs from (1 for the genesis set): the proposer rotation restarts there. */
  readonly nextActivatedAt: number;
}

/** The sets around the tip at tipHeight, from the state that tip committed. */
export function chainSetsAt(state: StateReader, tipHeight: number): ChainSets {
  const nextHeight = tipHeight + 1;
  const due = pendingValidatorSets(state).some((s) => s.height <= nextHeight);
  const history = validatorSetHistory(state);
  const last = validatorSetFromState(state);
  return {
    last,
    next: due ? validatorSetForHeight(state, nextHeight) : last,
    nextActivatedAt: due ? nextHeight : (history[history.length - 1]?.height ?? 1),
  };
}

/**
 * The nextValidatorSetHash block `height` must carry, from the state it leaves: the next set's hash when
 * it differs from the block's own set, else undefined (the field is absent).
 */
export function expectedNextSetHash(
  stateAfter: StateReader,
  height: number,
  ownSetHash: string,
): string | undefined {
  const next = validatorSetHash(validatorSetForHeight(stateAfter, height + 1));
  return next === ownSetHash ? undefined : next;
}
