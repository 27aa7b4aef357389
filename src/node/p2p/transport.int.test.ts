// Transports on real loopback sockets: they find each other whatever order they start in, gossip
// arrives once per message with the sender's proven key and in the order sent, requests get answers,
// and a peer that restarts is reconnected.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NodeError } from '../errors.ts';
import {
  allConnected,
  HOST,
  mesh,
  Relay,
  startLinked,
  TestNode,
  testKey,
  TIMEOUT,
  waitFor,
} from '../../../test/harness/p2p.ts';

test(
  'three allow-listed nodes connect in any start order, gossip with the sender’s key, and answer requests',
  TIMEOUT,
  async (t) => {
    const nodes = await mesh(['a', 'b', 'c']);
    const [a, b, c] = nodes;
    t.after(() => Promise.all(nodes.map((n) => n.transport.stop())));
    // c dials a and b while neither is listening yet; they come up later, one at a time.
    for (const node of [c, a, b]) {
      await node.transport.start();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await waitFor(() => allConnected(nodes), 'all links up');
    for (const node of nodes)
      assert.deepEqual(
        node.transport.peers().map((p) => p.connected),
        [true, true],
      );

    for (let i = 0; i < 100; i++) a.transport.broadcast({ n: i });
    c.transport.send(b.key.publicKey, { only: 'b' });
    await waitFor(
      () => b.from(a.key).length === 100 && c.from(a.key).length === 100,
      'a’s gossip at b and c',
    );
    await waitFor(() => b.from(c.key).length === 1, 'c’s direct message at b');
    const expected = Array.from({ length: 100 }, (_, i) => ({ n: i }));
    assert.deepEqual(b.from(a.key), expected, 'every message once, in the order sent');
    assert.deepEqual(c.from(a.key), expected);
    assert.deepEqual(b.from(c.key), [{ only: 'b' }]);
    assert.equal(a.from(c.key).length, 0, 'send() reaches only its peer');
    assert.equal(b.from(b.key).length + a.from(a.key).length, 0, 'no node gossips to itself');
    await waitFor(() => a.transport.stats().messagesSent === 200, 'acknowledgements');
    assert.equal(a.transport.stats().messagesDropped, 0);

    const answer = await a.transport.request(b.key.publicKey, 'blocks', { from: 1, to: 3 });
    assert.deepEqual(answer, { from: a.key.publicKey, method: 'blocks', params: { from: 1, to: 3 } });
    const concurrent = await Promise.all(
      Array.from({ length: 20 }, (_, i) => c.transport.request(a.key.publicKey, 'echo', i)),
    );
    assert.deepEqual(
      concurrent.map((r: any) => r.params),
      Array.from({ length: 20 }, (_, i) => i),
    );

    await assert.rejects(a.transport.request(c.key.publicKey, 'fail', null), (err: unknown) => {
      assert.ok(err instanceof NodeError);
      assert.equal(err.code, 'p2p.request_failed');
      assert.equal(err.details.code, 'test.refused', 'the handler’s code crosses the wire');
      assert.equal(err.details.status, 500);
      return true;
    });
    await assert.rejects(a.transport.request(a.key.publicKey, 'echo', null), /not a peer this node dials/);
    await assert.rejects(a.transport.request(b.key.publicKey, '../admin', null), /not path-safe/);
    assert.throws(() => a.transport.broadcast(undefined), /JSON value/);
    const seen = a.transport.peers().map((p) => p.lastSeenMs);
    assert.ok(seen.every((ms) => typeof ms === 'number' && ms > 0));
  },
);

test(
  'a peer that stops and restarts on the same port is reconnected and gets later gossip',
  TIMEOUT,
  async (t) => {
    const [a, b] = await mesh(['r1', 'r2']);
    // The same key and port, as a node restarted from its key file would have.
    const restarted = new TestNode(b.key, b.port, {
      peers: [a.address(), b.address()],
      allowedKeys: new Set([a.key.publicKey, b.key.publicKey]),
    });
    t.after(() => Promise.all([a, b, restarted].map((n) => n.transport.stop())));
    await startLinked([a, b]);

    await b.transport.stop();
    await waitFor(() => !a.transport.peers()[0]!.connected, 'a notices b is gone');
    // Gossip while b is down waits in a's bounded queue.
    a.transport.broadcast({ while: 'down' });
    assert.equal(a.transport.peers()[0]!.queued, 1);

    await restarted.transport.start();
    await waitFor(() => allConnected([a, restarted]), 'links up again');
    a.transport.broadcast({ after: 'restart' });
    restarted.transport.broadcast({ back: true });
    await waitFor(() => restarted.from(a.key).length === 2, 'gossip at the restarted node');
    await waitFor(() => a.from(b.key).length === 1, 'gossip from the restarted node');
    assert.deepEqual(restarted.from(a.key), [{ while: 'down' }, { after: 'restart' }]);
    assert.deepEqual(a.from(b.key), [{ back: true }]);
    assert.deepEqual(await a.transport.request(b.key.publicKey, 'echo', 'x'), {
      from: a.key.publicKey,
      method: 'echo',
      params: 'x',
    });
  },
);

test('idle links stay up across many PING intervals, on both ends', TIMEOUT, async (t) => {
  // The server drops a session after six PING intervals without a PING; PINGs must keep it alive
  // (a session's timeout does not count PING frames as activity unless re-armed).
  const nodes = await mesh(['i1', 'i2'], { pingIntervalMs: 200 });
  t.after(() => Promise.all(nodes.map((n) => n.transport.stop())));
  await startLinked(nodes);
  // Wait for the links' own evidence, not for time: each side has had its PINGs answered on the same
  // session for 15 intervals (2.5 idle timeouts) since it first saw the peer.
  const lastSeen = (node: TestNode) => node.transport.peers()[0]!.lastSeenMs ?? 0;
  const firstSeen = nodes.map(lastSeen);
  await waitFor(
    () => nodes.every((node, i) => lastSeen(node) >= firstSeen[i]! + 15 * 200),
    'PINGs answered across 15 intervals',
    30_000,
  );
  for (const node of nodes) {
    assert.equal(node.transport.stats().connectionsOpened, 1, 'no link was dropped and redialled');
    assert.ok(node.transport.peers()[0]!.connected);
  }
});

test(
  'a peer that goes silent without closing the connection is detected by PING and redialled',
  TIMEOUT,
  async (t) => {
    const [, b] = await mesh(['g1', 'g2']);
    const relay = new Relay(b.port);
    await relay.start();
    // a reaches b only through the relay.
    const a = new TestNode(testKey('g1'), 0, {
      peers: [{ publicKey: b.key.publicKey, host: HOST, port: relay.port }],
      allowedKeys: new Set([b.key.publicKey]),
      pingIntervalMs: 100,
    });
    t.after(async () => {
      await Promise.all([a, b].map((n) => n.transport.stop()));
      await relay.stop();
    });
    await Promise.all([a, b].map((n) => n.transport.start()));
    await waitFor(() => a.transport.peers()[0]!.connected, 'link up');

    relay.freeze();
    await waitFor(() => !a.transport.peers()[0]!.connected, 'the silent link dropped');
    a.transport.broadcast({ during: 'silence' });
    relay.thaw();
    await waitFor(() => a.transport.peers()[0]!.connected, 'link up again');
    await waitFor(() => b.from(a.key).length === 1, 'queued gossip delivered after the silence');
    assert.deepEqual(b.from(a.key), [{ during: 'silence' }]);
    assert.equal(a.transport.stats().connectionsOpened, 2);
  },
);
