// The CBV 2.0 §8.9 event hash: the reference implementation's published example, the GS1 EPCIS 2.0
// example documents (../shared/testdata/epcis/gs1/JSON, GS1 terms), invariance under JSON key and list
// order (fast-check), and sensitivity to every hashed field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import fc from 'fast-check';
import { CoreError } from '../../../core/errors.ts';
import { epcisEventHash, epcisEventPreHashString } from './index.ts';
import { filesUnder, sharedTestdata } from '../../../../test/harness/files.ts';

type Event = Record<string, unknown>;
const examples = sharedTestdata('epcis', 'gs1', 'JSON');

const jsonldFiles = (dir: string) => filesUnder(dir, (name) => name.endsWith('.jsonld'));

interface Example {
  readonly name: string;
  readonly event: Event;
  readonly context: unknown;
}

function loadExamples(): Example[] {
  const out: Example[] = [];
  for (const file of [...jsonldFiles(examples)].sort()) {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as {
      '@context'?: unknown;
      epcisBody?: Record<string, any>;
    };
    const body = doc.epcisBody ?? {};
    const events: Event[] =
      body.eventList ?? (body.event ? [body.event] : (body.queryResults?.resultsBody?.eventList ?? []));
    events.forEach((event, i) =>
      out.push({ name: `${relative(examples, file)}#${i}`, event, context: doc['@context'] }),
    );
  }
  return out;
}

test("the reference implementation's Example 1 (README, issue #88): pre-hash and hash", () => {
  const event = {
    type: 'ObjectEvent',
    eventTime: '2020-03-04T11:00:30.000+01:00',
    eventTimeZoneOffset: '+01:00',
    recordTime: '2020-03-04T11:00:30.999+01:00',
    epcList: [
      'urn:epc:id:sscc:4012345.0000000333',
      'urn:epc:id:sscc:4012345.0000000111',
      'urn:epc:id:sscc:4012345.0000000222',
    ],
    action: 'OBSERVE',
    bizStep: 'urn:epcglobal:cbv:bizstep:departing',
    readPoint: { id: 'urn:epc:id:sgln:4012345.00011.987' },
    'example:myField1': { 'example:mySubField1': '2', 'example:mySubField2': '5' },
    'example:myField2': '0',
    'example:myField3': { 'example:mySubField3': ['3', '1'] },
  };
  const context = [
    'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
    { example: 'https://ns.example.com/epcis/' },
  ];
  const ns = '{https://ns.example.com/epcis/}';
  assert.equal(
    epcisEventPreHashString(event, context),
    'eventType=ObjectEvent' +
      'eventTime=2020-03-04T10:00:30.000ZeventTimeZoneOffset=+01:00' +
      'epcListepc=https://id.gs1.org/00/040123450000001112epc=https://id.gs1.org/00/040123450000002225' +
      'epc=https://id.gs1.org/00/040123450000003338' +
      'action=OBSERVEbizStep=https://ref.gs1.org/cbv/BizStep-departing' +
      'readPointid=https://id.gs1.org/414/4012345000115/254/987' +
      `${ns}myField1${ns}mySubField1=2${ns}mySubField2=5${ns}myField2=0${ns}myField3${ns}mySubField3=1${ns}mySubField3=3`,
  );
  assert.equal(
    epcisEventHash(event, context),
    'ni:///sha-256;6ae96341e0acc6d7a261364751f60e68278a81cdf51da0abb6b4e617014e39d7?ver=CBV2.0',
  );
});

/**
 * Which GS1 example eventIDs are real CBV 2.0 hashes of their events: none. They are illustrative, which
 * the documents show themselves: Example_9.6.1 event 0 reappears with only an errorDeclaration added
 * (WithErrorDeclaration) and with only an rdfs:comment added (with-comment), fields the hash excludes,
 * yet the three carry three different eventIDs; and one eventID (5f7c472b…) is shared by two different
 * events. No algorithm that excludes errorDeclaration can match all of them.
 */
const EXAMPLES_WHOSE_EVENT_ID_IS_THEIR_HASH: readonly string[] = [];

test('GS1 example documents: every event hashes; the eventIDs that are real hashes are listed', () => {
  const all = loadExamples();
  assert.ok(all.length >= 50, `found ${all.length} events`);
  const withHashId = all.filter(
    (e) => typeof e.event.eventID === 'string' && e.event.eventID.startsWith('ni:///'),
  );
  assert.ok(withHashId.length >= 40, `found ${withHashId.length} events with ni eventIDs`);
  for (const { name, event, context } of all) {
    assert.match(epcisEventHash(event, context), /^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/, name);
  }
  const matching = withHashId
    .filter((e) => epcisEventHash(e.event, e.context) === e.event.eventID)
    .map((e) => e.name);
  assert.deepEqual(matching, EXAMPLES_WHOSE_EVENT_ID_IS_THEIR_HASH);

  const byName = new Map(all.map((e) => [e.name, e]));
  const hashOf = (name: string): string => {
    const e = byName.get(name);
    assert.ok(e, name);
    return epcisEventHash(e.event, e.context);
  };
  const same = [
    'Example_9.6.1-ObjectEvent.jsonld#0',
    'WithErrorDeclaration/Example_9.6.1-ObjectEvent-with-error-declaration.jsonld#0',
    'Example_9.6.1-with-comment.jsonld#0',
  ];
  assert.equal(new Set(same.map(hashOf)).size, 1, 'excluded fields do not change the hash');
  assert.equal(
    new Set(same.map((name) => byName.get(name)!.event.eventID)).size,
    3,
    'but the documents give 3 IDs',
  );
  const shared = [
    'AssociationEvent/AssociationEvent-f.jsonld#0',
    'Example-Type-sourceOrDestination,measurement,bizTransaction.jsonld#0',
  ];
  assert.equal(
    byName.get(shared[0]!)!.event.eventID,
    byName.get(shared[1]!)!.event.eventID,
    'one ID for two events',
  );
  assert.notEqual(hashOf(shared[0]!), hashOf(shared[1]!));
  // The Digital Link variant of the same event names other GTINs, so it is another event.
  assert.notEqual(
    hashOf('WithDigitalLinkID/Example_9.6.1-ObjectEventWithDigitalLink.jsonld#0'),
    hashOf(same[0]!),
  );
});

const BASE: Event = {
  type: 'ObjectEvent',
  eventTime: '2005-04-03T20:33:31.116-06:00',
  eventTimeZoneOffset: '-06:00',
  epcList: ['urn:epc:id:sgtin:0614141.107346.2017', 'urn:epc:id:sgtin:0614141.107346.2018'],
  action: 'OBSERVE',
  bizStep: 'shipping',
  disposition: 'in_transit',
  readPoint: { id: 'urn:epc:id:sgln:0614141.07346.1234', 'ex:door': 'north' },
  bizLocation: { id: 'urn:epc:id:sgln:0614141.00888.0' },
  quantityList: [
    { epcClass: 'urn:epc:class:lgtin:4012345.012345.998877', quantity: 200, uom: 'KGM' },
    { epcClass: 'urn:epc:class:lgtin:0614141.077777.987', quantity: 10 },
  ],
  bizTransactionList: [
    { type: 'po', bizTransaction: 'http://transaction.acme.com/po/12345678' },
    { type: 'desadv', bizTransaction: 'urn:epcglobal:cbv:bt:0614141073467:1152' },
  ],
  sourceList: [{ type: 'owning_party', source: 'urn:epc:id:pgln:0614141.00777' }],
  destinationList: [{ type: 'location', destination: 'urn:epc:id:sgln:0614141.00777.0' }],
  sensorElementList: [
    {
      sensorMetadata: { time: '2019-04-02T13:05:00.000Z', deviceID: 'urn:epc:id:giai:4000001.111' },
      sensorReport: [
        { type: 'Temperature', value: 26, uom: 'CEL' },
        { type: 'gs1:RelativeHumidity', value: 12.1, uom: 'A93', 'ex:calibrated': true },
      ],
    },
  ],
  persistentDisposition: { set: ['completeness_verified'], unset: ['completeness_inferred'] },
  ilmd: { 'ex:bestBefore': '2026-12-31', 'ex:origin': ['DE', 'FR'] },
  'ex:myField': 'Example of a vendor/user extension',
  'ex:nested': { 'ex:a': '1', 'ex:b': ['x', 'y'] },
};
const CONTEXT = [
  'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
  { ex: 'http://ns.example.com/epcis/' },
];

test('the pre-hash of a full event follows the canonical property order', () => {
  const lines = epcisEventPreHashString(BASE, CONTEXT);
  const order = [
    'eventType=',
    'eventTime=',
    'eventTimeZoneOffset=',
    'epcList',
    'quantityList',
    'action=',
    'bizStep=',
    'disposition=',
    'persistentDisposition',
    'readPoint',
    'bizLocation',
    'bizTransactionList',
    'sourceList',
    'destinationList',
    'sensorElementList',
    'ilmd',
    '{http://ns.example.com/epcis/}myField',
  ];
  let at = -1;
  for (const key of order) {
    const next = lines.indexOf(key, at + 1);
    assert.ok(next > at, `${key} after position ${at}`);
    at = next;
  }
  for (const fragment of [
    'bizStep=https://ref.gs1.org/cbv/BizStep-shipping',
    'disposition=https://ref.gs1.org/cbv/Disp-in_transit',
    'type=https://ref.gs1.org/cbv/BTT-desadvbizTransaction=urn:epcglobal:cbv:bt:0614141073467:1152',
    'sourceListtype=https://ref.gs1.org/cbv/SDT-owning_partysource=https://id.gs1.org/417/0614141007776',
    'readPointid=https://id.gs1.org/414/0614141073467/254/1234{http://ns.example.com/epcis/}door=north',
    'sensorReporttype=https://gs1.org/voc/RelativeHumidityvalue=12.1uom=A93{http://ns.example.com/epcis/}calibrated=True',
    'sensorMetadatatime=2019-04-02T13:05:00.000ZdeviceID=https://id.gs1.org/8004/4000001111',
    'quantityElementepcClass=https://id.gs1.org/01/00614141777778/10/987quantity=10',
    'persistentDispositionset=https://ref.gs1.org/cbv/Disp-completeness_verifiedunset=https://ref.gs1.org/cbv/Disp-completeness_inferred',
  ]) {
    assert.ok(lines.includes(fragment), fragment);
  }
});

/** A deep copy with object keys and list items in a random order. */
function shuffled(value: unknown, random: () => number): unknown {
  const shuffle = <T>(items: T[]): T[] => {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  };
  if (Array.isArray(value)) return shuffle(value.map((item) => shuffled(item, random)));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      shuffle(Object.entries(value).map(([k, v]) => [k, shuffled(v, random)] as const)),
    );
  }
  return value;
}

test('property: the hash does not depend on JSON key order or list order', () => {
  const expected = epcisEventHash(BASE, CONTEXT);
  const events = loadExamples().slice(0, 80);
  fc.assert(
    fc.property(fc.integer(), fc.nat(events.length - 1), (seed, pick) => {
      let state = seed >>> 0 || 1;
      const random = (): number => {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        return (state >>> 0) / 2 ** 32;
      };
      assert.equal(epcisEventHash(shuffled(BASE, random) as Event, CONTEXT), expected);
      const example = events[pick]!;
      assert.equal(
        epcisEventHash(shuffled(example.event, random) as Event, example.context),
        epcisEventHash(example.event, example.context),
        example.name,
      );
    }),
    { numRuns: 200 },
  );
});

test('the hash changes when any hashed field changes', () => {
  const base = epcisEventHash(BASE, CONTEXT);
  const changes: Array<[string, (e: any) => void]> = [
    ['type', (e) => (e.type = 'TransactionEvent')],
    ['eventTime', (e) => (e.eventTime = '2005-04-03T20:33:31.117-06:00')],
    ['eventTimeZoneOffset', (e) => (e.eventTimeZoneOffset = '-05:00')],
    ['an EPC', (e) => (e.epcList[1] = 'urn:epc:id:sgtin:0614141.107346.2019')],
    ['an EPC removed', (e) => e.epcList.pop()],
    ['action', (e) => (e.action = 'ADD')],
    ['bizStep', (e) => (e.bizStep = 'receiving')],
    ['disposition', (e) => (e.disposition = 'in_progress')],
    ['readPoint', (e) => (e.readPoint.id = 'urn:epc:id:sgln:0614141.07346.1235')],
    ['readPoint extension', (e) => (e.readPoint['ex:door'] = 'south')],
    ['bizLocation', (e) => (e.bizLocation = { id: 'urn:epc:id:sgln:0614141.00888.1' })],
    ['quantity', (e) => (e.quantityList[0].quantity = 201)],
    ['uom', (e) => (e.quantityList[0].uom = 'LBR')],
    ['bizTransaction type', (e) => (e.bizTransactionList[0].type = 'inv')],
    ['source', (e) => (e.sourceList[0].source = 'urn:epc:id:pgln:0614141.00778')],
    ['destination type', (e) => (e.destinationList[0].type = 'possessing_party')],
    ['sensor value', (e) => (e.sensorElementList[0].sensorReport[0].value = 27)],
    ['sensor time', (e) => (e.sensorElementList[0].sensorMetadata.time = '2019-04-02T13:05:01.000Z')],
    ['persistent disposition', (e) => (e.persistentDisposition.set = ['completeness_inferred'])],
    ['ilmd', (e) => (e.ilmd['ex:origin'] = ['DE'])],
    ['extension', (e) => (e['ex:myField'] = 'other')],
    ['nested extension', (e) => (e['ex:nested']['ex:b'] = ['x', 'z'])],
    ['new extension', (e) => (e['ex:added'] = '1')],
    [
      'extension name',
      (e) => {
        e['ex:myField2'] = e['ex:myField'];
        delete e['ex:myField'];
      },
    ],
  ];
  const seen = new Set([base]);
  for (const [what, change] of changes) {
    const copy = structuredClone(BASE) as any;
    change(copy);
    const hash = epcisEventHash(copy, CONTEXT);
    assert.ok(!seen.has(hash), `changing ${what} changes the hash`);
    seen.add(hash);
  }
});

test('equivalent spellings and excluded fields give the same hash', () => {
  const base = epcisEventHash(BASE, CONTEXT);
  const same: Array<[string, (e: any) => void, unknown?]> = [
    ['eventID', (e) => (e.eventID = 'urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6')],
    ['recordTime', (e) => (e.recordTime = '2026-01-01T00:00:00Z')],
    [
      'errorDeclaration',
      (e) => (e.errorDeclaration = { declarationTime: '2026-01-01T00:00:00Z', reason: 'incorrect_data' }),
    ],
    [
      'certificationInfo',
      (e) => (e.certificationInfo = 'https://accreditation-council.example.org/certificate/ABC12345'),
    ],
    ['comment', (e) => (e['rdfs:comment'] = 'a note')],
    ['eventTime in UTC', (e) => (e.eventTime = '2005-04-04T02:33:31.116Z')],
    ['eventTime with microseconds', (e) => (e.eventTime = '2005-04-03T20:33:31.116000-06:00')],
    ['Digital Link EPC', (e) => (e.epcList[0] = 'https://example.com/01/10614141073464/21/2017?17=261231')],
    ['CBV 1.x URN bizStep', (e) => (e.bizStep = 'urn:epcglobal:cbv:bizstep:shipping')],
    ['CBV Web URI bizStep', (e) => (e.bizStep = 'https://ref.gs1.org/cbv/BizStep-shipping')],
    ['compact IRI disposition', (e) => (e.disposition = 'cbv:Disp-in_transit')],
    [
      'full measurement type',
      (e) => (e.sensorElementList[0].sensorReport[0].type = 'https://gs1.org/voc/Temperature'),
    ],
    ['padded value', (e) => (e['ex:myField'] = '  Example of a vendor/user extension ')],
    [
      'another prefix for the same namespace',
      (e) => {
        for (const key of Object.keys(e)) {
          if (!key.startsWith('ex:')) continue;
          e[`other:${key.slice(3)}`] = e[key];
          delete e[key];
        }
      },
      [...CONTEXT, { other: 'http://ns.example.com/epcis/' }],
    ],
  ];
  for (const [what, change, context] of same) {
    const copy = structuredClone(BASE) as any;
    change(copy);
    assert.equal(epcisEventHash(copy, context ?? CONTEXT), base, what);
  }
});

test('malformed events are refused with a stable code', () => {
  const refuse = (event: unknown): void =>
    assert.throws(
      () => epcisEventHash(event as Event),
      (e: unknown) => e instanceof CoreError && e.code === 'epcis_hash.malformed_event',
    );
  refuse({ eventTime: '2005-04-03T20:33:31.116Z' });
  refuse({ type: '' });
  let deep: any = 'x';
  for (let i = 0; i < 40; i++) deep = { 'ex:a': deep };
  refuse({ type: 'ObjectEvent', 'ex:deep': deep });
});
