// node.json's hl7 section: what it takes, and what it refuses before the node starts (a listener that
// would carry PHI in clear text off loopback, senders without a practitioner key, duplicates).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HL7_PORT_DEFAULT, parseHl7Config } from './hl7-config.ts';

const KEY = 'ab'.repeat(32);
const sender = { facility: 'GOOD HEALTH LAB', practitioner: KEY };

test('a loopback listener with its senders; the port defaults to 2575', () => {
  assert.deepEqual(parseHl7Config({ senders: [sender] }, 'node.json'), {
    host: '127.0.0.1',
    port: HL7_PORT_DEFAULT,
    senders: [sender],
  });
  assert.equal(parseHl7Config(undefined, 'node.json'), undefined);
});

test('a sender may name where it takes application ACKs (enhanced mode)', () => {
  const ackTo = { host: 'lis.example', port: 2576 };
  const config = parseHl7Config({ senders: [{ ...sender, ackTo }] }, 'node.json');
  assert.deepEqual(config?.senders, [{ ...sender, ackTo }]);
});

test('feeds: downstream systems the custodian sends its committed records to', () => {
  const feed = { name: 'LEGACY EHR', host: '127.0.0.1', port: 2576 };
  assert.deepEqual(parseHl7Config({ senders: [], feeds: [feed] }, 'node.json')?.feeds, [feed]);
  const refused = [
    [feed, feed],
    [{ ...feed, port: 0 }],
    [{ ...feed, name: 'a/b' }],
    [{ ...feed, tls: {} }],
    [{ ...feed, host: '10.0.0.9' }],
    'x',
  ];
  for (const feeds of refused) {
    assert.throws(() => parseHl7Config({ senders: [], feeds }, 'node.json'), /feed/, JSON.stringify(feeds));
  }
});

test('off loopback only with TLS; TLS paths are resolved against the config folder', () => {
  assert.throws(() => parseHl7Config({ host: '0.0.0.0', senders: [sender] }, 'node.json'), /clear text/);
  const config = parseHl7Config(
    {
      host: '0.0.0.0',
      port: 2575,
      senders: [sender],
      tls: { cert: 'c.pem', key: 'k.pem', clientCa: 'ca.pem' },
    },
    'node.json',
    '/srv/node',
  );
  assert.deepEqual(config?.tls, {
    cert: '/srv/node/c.pem',
    key: '/srv/node/k.pem',
    clientCa: '/srv/node/ca.pem',
  });
});

test('refused: bad ports, senders without a key, a facility twice, unknown tls fields', () => {
  const bad: unknown[] = [
    null,
    { senders: [sender], port: 70000 },
    { senders: [sender], port: 'x' },
    { senders: 'all' },
    { senders: [{ facility: 'LAB' }] },
    { senders: [{ facility: '', practitioner: KEY }] },
    { senders: [sender, sender] },
    { senders: [sender], tls: { cert: 'c', key: 'k', passphrase: 'x' } },
    { senders: [sender], tls: { cert: 'c' } },
    { senders: [{ ...sender, ackTo: { host: '127.0.0.1' } }] },
    { senders: [{ ...sender, ackTo: { host: '', port: 2576 } }] },
    { senders: [{ ...sender, ackTo: '127.0.0.1:2576' }] },
  ];
  for (const value of bad)
    assert.throws(() => parseHl7Config(value, 'node.json'), /hl7/, JSON.stringify(value));
});
