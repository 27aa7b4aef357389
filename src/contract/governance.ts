// The governance API's JSON Schemas (TypeBox) and types (issue 15), shared by the routes
// (api/routes/governance.ts), the OpenAPI document, the CLI (`carechain gov`) and the web app.
// Proposals and votes are txs signed by a member organisation's admin key, which never reaches a node:
// the admin signs locally (the CLI does) and the node only checks the tx's type and submits it. The
// chain's records (proposal, vote) pass whole, typed by the app's types.
import { Type, type Static } from '@sinclair/typebox';
import type {
  Proposal,
  ProposalStatus,
  ScheduledValidatorSet,
  ValidatorSetChange,
  VoteRecord,
} from '../app/governance/types.ts';
import { checkpointSchema, hex32 } from './ledger.ts';

function record<T>(what: string) {
  return Type.Unsafe<T>(Type.Object({}, { additionalProperties: true, description: what }));
}

/** A proposal as the chain keeps it, with its status as of the tip (an open one past its period: expired). */
export type ProposalView = Omit<Proposal, 'status'> & { readonly status: ProposalStatus | 'expired' };
const proposalRecord = record<ProposalView>(
  'a proposal (app/governance/types.ts Proposal); status "expired" when open past votingEndsAtHeight',
);
const voteRecord = record<VoteRecord>('a vote (app/governance/types.ts VoteRecord)');

export const proposalListQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
});
export const proposalListSchema = Type.Object({
  height: Type.Integer(),
  proposals: Type.Array(proposalRecord),
});
export type ProposalList = Static<typeof proposalListSchema>;

export const proposalParams = Type.Object({ id: hex32 });
export const proposalAnswerSchema = Type.Object({
  height: Type.Integer(),
  proposal: proposalRecord,
  votes: Type.Array(voteRecord),
});
export type ProposalAnswer = Static<typeof proposalAnswerSchema>;

/**
 * POST /api/v1/governance/proposals (a governance.propose tx) and …/proposals/:id/votes (a
 * governance.vote tx for that proposal), signed by the admin key; the tx's own checks are the ledger's.
 */
export const governanceTxBody = Type.Object({}, { additionalProperties: true });
export const governanceWrittenSchema = Type.Object({
  txHash: hex32,
  height: Type.Integer(),
  proposal: proposalRecord,
});
export type GovernanceWritten = Static<typeof governanceWrittenSchema>;

const validatorRecord = Type.Object({ publicKey: hex32, power: Type.Integer(), name: Type.String() });

/** A recovery certificate as `carechain recover sign` writes it and the chain records it (core/recovery.ts). */
export const recoveryCertificateSchema = Type.Object({
  chainId: Type.String(),
  height: Type.Integer(),
  validators: Type.Array(validatorRecord),
  reason: Type.String(),
  signatures: Type.Array(
    Type.Object({
      orgId: Type.String(),
      adminKey: hex32,
      signature: Type.String({ pattern: '^[0-9a-f]{128}$' }),
    }),
  ),
});
/** GET /api/v1/governance/validators: the set signing now, those scheduled, and every activation. */
export const validatorsAnswerSchema = Type.Object({
  height: Type.Integer(),
  validatorSetHash: hex32,
  validators: Type.Array(validatorRecord),
  pending: Type.Array(record<ScheduledValidatorSet>('a scheduled set (ScheduledValidatorSet)')),
  history: Type.Array(record<ValidatorSetChange>('an activation (ValidatorSetChange)')),
});
export type ValidatorsAnswer = Static<typeof validatorsAnswerSchema>;

/**
 * GET /api/v1/governance/validator-sets?from=: every committed activation from that height on (256 at
 * most; ask again from the last one's height), each with its set and the checkpoint of the block before
 * it, which the outgoing set signed and which names the incoming one (core/set-changes.ts): what the
 * browser verifier follows from genesis.
 */
export const validatorSetChangesQuery = Type.Object({
  from: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
});
export const validatorSetChangesSchema = Type.Object({
  height: Type.Integer(),
  changes: Type.Array(
    Type.Object({
      validators: Type.Array(validatorRecord),
      announcement: checkpointSchema,
      /** Present when a recovery certificate (core/recovery.ts), not a vote, installed the set. */
      recovery: Type.Optional(recoveryCertificateSchema),
    }),
  ),
});
export type ValidatorSetChanges = Static<typeof validatorSetChangesSchema>;
