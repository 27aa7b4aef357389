// The governance API (issue 15):
//   GET  /api/v1/governance/proposals             newest first (at most ?limit, 100), status as of the tip
//   GET  /api/v1/governance/proposals/:id         one proposal and the votes cast on it, with reasons
//   POST /api/v1/governance/proposals             a governance.propose tx signed by a member's admin key
//   POST /api/v1/governance/proposals/:id/votes   a governance.vote tx on that proposal, signed likewise
//   GET  /api/v1/governance/validators            the set signing now, the sets scheduled, the history
//   GET  /api/v1/governance/validator-sets        each activation with the checkpoint that announced it
// Governance is public between institutions (no patient appears in it), so reads need no token. Writes
// need none either: the admin's signature on the tx is the authority, checked by every node's ledger,
// and the node never holds an admin key. A write answers once committed (201/200), or 202 pending.
import type { FastifyInstance } from 'fastify';
import {
  GOVERNANCE_PROPOSAL_PREFIX,
  pendingValidatorSets,
  proposal,
  proposalStatus,
  validatorSetHistory,
  votesOf,
  type Proposal,
} from '../../app/governance/index.ts';
import { validatorSetHash } from '../../core/validators.ts';
import {
  governanceTxBody,
  governanceWrittenSchema,
  proposalAnswerSchema,
  proposalListQuery,
  proposalListSchema,
  proposalParams,
  validatorSetChangesQuery,
  validatorSetChangesSchema,
  validatorsAnswerSchema,
  type ProposalView,
} from '../../contract/governance.ts';
import { errorSchema, txPendingSchema } from '../../contract/ledger.ts';
import type { CarechainNode } from '../../node/node.ts';
import { validatorSetChanges } from '../../node/proofs.ts';
import { ServiceError } from '../../services/errors.ts';

/** How long a write waits for its commit before answering 202 "pending" (as POST /api/v1/txs). */
const COMMIT_WAIT_MS_MAX = 10_000;
/** Proposals read to answer a list: state is keyed by id, so the newest are found by sorting these. */
const PROPOSALS_SCANNED_MAX = 1000;

function view(p: Proposal, height: number): ProposalView {
  return { ...p, status: proposalStatus(p, height) };
}

/** The tx a write route takes: of `type`, and for a vote, on the proposal its path names. */
function governanceTx(body: unknown, type: string, proposalId?: string): unknown {
  const tx = body as { type?: unknown; payload?: { proposalId?: unknown } | null };
  if (tx.type !== type || (proposalId !== undefined && tx.payload?.proposalId !== proposalId)) {
    throw new ServiceError(
      'governance.not_governance_tx',
      proposalId === undefined
        ? `send a ${type} tx signed by your organisation's admin key`
        : `send a ${type} tx on proposal ${proposalId} signed by your organisation's admin key`,
      { expectedType: type },
    );
  }
  return body;
}

export function registerGovernanceRoutes(app: FastifyInstance, node: CarechainNode): void {
  const { ledger } = node;
  const found = (id: string): Proposal => {
    const p = proposal(ledger.state, id);
    if (p === undefined) throw new ServiceError('governance.proposal_not_found', 'no proposal has this id');
    return p;
  };

  app.get<{ Querystring: { limit?: number } }>(
    '/api/v1/governance/proposals',
    { schema: { querystring: proposalListQuery, response: { 200: proposalListSchema } } },
    (request) => {
      const height = ledger.tip().height;
      const proposals = ledger
        .stateByPrefix(GOVERNANCE_PROPOSAL_PREFIX, PROPOSALS_SCANNED_MAX)
        .map(([, value]) => JSON.parse(value) as Proposal)
        .sort((a, b) => b.proposedAtHeight - a.proposedAtHeight || (a.id < b.id ? -1 : 1))
        .slice(0, request.query.limit ?? 100)
        .map((p) => view(p, height));
      return { height, proposals };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/governance/proposals/:id',
    { schema: { params: proposalParams, response: { 200: proposalAnswerSchema, 404: errorSchema } } },
    (request) => {
      const height = ledger.tip().height;
      const p = found(request.params.id);
      return { height, proposal: view(p, height), votes: votesOf(ledger.state, p) };
    },
  );

  /** Submits the tx, waits for its commit, and answers with the proposal it made or voted on. */
  const write = async (ip: string, tx: unknown, proposalOf: (txHash: string) => string) => {
    const hash = node.submitFromClient(ip, tx);
    const committed = await node.waitForCommit(hash, COMMIT_WAIT_MS_MAX);
    if (committed === undefined) return { pending: { hash, status: 'pending' as const } };
    const height = ledger.tip().height;
    const p = found(proposalOf(committed.hash));
    return { written: { txHash: committed.hash, height: committed.height, proposal: view(p, height) } };
  };

  app.post(
    '/api/v1/governance/proposals',
    {
      schema: {
        body: governanceTxBody,
        response: { 201: governanceWrittenSchema, 202: txPendingSchema },
      },
    },
    async (request, reply) => {
      const tx = governanceTx(request.body, 'governance.propose');
      // A proposal's id is the hash of the tx that made it.
      const answer = await write(request.ip, tx, (txHash) => txHash);
      return answer.written === undefined
        ? reply.status(202).send(answer.pending)
        : reply.status(201).send(answer.written);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/governance/proposals/:id/votes',
    {
      schema: {
        params: proposalParams,
        body: governanceTxBody,
        response: { 200: governanceWrittenSchema, 202: txPendingSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      found(id);
      const tx = governanceTx(request.body, 'governance.vote', id);
      const answer = await write(request.ip, tx, () => id);
      return answer.written === undefined ? reply.status(202).send(answer.pending) : answer.written;
    },
  );

  app.get('/api/v1/governance/validators', { schema: { response: { 200: validatorsAnswerSchema } } }, () => {
    const set = ledger.validatorSet;
    return {
      height: ledger.tip().height,
      validatorSetHash: validatorSetHash(set),
      validators: set.validators.map((v) => ({ ...v })),
      pending: pendingValidatorSets(ledger.state),
      history: validatorSetHistory(ledger.state),
    };
  });

  // What a light client that trusts only genesis needs to follow the sets (core/set-changes.ts).
  app.get<{ Querystring: { from?: number } }>(
    '/api/v1/governance/validator-sets',
    { schema: { querystring: validatorSetChangesQuery, response: { 200: validatorSetChangesSchema } } },
    (request) => ({
      height: ledger.tip().height,
      changes: validatorSetChanges(ledger, request.query.from ?? 0),
    }),
  );
}
