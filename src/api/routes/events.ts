// Server-Sent Events at /api/v1/events: one `block` event per committed block (height, hash, tx count),
// for explorers and dashboards. Each client gets a bounded buffer: a client too slow to keep up is
// disconnected rather than allowed to grow the node's memory. Only ledger metadata is sent.
import type { FastifyInstance } from 'fastify';
import type { CarechainNode } from '../../node/node.ts';
import type { ProducedBlock } from '../../node/solo-producer.ts';
import { ServiceError } from '../../services/errors.ts';
import { errorSchema, eventStreamResponse, type BlockEvent } from '../../contract/ledger.ts';

/** Most SSE clients at once; one more gets 503. */
export const EVENT_STREAMS_MAX = 100;
/** Bytes a client may have unread before it is dropped. */
const STREAM_BUFFER_BYTES_MAX = 1024 * 1024;
/** A comment line this often keeps proxies from closing an idle stream. */
const KEEPALIVE_MS = 15_000;

export function registerEventRoutes(app: FastifyInstance, node: CarechainNode): void {
  let streams = 0;
  const schema = { response: { 200: eventStreamResponse, 503: errorSchema } };
  app.get('/api/v1/events', { schema }, (request, reply) => {
    if (streams >= EVENT_STREAMS_MAX) {
      throw new ServiceError('events.too_many_streams', 'too many event streams; retry later');
    }
    streams++;
    const raw = reply.raw;
    reply.hijack();
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    const tip = node.ledger.tip();
    raw.write(
      `event: hello\ndata: ${JSON.stringify({ chainId: node.ledger.chainId, height: tip.height })}\n\n`,
    );
    const onBlock = (block: ProducedBlock): void => {
      if (raw.writableLength > STREAM_BUFFER_BYTES_MAX) {
        raw.destroy();
        return;
      }
      const data: BlockEvent = { height: block.height, hash: block.hash, txCount: block.txHashes.length };
      raw.write(`id: ${block.height}\nevent: block\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const keepalive = setInterval(() => raw.write(': keepalive\n\n'), KEEPALIVE_MS);
    node.on('block', onBlock);
    const close = (): void => {
      clearInterval(keepalive);
      node.off('block', onBlock);
      streams--;
    };
    request.raw.once('close', close);
  });
}
