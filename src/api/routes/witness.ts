// C2SP transparency-log routes (issue 15): GET /checkpoint (c2sp.org/tlog-checkpoint, cosigned),
// POST /add-checkpoint (c2sp.org/tlog-witness), the keys and policy under /api/v1/witness, fork reports
// from outside witnesses, and tlog-proof files (c2sp.org/tlog-proof@v1). The text formats are answered
// as the specs write them; failures of the JSON routes go through the one error translator.
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { errorSchema } from '../../contract/ledger.ts';
import {
  c2spTextResponse,
  forkEvidenceListSchema,
  forkReportAnswerSchema,
  forkReportSchema,
  tlogProofParams,
  tlogSizeResponse,
  witnessKeysSchema,
} from '../../contract/witness.ts';
import type { NodeWitness } from '../../services/witness/node-witness.ts';
import { FORK_EVIDENCE_PREFIX } from '../../app/consensus/fork-evidence.ts';
import type { CarechainNode } from '../../node/node.ts';

/** Most fork evidence records listed at once. */
const FORK_EVIDENCE_PAGE_MAX = 100;

const TEXT = 'text/plain; charset=utf-8';

export function registerWitnessRoutes(app: FastifyInstance, node: CarechainNode, witness: NodeWitness): void {
  app.get(
    '/checkpoint',
    { schema: { response: { 200: c2spTextResponse('the latest cosigned checkpoint'), 404: errorSchema } } },
    (_request, reply) => reply.type(TEXT).send(witness.checkpoints.latest().note),
  );

  app.get('/api/v1/witness/keys', { schema: { response: { 200: witnessKeysSchema } } }, () => witness.keys());

  app.get(
    '/api/v1/witness/policy',
    { schema: { response: { 200: c2spTextResponse('the witness policy (c2sp.org/tlog-policy)') } } },
    (_request, reply) => reply.type(TEXT).send(witness.policy()),
  );

  app.post<{ Body: string }>(
    '/add-checkpoint',
    {
      schema: {
        consumes: ['text/plain'],
        body: { type: 'string', maxLength: 64 * 1024 },
        response: {
          200: c2spTextResponse('the cosignature line'),
          400: c2spTextResponse('malformed request'),
          403: c2spTextResponse('no trusted log key signed the checkpoint'),
          404: c2spTextResponse('unknown origin'),
          409: tlogSizeResponse,
          422: c2spTextResponse('the checkpoint is not consistent with the last one cosigned'),
        },
      },
    },
    (request, reply) => {
      if (witness.witness === undefined) return reply.code(404).type(TEXT).send('this node is no witness\n');
      const answer = witness.witness.addCheckpoint(request.body);
      return reply.code(answer.status).type(answer.contentType).send(answer.body);
    },
  );

  app.post<{ Body: Static<typeof forkReportSchema> }>(
    '/api/v1/witness/evidence',
    { schema: { body: forkReportSchema, response: { 200: forkReportAnswerSchema, 400: errorSchema } } },
    (request) => ({ txHash: witness.reportFork(request.body.kind, request.body.checkpoint) }),
  );

  app.get('/api/v1/witness/evidence', { schema: { response: { 200: forkEvidenceListSchema } } }, () => ({
    evidence: node.ledger
      .stateByPrefix(FORK_EVIDENCE_PREFIX, FORK_EVIDENCE_PAGE_MAX)
      .map(([, value]) => JSON.parse(value) as object),
  }));

  app.get<{ Params: Static<typeof tlogProofParams> }>(
    '/api/v1/proofs/tlog-proof/:txHash',
    {
      schema: {
        params: tlogProofParams,
        response: { 200: c2spTextResponse('a c2sp.org/tlog-proof@v1 file'), 404: errorSchema },
      },
    },
    (request, reply) => reply.type(TEXT).send(witness.tlogProof(request.params.txHash)),
  );
}
