// The XML answer of GET /epcis/events: every GS1 JSON-LD example's events, written as an
// epcisq:EPCISQueryDocument, are well-formed XML (read by the strict reader of the capture path) and
// read back to events with the same CBV 2.0 event hashes; the vocabulary is written as the XML binding
// spells it; Accept negotiation keeps JSON-LD the default.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { epcisQueryDocumentXml, expandedTerm, prefersXml, xmlText } from './xml-write.ts';
import { epcisXmlToJsonLd } from './xml.ts';
import { documentEvents } from './capture.ts';
import { loadEpcisValidator } from './schema.ts';
import { epcisEventHash } from '../../app/supply/event-hash/index.ts';
import { filesUnder, sharedTestdata } from '../../../test/harness/files.ts';

type Json = Record<string, unknown>;

const GS1 = sharedTestdata('epcis', 'gs1');
const validator = loadEpcisValidator(join(GS1, 'EPCIS-JSON-Schema.json'))!;
/**
 * An event as XML can carry it: XML text has no booleans or numbers, so a user extension's `true`
 * comes back as "true" (the GS1 examples map xsi:typed extension values to strings too).
 */
function asXmlTyped(value: unknown, inExtension = false): unknown {
  if (Array.isArray(value)) return value.map((v) => asXmlTyped(v, inExtension));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, asXmlTyped(v, inExtension || k.includes(':'))]),
    );
  }
  return inExtension && (typeof value === 'boolean' || typeof value === 'number') ? String(value) : value;
}

const examples = [...filesUnder(join(GS1, 'JSON'), (name) => /\.jsonld?$/.test(name))];

test('every GS1 JSON example, written as an XML query document, reads back with the same event hashes', () => {
  assert.ok(examples.length >= 40, `only ${examples.length} examples`);
  let events = 0;
  for (const path of examples) {
    const name = relative(GS1, path);
    const document = JSON.parse(readFileSync(path, 'utf8')) as Json;
    const original = documentEvents(document) as Json[];
    const xml = epcisQueryDocumentXml(document, original);
    const back = epcisXmlToJsonLd(xml);
    const read = documentEvents(back) as Json[];
    assert.equal(read.length, original.length, name);
    const hashes = (list: Json[], context: unknown) => list.map((e) => epcisEventHash(e, context));
    const typed = original.map((e) => asXmlTyped(e) as Json);
    assert.deepEqual(hashes(read, back['@context']), hashes(typed, document['@context']), name);
    assert.deepEqual(
      read.map((e) => e.eventID),
      original.map((e) => e.eventID),
      name,
    );
    // Read back, it is a document the JSON path takes whenever the example itself is one.
    if (validator.validate(document).valid) assert.deepEqual(validator.validate(back), { valid: true }, name);
    events += original.length;
  }
  assert.ok(events >= 50, `only ${events} events`);
});

test('the XML answer spells vocabulary the XML way and escapes text', () => {
  assert.equal(expandedTerm('bizStep', 'shipping'), 'urn:epcglobal:cbv:bizstep:shipping');
  assert.equal(expandedTerm('disposition', 'in_transit'), 'urn:epcglobal:cbv:disp:in_transit');
  assert.equal(expandedTerm('sourceDestinationType', 'owning_party'), 'urn:epcglobal:cbv:sdt:owning_party');
  assert.equal(expandedTerm('measurementType', 'Temperature'), 'gs1:Temperature');
  assert.equal(expandedTerm('bizStep', 'https://example.com/step'), 'https://example.com/step');
  assert.equal(xmlText('a<b>&"c"\u0001\uFFFE'), 'a&lt;b&gt;&amp;&quot;c&quot;\uFFFD\uFFFD');
  assert.equal(xmlText('tab\tline\n\u{1F48A}'), 'tab\tline\n\u{1F48A}');
  const document = {
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld', { ex: 'https://ex.org/' }],
  };
  const xml = epcisQueryDocumentXml(document, [
    {
      type: 'ObjectEvent',
      eventTime: '2026-01-15T10:00:00.000Z',
      eventTimeZoneOffset: '+00:00',
      epcList: ['urn:epc:id:sgtin:1.2.</epcList><injected/>'],
      action: 'OBSERVE',
      bizStep: 'shipping',
      'ex:note': '<script>&',
      'ex:bad key': 'x',
    },
  ]);
  assert.doesNotMatch(xml, /<injected\/>/);
  assert.match(xml, /<bizStep>urn:epcglobal:cbv:bizstep:shipping<\/bizStep>/);
  assert.match(xml, /xmlns:ex="https:\/\/ex.org\/"/);
  assert.match(xml, /<!-- ex:bad key: not an XML name -->/);
  // An extension under the EPCIS context's own "epcis" prefix is declared, the root's prefix is not taken.
  const own = epcisQueryDocumentXml(document, [
    {
      type: 'ObjectEvent',
      eventTime: '2026-01-15T10:00:00.000Z',
      eventTimeZoneOffset: '+00:00',
      action: 'OBSERVE',
      'epcis:x': '1',
      'epcisq:y': '2',
    },
  ]);
  const ownEvent = documentEvents(epcisXmlToJsonLd(own))[0] as Json;
  assert.equal(ownEvent['epcis:x'], '1');
  assert.match(own, /<!-- epcisq:y: not an XML name -->/);
  const event = documentEvents(epcisXmlToJsonLd(xml))[0] as Json;
  assert.deepEqual(event.epcList, ['urn:epc:id:sgtin:1.2.</epcList><injected/>']);
  assert.equal(event['ex:note'], '<script>&');
  assert.equal(event.bizStep, 'shipping');
});

test('Accept negotiation: XML only when asked for before JSON', () => {
  assert.equal(prefersXml(undefined), false);
  assert.equal(prefersXml('*/*'), false);
  assert.equal(prefersXml('application/ld+json'), false);
  assert.equal(prefersXml('application/xml'), true);
  assert.equal(prefersXml('text/xml'), true);
  assert.equal(prefersXml('application/json, application/xml'), false);
  assert.equal(prefersXml('application/xml, application/json'), true);
  assert.equal(prefersXml('application/json;q=0.5, application/xml'), true);
  assert.equal(prefersXml('application/xml;q=0, */*'), false);
  assert.equal(prefersXml('text/html'), false);
});
