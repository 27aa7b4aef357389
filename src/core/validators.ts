// The validator set: who may vote and with what power. Quorum is "more than 2/3 of the total voting
// power" (Tendermint paper §2: n > 3f by power), computed in integers so no rounding can weaken it.
import { canonicalBytes } from './canonical.ts';
import { isHex, toHex } from './bytes.ts';
import { sha256 } from './crypto/index.ts';
import { CoreError } from './errors.ts';

export interface Validator {
  /** Ed25519 public key, hex. Also the validator's identity in votes and commits. */
  readonly publicKey: string;
  /** Positive integer voting power. */
  readonly power: number;
  /** Human label for operators (an institution's name); not part of any rule. */
  readonly name: string;
}

export interface ValidatorSet {
  /** Sorted by publicKey, so the set has one canonical order and one hash. */
  readonly validators: readonly Validator[];
  readonly totalPower: number;
}

export const VALIDATORS_MAX = 100;

export function makeValidatorSet(validators: readonly Validator[]): ValidatorSet {
  if (validators.length === 0 || validators.length > VALIDATORS_MAX) {
    throw new CoreError('validators.invalid', `a validator set has 1 to ${VALIDATORS_MAX} members`, {
      actual: validators.length,
    });
  }
  const sorted = [...validators].sort((a, b) => (a.publicKey < b.publicKey ? -1 : 1));
  let totalPower = 0;
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i]!;
    if (!isHex(v.publicKey, 32))
      throw new CoreError('validators.invalid', 'validator key must be 32-byte hex');
    if (!Number.isSafeInteger(v.power) || v.power <= 0) {
      throw new CoreError('validators.invalid', 'validator power must be a positive integer', {
        validator: v.publicKey,
      });
    }
    if (i > 0 && sorted[i - 1]!.publicKey === v.publicKey) {
      throw new CoreError('validators.invalid', 'duplicate validator key', { validator: v.publicKey });
    }
    totalPower += v.power;
  }
  if (!Number.isSafeInteger(totalPower * 3))
    throw new CoreError('validators.invalid', 'total power too large');
  return { validators: sorted, totalPower };
}

/** True when power is more than 2/3 of the set's total: the commit and lock threshold. */
export function hasQuorum(set: ValidatorSet, power: number): boolean {
  return power * 3 > set.totalPower * 2;
}

/** True when power is more than 1/3 of the total: enough that at least one honest validator is in it. */
export function hasOneThird(set: ValidatorSet, power: number): boolean {
  return power * 3 > set.totalPower;
}

export function findValidator(set: ValidatorSet, publicKey: string): Validator | undefined {
  return set.validators.find((v) => v.publicKey === publicKey);
}

/** The hash carried in block headers; validators are hashed in canonical order without their names. */
export function validatorSetHash(set: ValidatorSet): string {
  return toHex(
    sha256(canonicalBytes(set.validators.map((v) => ({ publicKey: v.publicKey, power: v.power })))),
  );
}
