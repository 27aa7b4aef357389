// Checkpoints and proofs (/api/v1/checkpoints, /api/v1/proofs): what an auditor or another institution
// fetches to check a tx against a validator-signed log root, and that history was only appended to.
import type { FastifyInstance } from 'fastify';
import type { CarechainNode } from '../../node/node.ts';
import { checkpointAt, proveConsistency, proveInclusion } from '../../node/proofs.ts';
import type { Static } from '@sinclair/typebox';
import {
  checkpointSchema,
  consistencyProofSchema,
  consistencyQuery,
  errorSchema,
  heightParams,
  inclusionParams,
  inclusionProofSchema,
  inclusionQuery,
} from '../../contract/ledger.ts';

export function registerProofRoutes(app: FastifyInstance, node: CarechainNode): void {
  const { ledger } = node;

  app.get(
    '/api/v1/checkpoints/latest',
    { schema: { response: { 200: checkpointSchema, 404: errorSchema } } },
    () => checkpointAt(ledger),
  );

  app.get<{ Params: Static<typeof heightParams> }>(
    '/api/v1/checkpoints/:height',
    { schema: { params: heightParams, response: { 200: checkpointSchema, 404: errorSchema } } },
    (request) => checkpointAt(ledger, request.params.height),
  );

  app.get<{ Params: Static<typeof inclusionParams>; Querystring: Static<typeof inclusionQuery> }>(
    '/api/v1/proofs/inclusion/:txHash',
    {
      schema: {
        params: inclusionParams,
        querystring: inclusionQuery,
        response: { 200: inclusionProofSchema, 404: errorSchema },
      },
    },
    (request) => proveInclusion(ledger, request.params.txHash, request.query.height),
  );

  app.get<{ Querystring: Static<typeof consistencyQuery> }>(
    '/api/v1/proofs/consistency',
    {
      schema: { querystring: consistencyQuery, response: { 200: consistencyProofSchema, 400: errorSchema } },
    },
    (request) => proveConsistency(ledger, request.query.from, request.query.to),
  );
}
