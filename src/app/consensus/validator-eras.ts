// Which set signed an old height (issue 15): evidence of a double-sign must be judged by the set of the
// offence's height, not today's, or a validator voted out escapes what it did while it validated and a
// key voted in later can be blamed for a height it had no say in. Each activation keeps the outgoing and
// the incoming set under the first height each signed; state holds only the set in force otherwise.
//
//   consensus/validator-eras           → number[]     first heights of the kept sets, ascending
//   consensus/validators-from/<height> → Validator[]  the set that signed from that height
//
// Written only at activation heights, so chains that never change their set hash exactly as before.
import { makeValidatorSet, type Validator, type ValidatorSet } from '../../core/validators.ts';
import { encodeStateValue, readStateValue, type StateOverlay, type StateReader } from '../state.ts';

const ERAS_KEY = 'consensus/validator-eras';
const eraKey = (fromHeight: number): string => `consensus/validators-from/${fromHeight}`;

/**
 * Keeps a change at `height`: the outgoing set (from `outgoingFrom`, 1 for genesis' set) the first time
 * it is replaced, and the incoming one from `height`.
 */
export function keepValidatorEra(
  state: StateOverlay,
  outgoingFrom: number,
  outgoing: readonly Validator[],
  height: number,
  incoming: readonly Validator[],
): void {
  const eras = readStateValue<number[]>(state, ERAS_KEY) ?? [];
  if (eras.length === 0) {
    state.set(eraKey(outgoingFrom), encodeStateValue(outgoing));
    eras.push(outgoingFrom);
  }
  state.set(eraKey(height), encodeStateValue(incoming));
  if (eras[eras.length - 1] !== height) eras.push(height);
  state.set(ERAS_KEY, encodeStateValue(eras));
}

/** The set that signed `height`, or undefined when no change was ever kept (the set in state then). */
export function keptValidatorSetAt(state: StateReader, height: number): ValidatorSet | undefined {
  const eras = readStateValue<number[]>(state, ERAS_KEY) ?? [];
  const from = eras.filter((h) => h <= height).pop();
  if (from === undefined) return undefined;
  const validators = readStateValue<Validator[]>(state, eraKey(from));
  return validators === undefined ? undefined : makeValidatorSet(validators);
}
