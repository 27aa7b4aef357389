// Prometheus metrics at /metrics (OpenMetrics text). Gauges are read from the node when scraped, so
// they cost nothing between scrapes; counters follow node events. Names carry their unit last
// (`_seconds`, `_bytes`, `_total`). No label ever carries a key, a patient or a tx payload.
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CarechainNode } from '../node/node.ts';
import { ServiceError } from '../services/errors.ts';
import { errorSchema, metricsResponse } from '../contract/ledger.ts';
import { isLocalRequest } from './operator.ts';

/** `more`: registries of parts that run beside the API (the HL7 listener's), served with the node's. */
export function registerMetrics(
  app: FastifyInstance,
  node: CarechainNode,
  more: readonly Registry[] = [],
): void {
  // A merged registry holds the other parts' metrics (the same objects, so it sees their updates).
  const registry = more.length === 0 ? new Registry() : Registry.merge([...more]);
  collectDefaultMetrics({ register: registry, prefix: 'carechain_process_' });

  new Gauge({
    name: 'carechain_height',
    help: 'Height of the last committed block.',
    registers: [registry],
    collect() {
      this.set(node.ledger.tip().height);
    },
  });
  new Gauge({
    name: 'carechain_log_size',
    help: 'Leaves in the global transparency log (committed txs).',
    registers: [registry],
    collect() {
      this.set(node.ledger.tip().logSize);
    },
  });
  new Gauge({
    name: 'carechain_mempool_txs',
    help: 'Txs accepted and not yet committed.',
    registers: [registry],
    collect() {
      this.set(node.mempool.size);
    },
  });
  new Gauge({
    name: 'carechain_mempool_bytes',
    help: 'Encoded size of the pending txs.',
    registers: [registry],
    collect() {
      this.set(node.mempool.sizeBytes);
    },
  });
  new Gauge({
    name: 'carechain_peers_connected',
    help: 'Peers with an authenticated connection.',
    registers: [registry],
    collect() {
      this.set(node.network?.peers().filter((p) => p.connected).length ?? 0);
    },
  });
  new Gauge({
    name: 'carechain_consensus_round',
    help: 'Round of the height being decided (0 when the network is healthy).',
    registers: [registry],
    collect() {
      this.set(node.network?.driver.round ?? 0);
    },
  });
  const blocks = new Counter({
    name: 'carechain_blocks_committed_total',
    help: 'Blocks committed since start.',
    registers: [registry],
  });
  const txs = new Counter({
    name: 'carechain_txs_committed_total',
    help: 'Txs committed since start.',
    registers: [registry],
  });
  const blockInterval = new Histogram({
    name: 'carechain_block_interval_seconds',
    help: 'Time between consecutive commits seen by this node.',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers: [registry],
  });
  let lastCommitAt: number | undefined;
  node.on('block', (block) => {
    blocks.inc();
    txs.inc(block.txHashes.length);
    const now = performance.now();
    if (lastCommitAt !== undefined) blockInterval.observe((now - lastCommitAt) / 1000);
    lastCommitAt = now;
  });

  const schema = { response: { 200: metricsResponse, 403: errorSchema } };
  app.get('/metrics', { schema }, async (request, reply) => {
    if (!isLocalRequest(request)) {
      // Operator-only (operator.ts): the process and peer figures are not for the world.
      throw new ServiceError('metrics.operator_only', 'metrics are served to the node’s own machine only');
    }
    const body = await registry.metrics();
    return reply.header('content-type', registry.contentType).send(body);
  });
}
