// The ledger API: status, accounts, evidence, blocks, txs and tx submission (/api/v1/...); checkpoints
// and proofs are in proofs.ts.
import type { FastifyInstance } from 'fastify';
import { EVIDENCE_PREFIX } from '../../app/consensus/index.ts';
import { lastNonce } from '../../app/executor.ts';
import { toHex } from '../../core/bytes.ts';
import { emptyRoot } from '../../core/merkle/index.ts';
import type { CarechainNode } from '../../node/node.ts';
import { ServiceError } from '../../services/errors.ts';
import {
  accountSchema,
  blockAnswerSchema,
  errorSchema,
  evidenceListSchema,
  genesisAnswerSchema,
  heightParams,
  publicKeyParams,
  statusSchema,
  storedTxSchema,
  submitTxBody,
  submitTxQuery,
  txCommittedSchema,
  txHashParams,
  txPendingSchema,
} from '../../contract/ledger.ts';
import { isLocalRequest } from '../operator.ts';

/** Most evidence records listed at once. */
const EVIDENCE_PAGE_MAX = 1000;

/** How long POST /txs waits for the commit before answering 202 "pending". */
const COMMIT_WAIT_MS_MAX = 10_000;

export function registerLedgerRoutes(app: FastifyInstance, node: CarechainNode): void {
  const { ledger } = node;

  app.get('/api/v1/status', { schema: { response: { 200: statusSchema } } }, (request) => {
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
  });

  // The genesis document and its hash: all a light client (the web app's explorer) trusts. Public,
  // like every genesis; the per-module app state is opaque to this route, so it passes whole.
  app.get('/api/v1/genesis', { schema: { response: { 200: genesisAnswerSchema } } }, (_request, reply) =>
    reply
      .header('cache-control', 'public, max-age=3600')
      .send({ hash: ledger.genesisHash, genesis: ledger.genesis }),
  );

  app.get<{ Params: { publicKey: string } }>(
    '/api/v1/accounts/:publicKey',
    {
      schema: { params: publicKeyParams, response: { 200: accountSchema } },
    },
    (request) => ({
      publicKey: request.params.publicKey,
      nonce: lastNonce(ledger.state, request.params.publicKey),
    }),
  );

  app.get('/api/v1/evidence', { schema: { response: { 200: evidenceListSchema } } }, () => ({
    evidence: ledger.stateByPrefix(EVIDENCE_PREFIX, EVIDENCE_PAGE_MAX).map(([key, value]) => ({
      id: key.slice(EVIDENCE_PREFIX.length),
      ...(JSON.parse(value) as object),
    })),
  }));

  app.get<{ Params: { height: number } }>(
    '/api/v1/blocks/:height',
    {
      schema: { params: heightParams, response: { 200: blockAnswerSchema, 404: errorSchema } },
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
      schema: { params: txHashParams, response: { 200: storedTxSchema, 404: errorSchema } },
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
        querystring: submitTxQuery,
        body: submitTxBody,
        response: { 200: txCommittedSchema, 202: txPendingSchema },
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
