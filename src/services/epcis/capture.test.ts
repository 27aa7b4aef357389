// The capture pipeline without a network: the official GS1 schema, the document → payload step, the
// tx size limit and the supply module. Every GS1 example document in ../shared/testdata/epcis/gs1/JSON
// is accepted whole; documents that break the schema or a rule are refused with nothing recorded.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { capturePayload, documentEvents } from './capture.ts';
import { eventIndexOf, loadEpcisValidator } from './schema.ts';
import { eventCount, eventSeqById, storedEvent } from '../../app/supply/index.ts';
import { ev, nodes, SupplyChain, sgtin, type OrgName } from '../../app/supply/test-fixtures.ts';
import { encodeTx, signTx } from '../../core/tx.ts';
import { TX_BYTES_MAX } from '../../core/limits.ts';
import { filesUnder, sharedTestdata } from '../../../test/harness/files.ts';

const GS1 = sharedTestdata('epcis', 'gs1');
const validator = loadEpcisValidator(join(GS1, 'EPCIS-JSON-Schema.json'))!;

const documents = (dir: string) => filesUnder(dir, (name) => /\.jsonld?$/.test(name));

function read(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

/** The capture as the API would submit it, signed by an organisation's node; 'ok' or the refusal. */
function capture(chain: SupplyChain, org: OrgName, document: Record<string, unknown>): string {
  const result = validator.validate(document);
  if (!result.valid) return `schema:${result.problems[0]!.pointer}`;
  const payload = capturePayload(document);
  const tx = signTx(nodes[org].seed, {
    chainId: 'carechain-test',
    type: 'supply.capture',
    payload,
    nonce: 1,
  });
  if (encodeTx(tx).length > TX_BYTES_MAX) return 'too_large';
  return chain.as(org, 'supply.capture', payload);
}

const examples = [...documents(join(GS1, 'JSON'))];

test('the GS1 schema loads, and a missing schema is reported as unavailable, not as valid', () => {
  assert.ok(examples.length >= 40);
  assert.equal(loadEpcisValidator(join(GS1, 'no-such-schema.json')), undefined);
});

for (const path of examples) {
  test(`GS1 example ${path.slice(GS1.length)} is accepted whole`, () => {
    const chain = SupplyChain.ready();
    const document = read(path);
    const events = documentEvents(document);
    assert.ok(events.length > 0);
    assert.equal(capture(chain, 'hosp', document), 'ok');
    assert.equal(eventCount(chain.state), events.length);
    // Each event is stored as given, under its own eventID or the CBV 2.0 event hash.
    for (const [i, event] of events.entries()) {
      const given = (event as { eventID?: string }).eventID;
      const stored = storedEvent(chain.state, i)!;
      if (given !== undefined) assert.equal(stored.eventId, given);
      else assert.match(stored.eventId, /^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/);
      assert.deepEqual(
        JSON.parse(stored.text),
        given === undefined ? { ...(event as object), eventID: stored.eventId } : event,
      );
      if (!stored.errorDeclaration) assert.equal(eventSeqById(chain.state, stored.eventId), i);
    }
  });
}

test('a document that breaks the schema is refused with JSON pointers and the event index', () => {
  const document = read(join(GS1, 'JSON/Example_9.6.1-ObjectEvent.jsonld'));
  const events = documentEvents(document) as Record<string, unknown>[];
  const broken = { ...document, epcisBody: { eventList: [events[0], { ...events[1], action: 'TELEPORT' }] } };
  const result = validator.validate(broken);
  assert.equal(result.valid, false);
  if (result.valid) return;
  assert.equal(result.eventIndex, 1);
  assert.ok(
    result.problems.some((p) => p.pointer === '/epcisBody/eventList/1/action'),
    JSON.stringify(result.problems),
  );
  assert.equal(eventIndexOf('/epcisBody/eventList/12/epcList/0'), 12);
  const noTime = { ...document, epcisBody: { eventList: [{ ...events[0], eventTime: 'yesterday' }] } };
  assert.equal(validator.validate(noTime).valid, false);
  const chain = SupplyChain.ready();
  assert.match(capture(chain, 'hosp', broken), /^schema:/);
  assert.equal(eventCount(chain.state), 0);
});

test('a document that breaks a rule is refused whole: no event of it is recorded', () => {
  const chain = SupplyChain.ready();
  const document = (events: unknown[]) => ({
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-01-15T10:00:00Z',
    epcisBody: { eventList: events.map((e) => ({ ...(e as object), eventTimeZoneOffset: '+00:00' })) },
  });
  assert.equal(capture(chain, 'maker', document([ev.commission([sgtin('R1'), sgtin('R2')])])), 'ok');
  chain.commit();
  const before = chain.committedEntries().length;
  const count = eventCount(chain.state);
  const breaking = document([
    ev.inspect([sgtin('R1')]),
    ev.ship([sgtin('R2')], 'dist'),
    ev.dispense([sgtin('R1')]),
  ]);
  assert.equal(capture(chain, 'maker', breaking), 'tx.rejected:supply.not_pharmacy');
  assert.equal(
    capture(chain, 'dist', document([ev.ship([sgtin('R1')], 'pharmA')])),
    'tx.rejected:supply.not_owner',
  );
  chain.commit();
  assert.equal(eventCount(chain.state), count);
  assert.equal(chain.committedEntries().length, before);
});

test('a document too large for one tx is told to split, before anything is submitted', () => {
  const chain = SupplyChain.ready();
  // Twenty events, each with an extension field of a twentieth of the limit: together just over it.
  const many = Array.from({ length: 20 }, (_, i) => ({
    ...ev.inspect([sgtin(`BIG${i}`)]),
    eventTimeZoneOffset: '+00:00',
    'example:note': 'x'.repeat(Math.ceil(TX_BYTES_MAX / 20)),
  }));
  const document = {
    '@context': [
      'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
      { example: 'http://ns.example.com/epcis/' },
    ],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-01-15T10:00:00Z',
    epcisBody: { eventList: many },
  };
  assert.equal(capture(chain, 'hosp', document), 'too_large');
  assert.equal(
    capture(chain, 'hosp', { ...document, epcisBody: { eventList: many.slice(0, 10) } }),
    'tx.rejected:supply.not_commissioned',
  );
});
