// The EPCIS XML binding at POST /epcis/capture, over real HTTP on a real node: an EPCIS 2.0 XML capture
// (application/xml) and an EPCIS 1.2 one (text/xml) are committed, and GET /epcis/events finds each event
// with the eventID the JSON capture of the same event gives (its CBV 2.0 event hash) and the JSON
// binding's fields. A DOCTYPE, malformed XML and a wrong root element are refused with 400
// epcis.xml_invalid, and an anonymous XML body is refused before it is read; none of them records a thing.
// GET /epcis/events answers an epcisq:EPCISQueryDocument on Accept: application/xml, JSON-LD otherwise.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { epcisEventHash } from '../../src/app/supply/event-hash/index.ts';
import { EXPIRY, GLN, LOT, sgtin } from '../../src/app/supply/test-fixtures.ts';
import { documentEvents } from '../../src/services/epcis/capture.ts';
import { epcisXmlToJsonLd } from '../../src/services/epcis/xml.ts';
import { http, type HttpAnswer } from '../harness/http.ts';
import { staffClient, type Staff } from '../harness/network.ts';
import {
  epcisDocument,
  registerFixtureProduct,
  SUPPLY_ORGS,
  supplyNetworkForTests,
} from '../harness/supply.ts';

const supply = supplyNetworkForTests(
  'carechain-epcisxml-',
  'carechain-epcisxml-test',
  { maker: SUPPLY_ORGS.maker },
  async ({ staff }) => {
    const product = await registerFixtureProduct(staff.maker);
    assert.equal(product.status, 201, JSON.stringify(product.body));
    const party = await staffClient(staff.maker).post('/api/v1/supply/parties', { gln: GLN.maker });
    assert.equal(party.status, 201, JSON.stringify(party.body));
  },
);

const CONTEXT = ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'];
const TIME = '2026-01-15T10:00:00.000Z';

/** The JSON binding's form of a commissioning event (no eventID: the node gives it its hash). */
function commissionJson(serial: string): Record<string, unknown> {
  return {
    type: 'ObjectEvent',
    eventTime: TIME,
    eventTimeZoneOffset: '+00:00',
    epcList: [sgtin(serial)],
    action: 'ADD',
    bizStep: 'commissioning',
    disposition: 'active',
    ilmd: { 'cbvmda:lotNumber': LOT, 'cbvmda:itemExpirationDate': EXPIRY },
  };
}

/** The same event written by hand in the XML binding, its ILMD as given (1.2 wraps it in <extension>). */
function commissionEventXml(serial: string, ilmd: string): string {
  return `<ObjectEvent>
    <eventTime>${TIME}</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset>
    <epcList><epc>${sgtin(serial)}</epc></epcList>
    <action>ADD</action>
    <bizStep>urn:epcglobal:cbv:bizstep:commissioning</bizStep><disposition>urn:epcglobal:cbv:disp:active</disposition>
    ${ilmd}
  </ObjectEvent>`;
}

/** An EPCIS 2.0 XML document of the event. */
function commissionXml2(serial: string): string {
  const ilmd = `<ilmd><cbvmda:lotNumber>${LOT}</cbvmda:lotNumber><cbvmda:itemExpirationDate>${EXPIRY}</cbvmda:itemExpirationDate></ilmd>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" xmlns:cbvmda="urn:epcglobal:cbv:mda"
    schemaVersion="2.0" creationDate="2026-01-15T10:00:00Z">
  <EPCISBody><EventList>${commissionEventXml(serial, ilmd)}</EventList></EPCISBody>
</epcis:EPCISDocument>`;
}

/** An EPCIS 1.2 document of the event: ILMD in the <extension> wrapper (default namespace), an SBDH. */
function commissionXml12(serial: string): string {
  const mda = 'xmlns="urn:epcglobal:cbv:mda"';
  const ilmd = `<extension><ilmd><lotNumber ${mda}>${LOT}</lotNumber><itemExpirationDate ${mda}>${EXPIRY}</itemExpirationDate></ilmd></extension>`;
  const sbdh = 'http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader';
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:1" schemaVersion="1.2" creationDate="2026-01-15T10:00:00Z">
  <EPCISHeader><sbdh:StandardBusinessDocumentHeader xmlns:sbdh="${sbdh}"/></EPCISHeader>
  <EPCISBody><EventList>${commissionEventXml(serial, ilmd)}</EventList></EPCISBody>
</epcis:EPCISDocument>`;
}

function postXml(who: Staff | null, xml: string, contentType = 'application/xml'): Promise<HttpAnswer> {
  const authorization: Record<string, string> = who === null ? {} : { authorization: `Bearer ${who.token}` };
  return http(`${supply.net.apiUrls[0]}/epcis/capture`, {
    method: 'POST',
    headers: { ...authorization, 'content-type': contentType },
    body: xml,
  });
}

async function eventsOf(serial: string): Promise<Record<string, unknown>[]> {
  const answer = await staffClient(supply.staff.maker).get(
    `/epcis/events?MATCH_epc=${encodeURIComponent(sgtin(serial))}`,
  );
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body.epcisBody.queryResults.resultsBody.eventList;
}

test('refused XML documents answer 400 epcis.xml_invalid and record nothing', async () => {
  const valid = commissionXml2('XR1');
  const refused: Array<readonly [string, string]> = [
    [valid.replace('<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'), 'doctype'],
    [valid.replace('</ObjectEvent>', ''), 'malformed'],
    [valid.replace(/EPCISDocument/g, 'EPCISQueryDocumentX'), 'not_epcis'],
    [valid.replace('urn:epcglobal:epcis:xsd:2', 'urn:example:other'), 'not_epcis'],
  ]; // prettier-ignore
  for (const [xml, reason] of refused) {
    const answer = await postXml(supply.staff.maker, xml);
    assert.equal(answer.status, 400, JSON.stringify(answer.body));
    assert.equal(answer.body.error.code, 'epcis.xml_invalid');
    assert.equal(answer.body.error.details.reason, reason);
    assert.equal(typeof answer.body.error.message, 'string');
  }
  // Without a token the body is not even read: 401, whatever it holds.
  const anonymous = await postXml(null, refused[0]![0]);
  assert.equal(anonymous.status, 401);
  assert.equal(anonymous.body.error.code, 'auth.missing');
  // The valid document was refused nowhere: it alone can be recorded, and nothing of the others was.
  assert.deepEqual(await eventsOf('XR1'), []);
  assert.equal(
    (await staffClient(supply.staff.maker).get(`/api/v1/units/${encodeURIComponent(sgtin('XR1'))}`)).status,
    404,
  );
});

test('an EPCIS 2.0 XML capture is committed with the eventID the JSON capture would give', async () => {
  const json = commissionJson('XC1');
  const expectedId = epcisEventHash(json, CONTEXT);
  const answer = await postXml(supply.staff.maker, commissionXml2('XC1'));
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  assert.deepEqual(answer.body.eventIds, [expectedId]);
  const found = await eventsOf('XC1');
  assert.equal(found.length, 1);
  assert.deepEqual(found[0], { ...json, eventID: expectedId });
  // The unit is commissioned with the lot and expiry the XML ILMD carried.
  const unit = await staffClient(supply.staff.maker).get(`/api/v1/units/${encodeURIComponent(sgtin('XC1'))}`);
  assert.equal(unit.status, 200, JSON.stringify(unit.body));
  assert.match(JSON.stringify(unit.body), new RegExp(LOT));
});

test('an EPCIS 1.2 XML capture (text/xml, extension wrappers, SBDH) gives the same eventID as JSON', async () => {
  const json = commissionJson('XC2');
  const expectedId = epcisEventHash(json, CONTEXT);
  const answer = await postXml(supply.staff.maker, commissionXml12('XC2'), 'text/xml; charset=utf-8');
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  assert.deepEqual(answer.body.eventIds, [expectedId]);
  const found = await eventsOf('XC2');
  assert.deepEqual(found, [{ ...json, eventID: expectedId }]);
  // The JSON capture of the very same event is the same event: refused as a repeat of its eventID.
  const again = await staffClient(supply.staff.maker).post(
    '/epcis/capture',
    epcisDocument([json]),
    'application/ld+json',
  );
  assert.equal(again.status, 422, JSON.stringify(again.body));
  assert.equal(again.body.error.details.reason, 'supply.duplicate_event_id');
});

test('GET /epcis/events answers the XML binding on Accept: application/xml, JSON-LD otherwise', async () => {
  const url = `${supply.net.apiUrls[0]}/epcis/events?MATCH_epc=${encodeURIComponent(sgtin('XC1'))}`;
  const authorization = `Bearer ${supply.staff.maker.token}`;
  const xml = await fetch(url, { headers: { authorization, accept: 'application/xml' } });
  assert.equal(xml.status, 200);
  assert.match(xml.headers.get('content-type') ?? '', /^application\/xml/);
  const text = await xml.text();
  assert.match(text, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<epcisq:EPCISQueryDocument /);
  assert.match(text, /<bizStep>urn:epcglobal:cbv:bizstep:commissioning<\/bizStep>/);
  // Read back by the capture path's reader, it is the event the JSON answer holds, eventID and all.
  const events = documentEvents(epcisXmlToJsonLd(text));
  const json = commissionJson('XC1');
  assert.deepEqual(events, [{ ...json, eventID: epcisEventHash(json, CONTEXT) }]);
  for (const accept of [undefined, '*/*', 'application/json, application/xml']) {
    const answer = await fetch(url, {
      headers: { authorization, ...(accept === undefined ? {} : { accept }) },
    });
    assert.equal(answer.status, 200);
    assert.match(answer.headers.get('content-type') ?? '', /^application\/ld\+json/, String(accept));
    assert.equal(((await answer.json()) as { type: string }).type, 'EPCISQueryDocument');
  }
});
