// Validator-set changes by vote (issue 15): how a passed proposal changes the set, the rule each change
// must keep, and the schedule that activates it at a height agreed in advance.
//
// Activation follows CometBFT: a change decided in block H takes effect at H + 2 at the earliest, so the
// header of block H + 1 can already name the next set (nextValidatorSetHash) and a light client that
// holds block H + 1 and its commit knows which keys must sign H + 2. Changes queue: each later one
// activates at least one height after the one before, and is checked against the set that one leaves.
//
// One activation may move less than 1/3 of the outgoing set's power, so at least 2/3 of the old power
// stays and more than 1/3 of the old set also signs for the new one: a light client that trusts the old
// set can follow by trusting more than 1/3 of it. Power moved is the larger of what is added and what is
// taken away: rotating a key moves its power once, not twice. Larger changes go in steps.
import {
  makeValidatorSet,
  validatorSetHash,
  VALIDATORS_MAX,
  type Validator,
  type ValidatorSet,
} from '../../core/validators.ts';
import { keepValidatorEra, VALIDATORS_KEY, validatorSetFromState } from '../consensus/index.ts';
import { rejected } from '../payload.ts';
import { encodeStateValue, type StateOverlay, type StateReader } from '../state.ts';
import { readRecord, VALIDATOR_HISTORY_KEY, VALIDATOR_SCHEDULE_KEY } from './keys.ts';
import type { ScheduledValidatorSet, ValidatorSetChange } from './types.ts';

/** Blocks between the block a change passes in and the first block the new set signs (CometBFT: H+2). */
export const ACTIVATION_DELAY_BLOCKS = 2;
/** Pending activations at once: bounds the schedule a vote must read and rewrite. */
export const SCHEDULE_LENGTH_MAX = 16;

export function pendingValidatorSets(state: StateReader): ScheduledValidatorSet[] {
  return readRecord<ScheduledValidatorSet[]>(state, VALIDATOR_SCHEDULE_KEY) ?? [];
}

export function validatorSetHistory(state: StateReader): ValidatorSetChange[] {
  return readRecord<ValidatorSetChange[]>(state, VALIDATOR_HISTORY_KEY) ?? [];
}

/**
 * The set that signs block `height`, read from the state committed at height - 1 (or from the state
 * while block `height` executes). The node needs it for every block: the consensus state machine takes
 * its proposer and quorum from it, and block checks compare the header's validatorSetHash with it.
 */
export function validatorSetForHeight(state: StateReader, height: number): ValidatorSet {
  const due = pendingValidatorSets(state).filter((s) => s.height <= height);
  const last = due[due.length - 1];
  return last === undefined ? validatorSetFromState(state) : makeValidatorSet(last.validators);
}

/** What the header of block `height` names as the next set, from the state block `height` leaves. */
export function nextValidatorSetHash(stateAfter: StateReader, height: number): string {
  return validatorSetHash(validatorSetForHeight(stateAfter, height + 1));
}

/** The set every later change is checked against: the last one scheduled, else the one in force. */
export function latestValidators(state: StateReader): readonly Validator[] {
  const pending = pendingValidatorSets(state);
  const last = pending[pending.length - 1];
  return last === undefined ? validatorSetFromState(state).validators : last.validators;
}

/** The larger of the power a change adds and the power it takes away. */
export function powerMoved(before: readonly Validator[], after: readonly Validator[]): number {
  const powerOf = (set: readonly Validator[]) => new Map(set.map((v) => [v.publicKey, v.power]));
  const old = powerOf(before);
  const next = powerOf(after);
  let added = 0;
  let removed = 0;
  for (const [key, power] of next) added += Math.max(0, power - (old.get(key) ?? 0));
  for (const [key, power] of old) removed += Math.max(0, power - (next.get(key) ?? 0));
  return Math.max(added, removed);
}

/**
 * Refuses a next set that could not follow `before`: empty, too large, a key twice, a bad power, or
 * moving 1/3 or more of the outgoing power at once. Returns it in canonical order.
 */
export function checkValidatorChange(
  before: readonly Validator[],
  after: readonly Validator[],
): ValidatorSet {
  if (after.length === 0) {
    throw rejected('governance.no_validators_left', 'a change may not leave the network without validators');
  }
  if (after.length > VALIDATORS_MAX) {
    throw rejected('governance.too_many_validators', `a validator set has at most ${VALIDATORS_MAX} members`);
  }
  if (new Set(after.map((v) => v.publicKey)).size !== after.length) {
    throw rejected('governance.duplicate_validator', 'a key may appear once in the validator set');
  }
  let set: ValidatorSet;
  try {
    set = makeValidatorSet(after);
  } catch {
    throw rejected('governance.invalid_validator_set', 'the change gives an invalid validator set');
  }
  const outgoing = before.reduce((sum, v) => sum + v.power, 0);
  const moved = powerMoved(before, after);
  if (moved * 3 >= outgoing) {
    throw rejected(
      'governance.power_shift_too_large',
      'one activation must move less than 1/3 of the validator power; make the change in steps',
      { moved, total: outgoing },
    );
  }
  return set;
}

/** Queues a checked set to activate at the first free height ≥ decidedAt + ACTIVATION_DELAY_BLOCKS. */
export function scheduleValidatorSet(
  state: StateOverlay,
  set: ValidatorSet,
  decidedAtHeight: number,
  proposalId: string,
): number {
  const pending = pendingValidatorSets(state);
  if (pending.length >= SCHEDULE_LENGTH_MAX) {
    throw rejected('governance.schedule_full', 'too many validator-set changes are waiting to activate');
  }
  const last = pending[pending.length - 1];
  const height = Math.max(
    decidedAtHeight + ACTIVATION_DELAY_BLOCKS,
    last === undefined ? 0 : last.height + 1,
  );
  const entry: ScheduledValidatorSet = {
    height,
    proposalId,
    validators: set.validators.map((v) => ({ publicKey: v.publicKey, power: v.power, name: v.name })),
  };
  state.set(VALIDATOR_SCHEDULE_KEY, encodeStateValue([...pending, entry]));
  return height;
}

/**
 * Run before the first tx of every block (AppModule.beginBlock): the set scheduled for this height
 * becomes the one in state (consensus/validators), and the history records it. Writes nothing at any
 * other height, so blocks without an activation hash exactly as before.
 */
export function activateScheduledSet(state: StateOverlay, height: number): void {
  const pending = pendingValidatorSets(state);
  const due = pending.filter((s) => s.height <= height);
  if (due.length === 0) return;
  for (const entry of due) installValidatorSet(state, entry.height, entry.validators, entry.proposalId);
  const rest = pending.filter((s) => s.height > height);
  if (rest.length === 0) state.delete(VALIDATOR_SCHEDULE_KEY);
  else state.set(VALIDATOR_SCHEDULE_KEY, encodeStateValue(rest));
}

/**
 * Makes `validators` the set in state from `height` on: keeps the outgoing era for evidence and appends
 * the change to the history light clients follow. `cause` is the proposal (or recovery tx) behind it.
 */
export function installValidatorSet(
  state: StateOverlay,
  height: number,
  validators: readonly Validator[],
  cause: string,
): void {
  const outgoingFrom = validatorSetHistory(state).at(-1)?.height ?? 1;
  const outgoing = validatorSetFromState(state).validators;
  keepValidatorEra(state, outgoingFrom, outgoing, height, validators);
  state.set(VALIDATORS_KEY, encodeStateValue(validators));
  const change: ValidatorSetChange = {
    height,
    proposalId: cause,
    validatorSetHash: validatorSetHash(makeValidatorSet(validators)),
  };
  state.set(VALIDATOR_HISTORY_KEY, encodeStateValue([...validatorSetHistory(state), change]));
}
