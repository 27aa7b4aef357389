// Checkpoints and proofs (/api/v1/checkpoints, /api/v1/proofs): what an auditor or another institution
// fetches to check a tx against a validator-signed log root, and that history was only appended to.
import type { FastifyInstance } from 'fastify';
import type { CarechainNode } from '../../node/node.ts';
import { checkpointAt, proveConsistency, proveInclusion } from '../../node/proofs.ts';
import { checkpointSchema, errorSchema, hex32 } from '../../contract/ledger.ts';

export function registerProofRoutes(app: FastifyInstance, node: CarechainNode): void {
  const { ledger } = node;

  app.get('/api/v1/checkpoints/latest', { schema: { response: { 200: checkpointSchema } } }, () =>
    checkpointAt(ledger),
  );

  app.get<{ Params: { height: number } }>(
    '/api/v1/checkpoints/:height',
    {
      schema: {
        params: {
          type: 'object',
          properties: { height: { type: 'integer', minimum: 1 } },
          required: ['height'],
        },
        response: { 200: checkpointSchema, 404: errorSchema },
      },
    },
    (request) => checkpointAt(ledger, request.params.height),
  );

  app.get<{ Params: { txHash: string }; Querystring: { height?: number } }>(
    '/api/v1/proofs/inclusion/:txHash',
    {
      schema: {
        params: { type: 'object', properties: { txHash: hex32 }, required: ['txHash'] },
        querystring: { type: 'object', properties: { height: { type: 'integer', minimum: 1 } } },
        response: {
          200: {
            type: 'object',
            properties: {
              txHash: hex32,
              leafIndex: { type: 'integer' },
              treeSize: { type: 'integer' },
              leafHash: hex32,
              auditPath: { type: 'array', items: hex32 },
              checkpoint: checkpointSchema,
            },
          },
          404: errorSchema,
        },
      },
    },
    (request) => proveInclusion(ledger, request.params.txHash, request.query.height),
  );

  app.get<{ Querystring: { from: number; to: number } }>(
    '/api/v1/proofs/consistency',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: { from: { type: 'integer', minimum: 1 }, to: { type: 'integer', minimum: 1 } },
          required: ['from', 'to'],
        },
        response: {
          200: {
            type: 'object',
            properties: {
              fromSize: { type: 'integer' },
              toSize: { type: 'integer' },
              fromRoot: hex32,
              toRoot: hex32,
              proof: { type: 'array', items: hex32 },
            },
          },
        },
      },
    },
    (request) => proveConsistency(ledger, request.query.from, request.query.to),
  );
}
