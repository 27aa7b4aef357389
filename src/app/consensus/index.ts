// The consensus module: the validator set as state, and equivocation evidence committed on chain. Any
// node that sees a validator sign two conflicting votes (or proposals) submits the pair; every node
// re-verifies it against the validator set before it is recorded, so no evidence can name an honest
// validator, and each offence is recorded once: the payload is an exact object (an extra field would give
// the same pair another hash), and the record's key names the offence, not the pair of messages.
import { evidenceHeight, evidenceOffender, verifyEvidence, type Evidence } from '../../core/evidence.ts';
import { CoreError } from '../../core/errors.ts';
import { hashCanonical } from '../../core/hash.ts';
import { TxError } from '../../core/tx.ts';
import { makeValidatorSet, type Validator, type ValidatorSet } from '../../core/validators.ts';
import type { AppModule, TxContext } from '../module.ts';
import { exactObject, invalidPayload, type PayloadObject } from '../payload.ts';
import { encodeStateValue, type StateReader } from '../state.ts';
import { applyForkEvidence } from './fork-evidence.ts';
import { keptValidatorSetAt } from './validator-eras.ts';

export { keepValidatorEra, keptValidatorSetAt } from './validator-eras.ts';

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

/**
 * One id per offence: who equivocated, at which height, round and step. A validator that signed three
 * conflicting votes has committed one offence, so the pair (A, C) must not be recorded beside (A, B).
 */
export function evidenceId(evidence: Evidence): string {
  const first = evidence.kind === 'duplicate-vote' ? evidence.voteA : evidence.proposalA;
  return hashCanonical('evidence', {
    kind: evidence.kind,
    offender: evidenceOffender(evidence),
    height: evidenceHeight(evidence),
    round: first.round,
    step: evidence.kind === 'duplicate-vote' ? evidence.voteA.type : 'proposal',
  });
}

const VOTE_FIELDS = ['type', 'height', 'round', 'blockHash', 'timeMs', 'validator', 'signature'];
const PROPOSAL_FIELDS = ['height', 'round', 'polRound', 'blockHash', 'proposer', 'signature'];

/** The payload as exact objects all the way down: nothing rides along unverified into the record. */
function parseEvidencePayload({ evidence }: PayloadObject): Evidence {
  const kind = (evidence as { kind?: unknown } | null)?.kind;
  if (kind === 'duplicate-vote') {
    const e = exactObject(evidence, 'evidence', ['kind', 'voteA', 'voteB']);
    exactObject(e.voteA, 'voteA', VOTE_FIELDS);
    exactObject(e.voteB, 'voteB', VOTE_FIELDS);
  } else if (kind === 'duplicate-proposal') {
    const e = exactObject(evidence, 'evidence', ['kind', 'proposalA', 'proposalB']);
    exactObject(e.proposalA, 'proposalA', PROPOSAL_FIELDS);
    exactObject(e.proposalB, 'proposalB', PROPOSAL_FIELDS);
  } else {
    throw invalidPayload('evidence.kind must be duplicate-vote or duplicate-proposal');
  }
  return evidence as unknown as Evidence;
}

function applyEvidence(ctx: TxContext, payload: PayloadObject): void {
  const evidence = parseEvidencePayload(payload);
  try {
    // Judged by the set that signed the offence's height (./validator-eras.ts), not today's.
    const signers =
      keptValidatorSetAt(ctx.state, evidenceHeight(evidence)) ?? validatorSetFromState(ctx.state);
    verifyEvidence(ctx.chainId, signers, evidence);
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
  handlers: [
    { type: 'consensus.evidence', fields: ['evidence'], apply: applyEvidence },
    { type: 'consensus.forkEvidence', fields: ['checkpoint', 'kind'], apply: applyForkEvidence },
  ],
  initGenesis(state, genesis) {
    const set = makeValidatorSet(genesis.validators);
    state.set(VALIDATORS_KEY, encodeStateValue(set.validators.map((v) => ({ ...v }))));
  },
};
