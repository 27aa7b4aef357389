// Bounds on real sockets: oversized and malformed bodies are refused with a status and the node keeps
// serving; large gossip is cut into batches that fit; outbound queues never grow past their bounds.
import assert from 'node:assert/strict';
import { constants } from 'node:http2';
import { test } from 'node:test';
import {
  freePort,
  HOST,
  mesh,
  rawPost,
  rawSession,
  TestNode,
  testKey,
  TIMEOUT,
  waitFor,
} from '../../../test/harness/p2p.ts';

const LIMIT = 64 * 1024;

test(
  'bodies over the limit or malformed are refused with 413/400, and the server keeps working',
  TIMEOUT,
  async (t) => {
    const nodes = await mesh(['l1', 'l2', 'l3'], { messageBytesMax: LIMIT });
    const [a, b, c] = nodes;
    t.after(() => Promise.all(nodes.map((n) => n.transport.stop())));
    await Promise.all([a, b].map((n) => n.transport.start()));
    // c's key is allowed, so its hand-made requests pass the key check and reach the body checks.
    const session = await rawSession(b.port, c.key);
    t.after(() => session.destroy());
    const big = JSON.stringify(['x'.repeat(LIMIT)]);

    const cases: [string, Promise<{ status: number | null; body: string }>, number][] = [
      ['declared too large', rawPost(session, '/p2p/v1/gossip', big), 413],
      ['too large, no length', rawPost(session, '/p2p/v1/gossip', big, { contentLength: false }), 413],
      ['request too large', rawPost(session, '/p2p/v1/request/echo', big, { contentLength: false }), 413],
      ['not JSON', rawPost(session, '/p2p/v1/gossip', '[{"a":'), 400],
      ['not UTF-8', rawPost(session, '/p2p/v1/gossip', Buffer.from([0x5b, 0x22, 0xff, 0x22, 0x5d])), 400],
      ['not an array', rawPost(session, '/p2p/v1/gossip', '{"a":1}'), 400],
      ['bad method name', rawPost(session, '/p2p/v1/request/a%2f..', 'null'), 400],
      ['unknown path', rawPost(session, '/admin', 'null'), 404],
      ['not POST', rawPost(session, '/p2p/v1/gossip', '', { method: 'GET' }), 405],
    ];
    for (const [what, answer, status] of cases) assert.equal((await answer).status, status, what);
    assert.equal(b.transport.stats().bodiesRefused, 6);
    // Still uploading when refused, with more unsent than the client's 10 MB default session memory:
    // it must get an answer or a reset, not wait forever (as it would after RST_STREAM(NO_ERROR)).
    // Such a client session is left unusable by node:http2, so this one gets a session of its own.
    const hugeSession = await rawSession(b.port, c.key);
    t.after(() => hugeSession.destroy());
    const huge = await rawPost(hugeSession, '/p2p/v1/gossip', Buffer.alloc(12 * 1024 * 1024, 0x20));
    assert.ok(huge.status === 413 || huge.rstCode === constants.NGHTTP2_CANCEL, JSON.stringify(huge));
    assert.equal(b.transport.stats().bodiesRefused, 7);
    assert.equal(b.received.size, 0, 'no refused body reached a handler');

    // The same session, and the transport, still work.
    const ok = await rawPost(session, '/p2p/v1/gossip', JSON.stringify([{ fine: true }]));
    assert.equal(ok.status, 204);
    assert.deepEqual(b.from(c.key), [{ fine: true }]);
    const echo = await rawPost(session, '/p2p/v1/request/echo', '{"q":1}');
    assert.deepEqual(JSON.parse(echo.body), {
      result: { from: c.key.publicKey, method: 'echo', params: { q: 1 } },
    });
    await waitFor(
      () => a.transport.peers().find((p) => p.publicKey === b.key.publicKey)!.connected,
      'a to b',
    );

    // Gossip larger than one body travels in several batches; one message that can never fit is dropped.
    const kib = 'y'.repeat(1024);
    for (let i = 0; i < 300; i++) a.transport.send(b.key.publicKey, { i, kib });
    a.transport.send(b.key.publicKey, { huge: 'z'.repeat(LIMIT) });
    a.transport.send(b.key.publicKey, { last: true });
    await waitFor(() => b.from(a.key).length === 301, 'all batches at b');
    assert.deepEqual(
      b.from(a.key).map((m: any) => m.i ?? 'last'),
      [...Array.from({ length: 300 }, (_, i) => i), 'last'],
    );
    assert.equal(a.transport.stats().messagesDropped, 1);
    assert.equal(b.transport.stats().bodiesRefused, 7, 'the sender never sent a body over the limit');
    await assert.rejects(
      a.transport.request(b.key.publicKey, 'echo', 'z'.repeat(LIMIT)),
      /over the size limit/,
    );
  },
);

test(
  'outbound queues for an unreachable peer stay within their message and byte bounds',
  TIMEOUT,
  async (t) => {
    const self = testKey('q1');
    const down = [testKey('q2'), testKey('q3')];
    const ports = [await freePort(), await freePort()];
    const node = new TestNode(self, 0, {
      peers: down.map((k, i) => ({ publicKey: k.publicKey, host: HOST, port: ports[i]! })),
      allowedKeys: new Set([self.publicKey, ...down.map((k) => k.publicKey)]),
      queueMessagesMax: 100,
      queueBytesMax: 10_000,
    });
    t.after(() => node.transport.stop());
    await node.transport.start();

    for (let i = 0; i < 1_000; i++) node.transport.broadcast({ i });
    assert.deepEqual(
      node.transport.peers().map((p) => p.queued),
      [100, 100],
    );
    assert.equal(node.transport.stats().messagesDropped, 2 * 900);

    // 200 messages of ~1 KB against a 10 kB bound: only the newest few are kept.
    for (let i = 0; i < 200; i++) node.transport.send(down[0]!.publicKey, { pad: 'p'.repeat(1_000) });
    const queued = node.transport.peers()[0]!.queued;
    assert.ok(queued > 0 && queued <= 10, `queued ${queued}`);
    assert.equal(node.transport.stats().messagesDropped, 2 * 900 + 100 + 200 - queued);
    assert.equal(node.transport.peers()[1]!.queued, 100);
  },
);

test(
  'a sender whose limit is larger than the receiver’s loses only the refused batch and recovers',
  TIMEOUT,
  async (t) => {
    const [a, b] = await mesh(['v1', 'v2'], { messageBytesMax: LIMIT });
    // Same keys and ports, but a configured with a 1 MiB limit: its batches can exceed b's 64 KiB.
    const big = new TestNode(a.key, a.port, {
      peers: [b.address()],
      allowedKeys: new Set([a.key.publicKey, b.key.publicKey]),
      messageBytesMax: 1024 * 1024,
    });
    t.after(() => Promise.all([big, b].map((n) => n.transport.stop())));
    await Promise.all([big, b].map((n) => n.transport.start()));
    await waitFor(() => big.transport.peers()[0]!.connected, 'link up');

    for (let i = 0; i < 100; i++) big.transport.broadcast({ i, pad: 'p'.repeat(2_000) });
    await waitFor(() => big.transport.stats().messagesDropped === 100, 'the oversized batch dropped');
    assert.ok(b.transport.stats().bodiesRefused >= 1);
    big.transport.broadcast({ after: true });
    await waitFor(() => b.from(a.key).length === 1, 'later gossip delivered');
    assert.deepEqual(b.from(a.key), [{ after: true }]);
  },
);
