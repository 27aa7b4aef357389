// Following validator-set changes from genesis, as a light client (issue 15: "the browser verifier and
// `carechain verify` follow validator-set changes from genesis, checking each change against the commit
// of the set that made it"). A change that activates at height A is proven by the block A - 1: its
// header names the incoming set (nextValidatorSetHash, as CometBFT's NextValidatorsHash) and its commit
// carries precommits from more than 2/3 of the outgoing set. Starting from genesis' set and checking
// each change in order with the set the one before left, a client that trusts only genesis learns which
// set signs any later height; a change no quorum of its predecessor signed breaks the chain of trust.
//
// A recovery (core/recovery.ts) is the one change its predecessor could not sign: the old set lost more
// than 1/3 of its power. It is proven instead by its certificate, signed by more than 2/3 of the member
// organisations' admin keys (the electorate the caller trusts: genesis' organisations for a client that
// trusts only genesis), and its announcement is the old set's last committed block, the height the
// certificate names.
import { CoreError } from './errors.ts';
import { verifyCheckpoint, type Checkpoint } from './checkpoint.ts';
import {
  checkRecoveryCertificate,
  parseRecoveryCertificate,
  type RecoveryCertificate,
  type RecoveryElector,
} from './recovery.ts';
import { makeValidatorSet, validatorSetHash, type Validator, type ValidatorSet } from './validators.ts';

/** One activation, as a node serves it (GET /api/v1/governance/validator-sets). */
export interface ValidatorSetChangeProof {
  /** The set that signs from announcement.height + 1. */
  readonly validators: readonly Validator[];
  /**
   * The block before the activation with its commit: signed by the outgoing set, naming this one (or,
   * for a recovery, the outgoing set's last block, the height its certificate names).
   */
  readonly announcement: Checkpoint;
  /** Present when a recovery certificate, not a vote, installed the set. */
  readonly recovery?: RecoveryCertificate;
}

export interface FollowedSets {
  /** The set that signs `height`, as the checked changes say. */
  setAt(height: number): ValidatorSet;
  /** The checked eras, oldest first: genesis' set from height 1, then each change from its activation. */
  readonly eras: readonly { readonly fromHeight: number; readonly set: ValidatorSet }[];
}

function invalid(message: string, details: Readonly<Record<string, number>>): CoreError {
  return new CoreError('checkpoint.invalid', message, details);
}

/**
 * Checks `changes` in order from genesis' set and answers the set of any height. Throws CoreError
 * ('checkpoint.invalid', or verifyCommit's 'commit.*') naming the first change that does not follow:
 * out of order, an announcement block not made (or not committed) by the set in force at its height, or
 * one that names another set than the change carries.
 */
export function followValidatorSets(
  chainId: string,
  genesisSet: ValidatorSet,
  changes: readonly ValidatorSetChangeProof[],
  /** Who may sign a recovery certificate; none given: every recovery is refused. */
  electorate: readonly RecoveryElector[] = [],
): FollowedSets {
  const eras: { fromHeight: number; set: ValidatorSet }[] = [{ fromHeight: 1, set: genesisSet }];
  for (const [index, change] of changes.entries()) {
    const { announcement } = change;
    const current = eras[eras.length - 1]!;
    const activation = announcement.height + 1;
    if (!Number.isSafeInteger(announcement.height) || announcement.height < current.fromHeight) {
      throw invalid('validator-set changes must come in height order', { change: index });
    }
    verifyCheckpoint(chainId, current.set, announcement);
    let next: ValidatorSet;
    try {
      next = makeValidatorSet(change.validators);
    } catch {
      throw invalid('the change carries an invalid validator set', { change: index });
    }
    if (change.recovery !== undefined) {
      checkRecovery(chainId, change.recovery, announcement.height, next, electorate, index);
    } else if (announcement.header.nextValidatorSetHash !== validatorSetHash(next)) {
      throw invalid('the block before the change does not name this set', {
        change: index,
        height: activation,
      });
    }
    eras.push({ fromHeight: activation, set: next });
  }
  return {
    eras,
    setAt(height: number): ValidatorSet {
      let set = eras[0]!.set;
      for (const era of eras) if (era.fromHeight <= height) set = era.set;
      return set;
    },
  };
}

/** A recovery proves its set by its certificate: for the announced height, naming this set, with quorum. */
function checkRecovery(
  chainId: string,
  certificate: RecoveryCertificate,
  height: number,
  next: ValidatorSet,
  electorate: readonly RecoveryElector[],
  index: number,
): void {
  if (certificate.height !== height) {
    throw invalid('the recovery certificate names another height', { change: index, height });
  }
  let named: ValidatorSet;
  try {
    named = checkRecoveryCertificate(chainId, parseRecoveryCertificate(certificate), electorate);
  } catch (err) {
    if (!(err instanceof CoreError)) throw err;
    throw invalid(`recovery refused: ${err.message}`, { change: index, height: height + 1 });
  }
  if (validatorSetHash(named) !== validatorSetHash(next)) {
    throw invalid('the recovery certificate names another set', { change: index, height: height + 1 });
  }
}
