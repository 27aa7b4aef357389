// The genesis document: the only thing a new node trusts. It fixes the chain id, the start time, the
// first validator set and each module's initial state (e.g. the member organisations).
import type { CanonicalValue } from './canonical.ts';
import { CoreError } from './errors.ts';
import { hashCanonical } from './hash.ts';
import { makeValidatorSet, type Validator, type ValidatorSet } from './validators.ts';

export interface Genesis {
  readonly chainId: string;
  readonly genesisTimeMs: number;
  readonly validators: readonly Validator[];
  /** Per-module initial state, applied before block 1; opaque to core. */
  readonly app: CanonicalValue;
}

export function genesisHash(genesis: Genesis): string {
  return hashCanonical('genesis', genesis);
}

export function parseGenesis(input: unknown): { genesis: Genesis; validatorSet: ValidatorSet } {
  if (typeof input !== 'object' || input === null) throw new CoreError('genesis.invalid', 'not an object');
  const g = input as Record<string, unknown>;
  if (typeof g.chainId !== 'string' || !/^[a-z0-9][a-z0-9-]{0,63}$/.test(g.chainId)) {
    throw new CoreError('genesis.invalid', 'chainId must be a short lowercase identifier');
  }
  if (typeof g.genesisTimeMs !== 'number' || !Number.isSafeInteger(g.genesisTimeMs) || g.genesisTimeMs < 0) {
    throw new CoreError('genesis.invalid', 'genesisTimeMs must be a non-negative integer');
  }
  if (!Array.isArray(g.validators)) throw new CoreError('genesis.invalid', 'validators must be an array');
  const validators = (g.validators as unknown[]).map((v): Validator => {
    const r = (v ?? {}) as Record<string, unknown>;
    return {
      publicKey: typeof r.publicKey === 'string' ? r.publicKey : '',
      power: typeof r.power === 'number' ? r.power : 0,
      name: typeof r.name === 'string' ? r.name : '',
    };
  });
  const validatorSet = makeValidatorSet(validators);
  const genesis: Genesis = {
    chainId: g.chainId,
    genesisTimeMs: g.genesisTimeMs,
    validators: validatorSet.validators,
    app: (g.app ?? {}) as CanonicalValue,
  };
  hashCanonical('genesis', genesis); // throws on non-canonical app state
  return { genesis, validatorSet };
}
