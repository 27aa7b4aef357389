// The MLLP edge on real sockets, in-process: framing both ways, a frame that is not HL7, the frame-size
// bound, and MLLP over mutual TLS (a sender without a certificate from the client CA gets nothing). The
// ingest behind it is a stand-in that echoes the control id: what it does is tested in
// test/e2e/hl7-mllp.int.test.ts against a real node.
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { buildAck } from '../app/hl7/ack.ts';
import { parseEr7 } from '../app/hl7/er7.ts';
import { readHeader, type MessageHeader } from '../app/hl7/messages.ts';
import { issueCertificate, x509 } from '../node/certificates.ts';
import { makeApiCertificates } from '../node/api-tls.ts';
import { ackCodes, mllpAnswers, mllpExchange, mllpWrites } from '../../test/harness/mllp.ts';
import { mllpFrame } from '../services/hl7/mllp-out.ts';
import { Hl7Listener, IN_FLIGHT_PER_CONNECTION_MAX } from './hl7-listener.ts';
import type { Hl7Outcome } from '../services/hl7/ingest.ts';
import type { AckChannel } from '../services/hl7/enhanced.ts';

const MESSAGE = 'MSH|^~\\&|LIS|LAB|CC|HOSP|20260101||ORU^R01|CTRL-7|P|2.5.1\rPID|1||42^^^X^MR';

/** Every text the listener handed over, in order. */
const received: string[] = [];

const echo = {
  isConfigured: () => true,
  handle: (text: string, channel?: AckChannel): Promise<Hl7Outcome> => {
    received.push(text);
    let header: MessageHeader;
    try {
      header = readHeader(parseEr7(text));
    } catch {
      // As the ingest answers a frame that is not HL7 v2.
      const error = { code: '100', text: 'not HL7' } as const;
      const ack = buildAck({
        header: {},
        code: 'AR',
        error,
        timestamp: '20260101000000+0000',
        controlId: 'ACK-0',
      });
      return Promise.resolve({ sender: '', controlId: '', ack, code: 'AR' });
    }
    const ackOf = (code: 'AA' | 'CA') =>
      buildAck({ header, code, timestamp: '20260101000000+0000', controlId: 'ACK-1' });
    const outcome = { sender: header.sender, controlId: header.controlId };
    // Enhanced mode, as the ingest answers it: CA now, the application ACK later on the same channel.
    if (header.applicationAckType === 'AL') {
      setTimeout(() => channel?.send(ackOf('AA')), 50);
      return Promise.resolve({ ...outcome, ack: ackOf('CA'), code: 'CA' });
    }
    const answered = { ...outcome, ack: ackOf('AA'), code: 'AA' as const };
    // As a real write is: answered well after the message came.
    if (header.controlId.startsWith('SLOW'))
      return new Promise((resolve) => setTimeout(() => resolve(answered), 200));
    return Promise.resolve(answered);
  },
};
const logger = pino({ level: 'silent' });

const plain = new Hl7Listener({ host: '127.0.0.1', port: 0 }, { ingest: echo, logger });
let plainPort = 0;
let mutual: Hl7Listener;
let mutualPort = 0;
let serverCa = '';
let client: { cert: string; key: string };

/** A CA and a client certificate it signs (clientAuth), as a sending facility would hold. */
async function clientCertificate(): Promise<{ ca: string; cert: string; key: string }> {
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256' } as const;
  const signing = { name: 'ECDSA', hash: 'SHA-256' } as const;
  const caKeys = await webcrypto.subtle.generateKey(algorithm, false, ['sign', 'verify']);
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const nowMs = Date.now();
  const ca = await issueCertificate({
    subject: 'CN=senders CA',
    issuer: 'CN=senders CA',
    publicKey: caKeys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: signing,
    nowMs,
    validityMs: 86_400_000,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
    ],
  });
  const cert = await issueCertificate({
    subject: 'CN=GOOD HEALTH LAB',
    issuer: 'CN=senders CA',
    publicKey: keys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: signing,
    nowMs,
    validityMs: 86_400_000,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
  const key = `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`;
  return { ca: ca.toString('pem'), cert: cert.toString('pem'), key };
}

before(async () => {
  plainPort = (await plain.start()).port;
  const server = await makeApiCertificates('hl7 test', ['127.0.0.1'], Date.now());
  serverCa = server.caCert;
  const sender = await clientCertificate();
  client = { cert: sender.cert, key: sender.key };
  mutual = new Hl7Listener(
    { host: '127.0.0.1', port: 0, tls: { cert: server.cert, key: server.key, ca: sender.ca } },
    { ingest: echo, logger },
  );
  mutualPort = (await mutual.start()).port;
});

after(async () => {
  await plain.stop();
  await mutual?.stop();
});

test('a framed message is answered with a framed ACK naming its control id', async () => {
  const ack = await mllpExchange(plainPort, MESSAGE);
  assert.equal(ackCodes(ack).msa, 'AA');
  assert.match(ack, /\rMSA\|AA\|CTRL-7\r?$/);
});

test('enhanced mode: the application ACK comes on the same connection after the CA', async () => {
  const enhanced = MESSAGE.replace('|P|2.5.1', '|P|2.5.1|||AL|AL');
  const [accept, application] = await mllpAnswers(plainPort, enhanced, 2, 10_000);
  assert.equal(ackCodes(accept!).msa, 'CA');
  assert.equal(ackCodes(application!).msa, 'AA');
});

test('a frame that is not an HL7 message is answered AR, and the connection still serves', async () => {
  const ack = await mllpExchange(plainPort, 'hello');
  assert.equal(ackCodes(ack).msa, 'AR');
  assert.equal(ackCodes(await mllpExchange(plainPort, MESSAGE)).msa, 'AA');
});

test('a frame that never ends is cut off at the bound instead of buffered', async () => {
  const chunk = Buffer.alloc(1 << 20, 0x41);
  chunk[0] = 0x0b;
  const closed = await new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: plainPort });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(true));
    // 8 MiB without 0x1C 0x0D: over the bound (1 Mi characters, at most 4 MiB of UTF-8).
    const write = (left: number): void => {
      if (left > 0 && !socket.destroyed) socket.write(chunk, () => write(left - 1));
    };
    write(8);
  });
  assert.equal(closed, true);
  assert.equal(ackCodes(await mllpExchange(plainPort, MESSAGE)).msa, 'AA');
});

test('over mutual TLS a sender with a certificate from the client CA is answered', async () => {
  const ack = await mllpExchange(mutualPort, MESSAGE, 10_000, { tls: { ca: serverCa, ...client } });
  assert.equal(ackCodes(ack).msa, 'AA');
});

test('over mutual TLS a sender without a certificate, or over plain TCP, gets nothing', async () => {
  await assert.rejects(mllpExchange(mutualPort, MESSAGE, 10_000, { tls: { ca: serverCa } }));
  await assert.rejects(mllpExchange(mutualPort, MESSAGE, 5_000));
});

const withId = (id: string) => MESSAGE.replace('CTRL-7', id);

test('two messages in one TCP write are two messages, answered in the order they came', async () => {
  const answers = await mllpWrites(
    plainPort,
    [Buffer.concat([mllpFrame(withId('SLOW-TWO-A')), mllpFrame(withId('TWO-B'))])],
    2,
  );
  assert.deepEqual(
    answers.map((a) => /\rMSA\|(\w+)\|([\w-]+)/.exec(a)?.slice(1)),
    [
      ['AA', 'SLOW-TWO-A'],
      ['AA', 'TWO-B'],
    ],
  );
});

test('a message sent one byte a write, with noise before its start block, is one message', async () => {
  const bytes = Buffer.concat([Buffer.from('\r\nnoise'), mllpFrame(withId('BYTES-1'))]);
  const [ack] = await mllpWrites(
    plainPort,
    [...bytes].map((b) => Buffer.from([b])),
    1,
  );
  assert.match(ack!, /\rMSA\|AA\|BYTES-1\r/);
  assert.equal(received.at(-1), withId('BYTES-1'));
});

test('MSH-18 8859/1: the text handed on is the Latin-1 message, decoded', async () => {
  const text = `${withId('LATIN-1')}|||||||8859/1\rPID|1||42^^^X^MR||Müller^José`;
  const frame = Buffer.concat([Buffer.from([0x0b]), Buffer.from(text, 'latin1'), Buffer.from([0x1c, 0x0d])]);
  const [ack] = await mllpWrites(plainPort, [frame], 1);
  assert.match(ack!, /\rMSA\|AA\|LATIN-1\r/);
  assert.equal(received.at(-1), text);
});

test('a connection that opens and closes without sending changes nothing; the next is served', async () => {
  await new Promise<void>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: plainPort }, () => socket.end());
    socket.on('close', () => resolve());
  });
  const before = received.length;
  assert.equal(ackCodes(await mllpExchange(plainPort, withId('AFTER-EMPTY'))).msa, 'AA');
  assert.equal(received.length, before + 1);
});

test('a sender that half-closes after its message still gets its ACK, then the connection ends', async () => {
  const answer = await new Promise<string>((resolve, reject) => {
    let buffer: Buffer = Buffer.alloc(0);
    const socket = connect({ host: '127.0.0.1', port: plainPort }, () =>
      socket.end(mllpFrame(withId('SLOW-HALF-1'))),
    );
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
    });
    socket.on('close', () => resolve(buffer.toString('utf8')));
  });
  assert.match(answer, /\rMSA\|AA\|SLOW-HALF-1\r/);
});

test('a sender pipelining many messages has at most IN_FLIGHT_PER_CONNECTION_MAX handled at once; all are answered in order', async () => {
  let handling = 0;
  let mostAtOnce = 0;
  const releases: (() => void)[] = [];
  const held = {
    isConfigured: () => true,
    handle: async (text: string): Promise<Hl7Outcome> => {
      handling += 1;
      mostAtOnce = Math.max(mostAtOnce, handling);
      await new Promise<void>((resolve) => releases.push(resolve));
      handling -= 1;
      const header = readHeader(parseEr7(text));
      const ack = buildAck({ header, code: 'AA', timestamp: '20260101000000+0000', controlId: 'ACK-1' });
      return { sender: header.sender, controlId: header.controlId, ack, code: 'AA' };
    },
  };
  const listener = new Hl7Listener({ host: '127.0.0.1', port: 0 }, { ingest: held, logger });
  const { port } = await listener.start();
  try {
    const count = IN_FLIGHT_PER_CONNECTION_MAX * 3;
    const ids = Array.from({ length: count }, (_, i) => `PIPE-${i}`);
    // All in one write: the listener reads them at once, and must still hold all but the bound back.
    const answers = mllpWrites(port, [Buffer.concat(ids.map((id) => mllpFrame(withId(id))))], count);
    const releaseAll = setInterval(() => releases.splice(0).forEach((release) => release()), 100);
    try {
      const acks = await answers;
      assert.deepEqual(
        acks.map((a) => /\rMSA\|AA\|([\w-]+)/.exec(a)?.[1]),
        ids,
      );
    } finally {
      clearInterval(releaseAll);
    }
    assert.equal(mostAtOnce, IN_FLIGHT_PER_CONNECTION_MAX);
  } finally {
    await listener.stop();
  }
});
