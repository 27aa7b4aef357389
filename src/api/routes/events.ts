// Server-Sent Events:
//   GET /api/v1/events       public: one `block` event per committed block (height, hash, tx count), for
//                            explorers and dashboards; only ledger metadata is sent
//   GET /api/v1/events/mine  authenticated: one `consent` event per consent request, answer, grant or
//                            revocation that concerns the caller (services/consents/live.ts), so the
//                            patient sees a request and the clinician an answer without reloading; the
//                            events carry tx hashes and ids only, no PHI and nothing about other people
// Each client gets a bounded buffer: a client too slow to keep up is disconnected rather than allowed to
// grow the node's memory. Streams are bounded in all, and per caller on the authenticated one.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CarechainNode } from '../../node/node.ts';
import type { ProducedBlock } from '../../node/solo-producer.ts';
import { ServiceError } from '../../services/errors.ts';
import { consentEventsOf, ConsentStreams } from '../../services/consents/live.ts';
import { errorSchema, eventStreamResponse, type BlockEvent } from '../../contract/ledger.ts';
import { myEventStreamResponse } from '../../contract/consents.ts';

/** Most SSE clients at once (per route); one more gets 503. */
export const EVENT_STREAMS_MAX = 100;
export const MY_EVENTS_PATH = '/api/v1/events/mine';
/** Bytes a client may have unread before it is dropped. */
const STREAM_BUFFER_BYTES_MAX = 1024 * 1024;
/** A comment line this often keeps proxies from closing an idle stream. */
const KEEPALIVE_MS = 15_000;

export interface EventStream {
  /** Writes one event (dropping the client if it is too far behind). */
  send(event: string, data: unknown, id?: number): void;
}

/** Takes the reply over as an event stream, sends `hello`, and calls `onClose` once the client leaves. */
export function openStream(
  request: FastifyRequest,
  reply: FastifyReply,
  hello: unknown,
  onClose: () => void,
): EventStream {
  const raw = reply.raw;
  reply.hijack();
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
  });
  const send = (event: string, data: unknown, id?: number): void => {
    if (raw.writableLength > STREAM_BUFFER_BYTES_MAX) {
      raw.destroy();
      return;
    }
    raw.write(`${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  send('hello', hello);
  const keepalive = setInterval(() => raw.write(': keepalive\n\n'), KEEPALIVE_MS);
  request.raw.once('close', () => {
    clearInterval(keepalive);
    onClose();
  });
  return { send };
}

/** A committed block's txs as the ledger stores them, for the live streams to read their events from. */
export function blockTxs(node: CarechainNode, block: ProducedBlock) {
  return block.txHashes.map((hash) => node.ledger.tx(hash)).filter((tx) => tx !== undefined);
}

export function registerEventRoutes(
  app: FastifyInstance,
  node: CarechainNode,
  /** Whether the server authenticates callers (request.caller()), so /events/mine can be served. */
  options: { readonly callers: boolean },
): void {
  let streams = 0;
  const schema = { response: { 200: eventStreamResponse, 503: errorSchema } };
  app.get('/api/v1/events', { schema }, (request, reply) => {
    if (streams >= EVENT_STREAMS_MAX) {
      throw new ServiceError('events.too_many_streams', 'too many event streams; retry later');
    }
    streams++;
    const onBlock = (block: ProducedBlock): void => {
      const data: BlockEvent = { height: block.height, hash: block.hash, txCount: block.txHashes.length };
      stream.send('block', data, block.height);
    };
    const stream = openStream(
      request,
      reply,
      { chainId: node.ledger.chainId, height: node.ledger.tip().height },
      () => {
        node.off('block', onBlock);
        streams--;
      },
    );
    node.on('block', onBlock);
  });

  if (!options.callers) return;
  const mine = new ConsentStreams(EVENT_STREAMS_MAX);
  node.on('block', (block: ProducedBlock) =>
    mine.publish(() => consentEventsOf(node.ledger.state, blockTxs(node, block))),
  );
  const mySchema = { response: { 200: myEventStreamResponse, 503: errorSchema } };
  app.get(MY_EVENTS_PATH, { schema: mySchema }, async (request, reply) => {
    const caller = await request.caller();
    // Subscribed before the reply is taken over, so a refusal (too many streams) is still a 503.
    const stream: { open?: EventStream } = {};
    const close = mine.open(caller, (event) => stream.open?.send('consent', event, event.height));
    stream.open = openStream(request, reply, { height: node.ledger.tip().height }, close);
  });
}
