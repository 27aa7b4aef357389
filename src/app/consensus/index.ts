// The consensus module: the validator set as state, and equivocation evidence committed on chain. Any
// node that sees a validator sign two conflicting votes (or proposals) submits the pair; every node
// re-verifies it against the validator set before it is recorded, so no evidence can name an honest
// validator, and each offence is recorded once.
import { evidenceHeight, evidenceOffender, verifyEvidence, type Evidence } from '../../consensus/evidence.ts';
import type { CanonicalValue } from '../../core/canonical.ts';
import { CoreError } from '../../core/errors.ts';
import { hashCanonical } from '../../core/hash.ts';
import { TxError } from '../../core/tx.ts';
import { makeValidatorSet, type Validator, type ValidatorSet } from '../../core/validators.ts';
import type { AppModule, TxContext } from '../module.ts';
import { encodeStateValue, type StateReader } from '../state.ts';

export const VALIDATORS_KEY = 'consensus/validators';
export const EVIDENCE_PREFIX = 'consensus/evidence/';

export interface EvidenceRecord {
  readonly kind: Evidence['kind'];
  readonly offender: string;
  readonly height: number;
  readonly reportedBy: string;
  readonly committedAt: number;
  readonly txHash: string;
}

export function validatorSetFromState(state: StateReader): ValidatorSet {
  const value = state.get(VALIDATORS_KEY);
  if (value === undefined) throw new CoreError('state.missing', 'no validator set in state');
  return makeValidatorSet(JSON.parse(value) as Validator[]);
}

/** One id per offence: the same pair of signed messages always hashes the same (they are ordered). */
export function evidenceId(evidence: Evidence): string {
  return hashCanonical('evidence', evidence);
}

function applyEvidence(ctx: TxContext, payload: CanonicalValue): void {
  const evidence = (payload as { evidence?: unknown } | null)?.evidence as Evidence | undefined;
  if (typeof evidence !== 'object' || evidence === null) {
    throw new TxError('tx.invalid_payload', 'consensus.evidence payload is { evidence }');
  }
  try {
    verifyEvidence(ctx.chainId, validatorSetFromState(ctx.state), evidence);
  } catch (err) {
    if (err instanceof CoreError)
      throw new TxError('tx.invalid_payload', `evidence rejected: ${err.message}`);
    throw new TxError('tx.invalid_payload', 'evidence is malformed');
  }
  const key = EVIDENCE_PREFIX + evidenceId(evidence);
  if (ctx.state.get(key) !== undefined) {
    throw new TxError('tx.rejected', 'this evidence is already on chain', {
      reason: 'consensus.duplicate_evidence',
    });
  }
  const record: EvidenceRecord = {
    kind: evidence.kind,
    offender: evidenceOffender(evidence),
    height: evidenceHeight(evidence),
    reportedBy: ctx.signer,
    committedAt: ctx.height,
    txHash: ctx.txHash,
  };
  ctx.state.set(key, encodeStateValue(record));
}

export const consensusModule: AppModule = {
  name: 'consensus',
  handlers: [{ type: 'consensus.evidence', apply: applyEvidence }],
  initGenesis(state, genesis) {
    const set = makeValidatorSet(genesis.validators);
    state.set(VALIDATORS_KEY, encodeStateValue(set.validators.map((v) => ({ ...v }))));
  },
};
