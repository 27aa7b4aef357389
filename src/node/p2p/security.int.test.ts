// Authentication on real sockets: only allow-listed node keys get through, in either direction, a dial
// that reaches the wrong node is dropped, and the wire really is TLS 1.3 with the node's Ed25519 key.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import pino from 'pino';
import { NodeError } from '../errors.ts';
import { certificatePublicKey, createTlsIdentity } from './identity.ts';
import { P2PTransport } from './transport.ts';
import {
  allConnected,
  HOST,
  mesh,
  rawPost,
  rawSession,
  startLinked,
  TestNode,
  testKey,
  TIMEOUT,
  waitFor,
} from '../../../test/harness/p2p.ts';

test(
  'a node key outside the allow-list is refused: its gossip never reaches a handler and its requests fail',
  TIMEOUT,
  async (t) => {
    const [a, b] = await mesh(['s1', 's2']);
    const intruderKey = testKey('intruder');
    // The intruder knows the real addresses and keys, and would itself accept a and b.
    const intruder = new TestNode(intruderKey, 0, {
      peers: [a.address(), b.address()],
      allowedKeys: new Set([a.key.publicKey, b.key.publicKey, intruderKey.publicKey]),
    });
    t.after(() => Promise.all([a, b, intruder].map((n) => n.transport.stop())));
    await startLinked([a, b], 'a and b linked');
    await intruder.transport.start();
    await waitFor(
      () => a.transport.stats().connectionsRefused >= 2 && b.transport.stats().connectionsRefused >= 2,
      'repeated dials refused',
    );

    intruder.transport.broadcast({ forged: true });
    await assert.rejects(intruder.transport.request(a.key.publicKey, 'echo', null), (err: unknown) => {
      assert.ok(err instanceof NodeError);
      assert.match(err.code, /^p2p\.(peer_not_connected|request_failed)$/);
      return true;
    });
    // A message sent after the intruder's, on a live link, has arrived; the intruder's has not.
    a.transport.broadcast({ marker: 1 });
    await waitFor(() => b.from(a.key).length === 1, 'a’s marker at b');
    assert.deepEqual(
      intruder.transport.peers().map((p) => [p.connected, p.queued]),
      [
        [false, 1],
        [false, 1],
      ],
    );
    assert.equal(a.received.has(intruderKey.publicKey) || b.received.has(intruderKey.publicKey), false);
    assert.equal(a.transport.stats().messagesReceived, 0);

    // The same holds for a hand-made client with that key, and for one with no certificate at all.
    for (const key of [intruderKey, null]) {
      const session = await rawSession(a.port, key);
      const answer = await rawPost(session, '/p2p/v1/gossip', JSON.stringify([{ forged: true }]));
      assert.equal(answer.status, null, 'no HTTP answer: the session is closed before any stream');
      session.destroy();
    }
    assert.equal(a.received.size, 0);
    // Nor can a node be configured to dial a key that is not allowed.
    assert.throws(
      () =>
        new P2PTransport(
          {
            key: a.key,
            listenHost: HOST,
            listenPort: 0,
            peers: [intruder.address()],
            allowedKeys: new Set(),
          },
          {
            logger: pino({ level: 'silent' }),
            handlers: { onMessages: () => {}, onRequest: () => Promise.resolve(null) },
          },
        ),
      /not in the allow-list/,
    );
  },
);

test('a dial that reaches a node with a different key than expected is dropped', TIMEOUT, async (t) => {
  const [a, b] = await mesh(['m1', 'm2']);
  await a.transport.start();
  // Whoever listens at a's address, the dialler expects key m3 there: a's certificate does not match.
  const expectedKey = testKey('m3');
  const dialler = new TestNode(b.key, b.port, {
    peers: [{ publicKey: expectedKey.publicKey, host: HOST, port: a.port }],
    allowedKeys: new Set([a.key.publicKey, b.key.publicKey, expectedKey.publicKey]),
  });
  t.after(() => Promise.all([a, dialler].map((n) => n.transport.stop())));
  await dialler.transport.start();
  await waitFor(() => dialler.transport.stats().connectionsRefused >= 2, 'mismatched dials refused');
  dialler.transport.broadcast({ for: 'm3' });
  await assert.rejects(dialler.transport.request(expectedKey.publicKey, 'echo', null), /not connected/);
  assert.equal(dialler.transport.peers()[0]!.connected, false);
  assert.equal(a.received.size, 0, 'nothing meant for m3 reached a');
});

test(
  'the wire is TLS 1.3 over ALPN h2, and the certificate carries exactly the node’s Ed25519 key',
  TIMEOUT,
  async (t) => {
    const [a, b] = await mesh(['t1', 't2']);
    t.after(() => a.transport.stop());
    await a.transport.start();
    const client = await createTlsIdentity(b.key, Date.now());

    const socket = await new Promise<TLSSocket>((resolve, reject) => {
      const s = tlsConnect({
        host: HOST,
        port: a.port,
        key: client.keyPem,
        cert: client.certPem,
        ALPNProtocols: ['h2'],
        rejectUnauthorized: false,
      });
      s.once('secureConnect', () => resolve(s));
      s.once('error', reject);
    });
    assert.equal(socket.getProtocol(), 'TLSv1.3');
    assert.equal(socket.alpnProtocol, 'h2');
    const cert = socket.getPeerX509Certificate()!;
    assert.equal(cert.publicKey.asymmetricKeyType, 'ed25519');
    assert.equal(certificatePublicKey(cert), a.key.publicKey);
    assert.ok(cert.verify(cert.publicKey), 'self-signed by the node key');
    socket.destroy();

    // A client that offers nothing newer than TLS 1.2 does not get a connection.
    await assert.rejects(
      new Promise((resolve, reject) => {
        const s = tlsConnect({ host: HOST, port: a.port, maxVersion: 'TLSv1.2', rejectUnauthorized: false });
        s.once('secureConnect', () => resolve(s.destroy()));
        s.once('error', reject);
      }),
    );
  },
);

test(
  'the allow-list follows governance: a key admitted later connects both ways, and a key dropped is cut off at once',
  TIMEOUT,
  async (t) => {
    const [a, b] = await mesh(['g1', 'g2']);
    // a's chain does not know b yet; b (already told of its admission) dials a.
    const before = new Set([a.key.publicKey]);
    const newcomer = new TestNode(b.key, b.port, {
      peers: [a.address()],
      allowedKeys: new Set([a.key.publicKey, b.key.publicKey]),
    });
    const old = new TestNode(a.key, a.port, { peers: [], allowedKeys: before });
    t.after(() => Promise.all([old, newcomer].map((n) => n.transport.stop())));
    await Promise.all([old.transport.start(), newcomer.transport.start()]);
    await waitFor(
      () => old.transport.stats().connectionsRefused >= 1,
      'the newcomer refused before the vote',
    );

    old.transport.follow([newcomer.address()], new Set([a.key.publicKey, b.key.publicKey]));
    await waitFor(() => allConnected([old, newcomer]), 'both directions up after the vote');
    newcomer.transport.broadcast({ marker: 'admitted' });
    old.transport.broadcast({ marker: 'welcome' });
    await waitFor(
      () => old.from(b.key).length === 1 && newcomer.from(a.key).length === 1,
      'gossip both ways',
    );

    // Removed: a stops dialling b and closes b's inbound session, and b's redials are refused again.
    const refused = old.transport.stats().connectionsRefused;
    old.transport.follow([], before);
    assert.deepEqual(old.transport.peers(), []);
    await waitFor(() => old.transport.stats().connectionsRefused > refused, 'the removed key refused again');
    newcomer.transport.broadcast({ marker: 'after removal' });
    await assert.rejects(newcomer.transport.request(a.key.publicKey, 'echo', null), /not connected|failed/);
    assert.deepEqual(old.from(b.key), [{ marker: 'admitted' }]);
  },
);
