// Who may connect to a node (issue 15): the P2P allow-list follows governance instead of genesis, so a
// clinic voted in can connect as soon as its admission commits, and a removed or rotated-away key is cut
// off once it no longer has anything to sign. Read from committed state, so every node agrees.
import { validatorSetFromState } from '../consensus/index.ts';
import { organisation, organisationIds } from '../membership/queries.ts';
import { isActiveMember } from './members.ts';
import { pendingValidatorSets } from './validator-set.ts';
import type { StateReader } from '../state.ts';

/**
 * The node keys allowed on the P2P network: every node key of an active member organisation, and every
 * key of the set in force or a set still scheduled. A validator whose organisation was suspended, or
 * whose key was rotated away, keeps its connections until the change that takes it out activates: it
 * must still sign the blocks up to then.
 */
export function transportKeys(state: StateReader): Set<string> {
  const keys = validatorKeysAhead(state);
  for (const id of organisationIds(state)) {
    if (!isActiveMember(state, id)) continue;
    for (const key of organisation(state, id)?.nodeKeys ?? []) keys.add(key);
  }
  return keys;
}

/** The validator keys of the set in force and of every scheduled set: these dial one another first. */
export function validatorKeysAhead(state: StateReader): Set<string> {
  const keys = new Set(validatorSetFromState(state).validators.map((v) => v.publicKey));
  for (const set of pendingValidatorSets(state)) for (const v of set.validators) keys.add(v.publicKey);
  return keys;
}
