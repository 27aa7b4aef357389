// The ledger API: status, accounts, evidence, blocks, txs and tx submission (/api/v1/...); checkpoints
// and proofs are in proofs.ts.
import type { FastifyInstance } from 'fastify';
import { EVIDENCE_PREFIX } from '../../app/consensus/index.ts';
import { lastNonce } from '../../app/executor.ts';
import { toHex } from '../../core/bytes.ts';
import { emptyRoot } from '../../core/merkle/index.ts';
import type { CarechainNode } from '../../node/node.ts';
import { ServiceError } from '../../services/errors.ts';
import { commitSchema, errorSchema, headerSchema, hex32, txSchema } from '../../contract/ledger.ts';
import { isLocalRequest } from '../operator.ts';

/** Most evidence records listed at once. */
const EVIDENCE_PAGE_MAX = 1000;

/** How long POST /txs waits for the commit before answering 202 "pending". */
const COMMIT_WAIT_MS_MAX = 10_000;

export function registerLedgerRoutes(app: FastifyInstance, node: CarechainNode): void {
  const { ledger } = node;

  app.get(
    '/api/v1/status',
    {
      schema: {
        response: {
          200: {
            type: 'object',
            properties: {
              chainId: { type: 'string' },
              nodeId: hex32,
              height: { type: 'integer' },
              lastBlockHash: hex32,
              lastBlockTimeMs: { type: 'integer' },
              validators: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { publicKey: hex32, power: { type: 'integer' }, name: { type: 'string' } },
                },
              },
              logSize: { type: 'integer' },
              logRoot: hex32,
              mempoolTxs: { type: 'integer' },
              role: { type: 'string', enum: ['validator', 'non-validator'] },
              consensus: {
                type: 'object',
                properties: {
                  mode: { type: 'string' },
                  height: { type: 'integer' },
                  round: { type: 'integer' },
                },
              },
              lastCommitSigners: { type: 'array', items: hex32 },
              peers: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    publicKey: hex32,
                    host: { type: 'string' },
                    port: { type: 'integer' },
                    connected: { type: 'boolean' },
                    height: { type: 'integer', nullable: true },
                  },
                },
              },
            },
          },
        },
      },
    },
    (request) => {
      const tip = ledger.tip();
      const peers = node.network?.peers() ?? [];
      return {
        chainId: ledger.chainId,
        nodeId: node.key.publicKey,
        height: tip.height,
        lastBlockHash: tip.hash,
        lastBlockTimeMs: tip.timeMs,
        validators: ledger.validatorSet.validators,
        logSize: tip.logSize,
        logRoot: tip.header?.logRoot ?? toHex(emptyRoot()),
        mempoolTxs: node.mempool.size,
        role: ledger.validatorSet.validators.some((v) => v.publicKey === node.key.publicKey)
          ? 'validator'
          : 'non-validator',
        consensus: node.network
          ? {
              mode: 'tendermint',
              height: node.network.driver.currentHeight,
              round: node.network.driver.round,
            }
          : { mode: 'solo', height: tip.height + 1, round: 0 },
        lastCommitSigners: (ledger.commit(tip.height)?.signatures ?? []).map((s) => s.validator),
        // Peer addresses are the operator's to see (operator.ts); others get keys, links and heights.
        peers: isLocalRequest(request) ? peers : peers.map(({ host: _h, port: _p, ...rest }) => rest),
      };
    },
  );

  // The genesis document and its hash: all a light client (the web app's explorer) trusts. Public,
  // like every genesis; no response schema, because the per-module app state is opaque to this route.
  app.get('/api/v1/genesis', (_request, reply) =>
    reply
      .header('cache-control', 'public, max-age=3600')
      .send({ hash: ledger.genesisHash, genesis: ledger.genesis }),
  );

  app.get<{ Params: { publicKey: string } }>(
    '/api/v1/accounts/:publicKey',
    {
      schema: {
        params: { type: 'object', properties: { publicKey: hex32 }, required: ['publicKey'] },
        response: { 200: { type: 'object', properties: { publicKey: hex32, nonce: { type: 'integer' } } } },
      },
    },
    (request) => ({
      publicKey: request.params.publicKey,
      nonce: lastNonce(ledger.state, request.params.publicKey),
    }),
  );

  app.get(
    '/api/v1/evidence',
    {
      schema: {
        response: {
          200: {
            type: 'object',
            properties: {
              evidence: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: hex32,
                    kind: { type: 'string' },
                    offender: hex32,
                    height: { type: 'integer' },
                    reportedBy: hex32,
                    committedAt: { type: 'integer' },
                    txHash: hex32,
                  },
                },
              },
            },
          },
        },
      },
    },
    () => ({
      evidence: ledger.stateByPrefix(EVIDENCE_PREFIX, EVIDENCE_PAGE_MAX).map(([key, value]) => ({
        id: key.slice(EVIDENCE_PREFIX.length),
        ...(JSON.parse(value) as object),
      })),
    }),
  );

  app.get<{ Params: { height: number } }>(
    '/api/v1/blocks/:height',
    {
      schema: {
        params: {
          type: 'object',
          properties: { height: { type: 'integer', minimum: 1 } },
          required: ['height'],
        },
        response: {
          200: {
            type: 'object',
            properties: {
              hash: hex32,
              header: headerSchema,
              txHashes: { type: 'array', items: hex32 },
              lastCommit: { ...commitSchema, nullable: true },
              commit: commitSchema,
            },
          },
          404: errorSchema,
        },
      },
    },
    (request) => {
      const { height } = request.params;
      const stored = ledger.block(height);
      if (stored === undefined)
        throw new ServiceError('block.not_found', `no block at height ${height}`, { height });
      return {
        hash: stored.hash,
        header: stored.block.header,
        txHashes: ledger.blockTxHashes(height),
        lastCommit: stored.block.lastCommit,
        commit: ledger.commit(height),
      };
    },
  );

  app.get<{ Params: { hash: string } }>(
    '/api/v1/txs/:hash',
    {
      schema: {
        params: { type: 'object', properties: { hash: hex32 }, required: ['hash'] },
        response: {
          200: {
            type: 'object',
            properties: {
              hash: hex32,
              height: { type: 'integer' },
              position: { type: 'integer' },
              logIndex: { type: 'integer' },
              tx: txSchema,
            },
          },
          404: errorSchema,
        },
      },
    },
    (request) => {
      const stored = ledger.tx(request.params.hash);
      if (stored === undefined) {
        if (node.mempool.has(request.params.hash)) {
          throw new ServiceError('tx.pending', 'tx is pending, not yet committed');
        }
        throw new ServiceError('tx.not_found', 'no committed tx has that hash');
      }
      return stored;
    },
  );

  app.post<{ Querystring: { wait?: 'commit' | 'none' } }>(
    '/api/v1/txs',
    {
      schema: {
        querystring: { type: 'object', properties: { wait: { type: 'string', enum: ['commit', 'none'] } } },
        body: { type: 'object' },
        response: {
          200: {
            type: 'object',
            properties: {
              hash: hex32,
              status: { type: 'string' },
              height: { type: 'integer' },
              blockHash: hex32,
            },
          },
          202: { type: 'object', properties: { hash: hex32, status: { type: 'string' } } },
        },
      },
    },
    async (request, reply) => {
      const hash = node.submitFromClient(request.ip, request.body);
      if (request.query.wait === 'none') return reply.status(202).send({ hash, status: 'pending' });
      const committed = await node.waitForCommit(hash, COMMIT_WAIT_MS_MAX);
      if (committed === undefined) return reply.status(202).send({ hash, status: 'pending' });
      return { hash, status: 'committed', height: committed.height, blockHash: committed.blockHash };
    },
  );
}
