// The EPCIS 2.0 REST binding as other EPCIS clients call it (GS1 EPCIS 2.0 openapi.yaml), on a real
// two-organisation network over HTTP: capture jobs (Location, GET /epcis/capture/{id}, the list),
// single-event capture, events by id, the top-level resources' events, and each SimpleEventQuery
// parameter shown filtering: a query that matches without it returns less with it. The events name units
// of an unregistered GTIN, which the supply rules leave alone (docs/SUPPLY.md), so every capture is taken.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UNREGISTERED_GTIN, withCheck } from '../../src/app/supply/test-fixtures.ts';
import { waitFor } from '../harness/http.ts';
import { staffClient } from '../harness/network.ts';
import { captureAt, SUPPLY_ORGS, supplyNetworkForTests } from '../harness/supply.ts';

type Json = Record<string, unknown>;

const supply = supplyNetworkForTests('carechain-epcis-rest-', 'carechain-epcis-rest-test', {
  maker: SUPPLY_ORGS.maker,
  dist: SUPPLY_ORGS.distributor,
});
const { staff } = supply;
const maker = () => staffClient(staff.maker);

const unit = (serial: string) => `https://id.gs1.org/01/${UNREGISTERED_GTIN}/21/${serial}`;
const [u1, u2, u3, u4] = ['R1', 'R2', 'R3', 'R4'].map(unit) as [string, string, string, string];
const box = `https://id.gs1.org/00/${withCheck('03000100000000777')}`;
const lotClass = `https://id.gs1.org/01/${UNREGISTERED_GTIN}/10/LOT-R`;
const otherClass = `https://id.gs1.org/01/${UNREGISTERED_GTIN}/10/LOT-S`;
const site = `https://id.gs1.org/414/${withCheck('030001000001')}`;
const dock = `https://id.gs1.org/414/${withCheck('030001000001')}/254/dock`;
const id = (n: number) => `urn:uuid:6f1e0000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** Four events of one document, at different event times, naming units, a box and lot classes. */
const EVENTS: Json[] = [
  {
    type: 'ObjectEvent',
    eventID: id(1),
    eventTime: '2026-01-10T10:00:00Z',
    action: 'ADD',
    bizStep: 'commissioning',
    disposition: 'active',
    epcList: [u1, u2],
    quantityList: [{ epcClass: lotClass, quantity: 5 }],
    readPoint: { id: dock },
    bizLocation: { id: site },
  },
  {
    type: 'TransformationEvent',
    eventID: id(2),
    eventTime: '2026-01-12T10:00:00Z',
    bizStep: 'repackaging',
    inputEPCList: [u2],
    outputEPCList: [u3],
    inputQuantityList: [{ epcClass: otherClass, quantity: 2 }],
  },
  {
    type: 'AggregationEvent',
    eventID: id(3),
    eventTime: '2026-01-13T10:00:00Z',
    action: 'ADD',
    bizStep: 'packing',
    parentID: box,
    childEPCs: [u1],
  },
  {
    type: 'ObjectEvent',
    eventID: id(4),
    eventTime: '2026-01-11T10:00:00Z',
    action: 'OBSERVE',
    bizStep: 'shipping',
    disposition: 'in_transit',
    epcList: [u1, u3],
    bizLocation: { id: site },
  },
];
/** Captured alone through POST /epcis/events, in a later block. */
const SINGLE: Json = {
  type: 'ObjectEvent',
  eventID: id(5),
  eventTime: '2026-01-14T10:00:00Z',
  eventTimeZoneOffset: '+00:00',
  action: 'OBSERVE',
  bizStep: 'receiving',
  epcList: [u4],
};
/** The error declaration of event 1, in a third block. */
const DECLARATION: Json = {
  ...EVENTS[0],
  eventTimeZoneOffset: '+00:00',
  errorDeclaration: { declarationTime: '2026-01-20T10:00:00Z', reason: 'incorrect_data' },
};

const captured: { first?: Json; recordTime?: string; single?: Json } = {};

/** The eventIDs a GET /epcis/events query answers, in order (fails on a non-200). */
async function idsOf(path: string): Promise<string[]> {
  const answer = await maker().get(path);
  assert.equal(answer.status, 200, `${path}: ${JSON.stringify(answer.body)}`);
  const list = answer.body.epcisBody.queryResults.resultsBody.eventList as Json[];
  return list.map((e) => e.eventID as string);
}

/** The eventIDs of /epcis/events with the query, and of the same with `extra` too. */
async function narrowed(query: string, extra: string): Promise<[string[], string[]]> {
  const sep = query === '' ? '' : '&';
  return [await idsOf(`/epcis/events?${query}`), await idsOf(`/epcis/events?${query}${sep}${extra}`)];
}

const q = encodeURIComponent;

test('a capture answers its job in Location, and the job says it committed, at its block time', async () => {
  const answer = await captureAt(supply.net, staff.maker, EVENTS);
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  assert.equal(answer.headers.get('location'), `/epcis/capture/${answer.body.txHash}`);
  const byHash = await maker().get(answer.headers.get('location')!);
  assert.equal(byHash.status, 200, JSON.stringify(byHash.body));
  assert.deepEqual(
    { ...byHash.body, createdAt: undefined, finishedAt: undefined },
    {
      captureID: answer.body.txHash,
      createdAt: undefined,
      finishedAt: undefined,
      running: false,
      success: true,
      captureErrorBehaviour: 'rollback',
      errors: [],
    },
  );
  const block = await maker().get(`/api/v1/blocks/${answer.body.height}`);
  assert.equal(byHash.body.finishedAt, new Date(block.body.header.timeMs).toISOString());
  const byNumber = await maker().get(`/epcis/capture/${answer.body.captureId}`);
  assert.deepEqual(byNumber.body, byHash.body);
  captured.first = answer.body;
  captured.recordTime = byHash.body.finishedAt;
});

test('an unknown capture job is 404 epcis.capture_not_found; an anonymous caller may not read jobs', async () => {
  for (const unknown of ['0'.repeat(64), '999999', 'not-an-id']) {
    const answer = await maker().get(`/epcis/capture/${unknown}`);
    assert.equal(answer.status, 404, unknown);
    assert.equal(answer.body.error.code, 'epcis.capture_not_found');
  }
  const anonymous = await fetch(`${staff.maker.apiUrl}/epcis/capture/0`);
  assert.equal(anonymous.status, 401);
});

test('POST /epcis/events captures one event; Location names it; GET /epcis/events/{eventID} answers it', async () => {
  const answer = await maker().post('/epcis/events', SINGLE, 'application/ld+json');
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  assert.equal(answer.body.eventId, SINGLE.eventID);
  assert.equal(answer.headers.get('location'), `/epcis/events/${q(SINGLE.eventID as string)}`);
  const event = await maker().get(answer.headers.get('location')!);
  assert.equal(event.status, 200);
  assert.equal(event.body.eventID, SINGLE.eventID);
  assert.deepEqual(event.body.epcList, [u4]);
  captured.single = answer.body;
  // The other organisation's node answers it too, once it has the block.
  const atDist = () => staffClient(staff.dist).get(`/epcis/events/${q(SINGLE.eventID as string)}`);
  assert.ok(await waitFor(async () => (await atDist()).status === 200, 30_000));
});

test('an event id never captured is 404 epcis.event_not_found; a bad or repeated single event is refused', async () => {
  const missing = await maker().get(`/epcis/events/${q('ni:///sha-256;00?ver=CBV2.0')}`);
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error.code, 'epcis.event_not_found');
  const bad = await maker().post('/epcis/events', { type: 'ObjectEvent', action: 'SHOUT' });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'epcis.schema_invalid');
  const again = await maker().post('/epcis/events', SINGLE);
  assert.equal(again.status, 422, 'an eventID is captured once');
});

test('an error declaration is captured; the capture list names this organisation’s jobs, newest first', async () => {
  const declared = await maker().post('/epcis/events?wait=false', DECLARATION);
  assert.equal(declared.status, 202, JSON.stringify(declared.body));
  const job = declared.headers.get('location')!;
  assert.equal(declared.body.captureErrorBehaviour, 'rollback');
  const done = async () => (await maker().get(job)).body.success === true;
  assert.ok(await waitFor(done, 30_000), 'the declaration committed');
  // The distributor captures one event of its own: it is in its node's list, not in the maker's.
  const theirs = await staffClient(staff.dist).post('/epcis/events', { ...SINGLE, eventID: id(9) });
  assert.equal(theirs.status, 201, JSON.stringify(theirs.body));
  const atMaker = async () => (await maker().get(`/epcis/events/${q(id(9))}`)).status === 200;
  assert.ok(await waitFor(atMaker, 30_000));
  const list = await maker().get('/epcis/capture?perPage=2');
  assert.equal(list.status, 200, JSON.stringify(list.body));
  const ids = (list.body.captureJobs as Json[]).map((j) => j.captureID);
  assert.deepEqual(ids, [job.split('/').pop(), captured.single!.txHash]);
  const next = list.headers.get('link')!;
  assert.match(next, /rel="next"/);
  const rest = await maker().get(/<([^>]+)>/.exec(next)![1]!);
  assert.deepEqual(
    (rest.body.captureJobs as Json[]).map((j) => j.captureID),
    [captured.first!.txHash],
  );
  assert.equal(rest.headers.get('link'), null);
  const distList = await staffClient(staff.dist).get('/epcis/capture');
  assert.deepEqual(
    (distList.body.captureJobs as Json[]).map((j) => j.captureID),
    [theirs.body.txHash],
  );
});

test('the event types, and each top-level resource’s events', async () => {
  const types = await maker().get('/epcis/eventTypes');
  assert.deepEqual(types.body.eventTypes, [
    'ObjectEvent',
    'AggregationEvent',
    'TransactionEvent',
    'TransformationEvent',
    'AssociationEvent',
  ]);
  assert.deepEqual(await idsOf('/epcis/eventTypes/AggregationEvent/events'), [id(3)]);
  assert.deepEqual(await idsOf(`/epcis/epcs/${q(u3)}/events`), [id(2), id(4)]);
  assert.deepEqual(await idsOf(`/epcis/epcs/${q(box)}/events`), [id(3)]);
  assert.deepEqual(await idsOf('/epcis/bizSteps/shipping/events'), [id(4)]);
  assert.deepEqual(await idsOf(`/epcis/bizLocations/${q(site)}/events`), [id(1), id(4), id(1)]);
  assert.deepEqual(await idsOf(`/epcis/readPoints/${q(dock)}/events`), [id(1), id(1)]);
  assert.deepEqual(await idsOf('/epcis/dispositions/in_transit/events'), [id(4)]);
  // More SimpleEventQuery parameters still apply, and the path's own parameter may not be repeated.
  assert.deepEqual(await idsOf(`/epcis/epcs/${q(u1)}/events?EQ_bizStep=packing`), [id(3)]);
  const twice = await maker().get('/epcis/eventTypes/ObjectEvent/events?eventType=ObjectEvent');
  assert.equal(twice.status, 400);
  assert.equal(twice.body.error.code, 'epcis.query_invalid');
  const unknownType = await maker().get('/epcis/eventTypes/NoSuchEvent/events');
  assert.equal(unknownType.status, 400);
});

test('a top-level resource answers the XML binding on Accept: application/xml, as /epcis/events does', async () => {
  const answer = await fetch(`${staff.maker.apiUrl}/epcis/bizSteps/packing/events`, {
    headers: { authorization: `Bearer ${staff.maker.token}`, accept: 'application/xml' },
  });
  assert.equal(answer.status, 200);
  assert.match(answer.headers.get('content-type')!, /^application\/xml/);
  const xml = await answer.text();
  assert.match(xml, /EPCISQueryDocument/);
  assert.ok(xml.includes(id(3)) && !xml.includes(id(4)), 'the packing event only');
});

test('a top-level resource pages like /epcis/events, its Link on its own path', async () => {
  const first = await maker().get(`/epcis/epcs/${q(u1)}/events?perPage=2`);
  const link = first.headers.get('link')!;
  const path = /<([^>]+)>/.exec(link)![1]!;
  assert.ok(path.startsWith(`/epcis/epcs/${q(u1)}/events?`), path);
  assert.ok(!path.includes('MATCH_anyEPC'), path);
  const second = await idsOf(path);
  assert.deepEqual(
    [...(first.body.epcisBody.queryResults.resultsBody.eventList as Json[]).map((e) => e.eventID), ...second],
    [id(1), id(3), id(4), id(1)],
  );
});

test('EQ_action, EQ_eventID and EXISTS_errorDeclaration each filter', async () => {
  const [all, observed] = await narrowed(`MATCH_anyEPC=${q(u1)}`, 'EQ_action=OBSERVE');
  assert.deepEqual(all, [id(1), id(3), id(4), id(1)]);
  assert.deepEqual(observed, [id(4)]);
  const [, byId] = await narrowed('', `EQ_eventID=${q(id(2))}`);
  assert.deepEqual(byId, [id(2)]);
  const [, declarations] = await narrowed(`EQ_eventID=${q(id(1))}`, 'EXISTS_errorDeclaration');
  assert.equal(declarations.length, 1);
  const declaration = await maker().get(`/epcis/events?EQ_eventID=${q(id(1))}&EXISTS_errorDeclaration`);
  const events = declaration.body.epcisBody.queryResults.resultsBody.eventList as Json[];
  assert.equal((events[0]!.errorDeclaration as Json).reason, 'incorrect_data');
});

test('MATCH_parentID, MATCH_inputEPC and MATCH_outputEPC each filter', async () => {
  assert.deepEqual((await narrowed(`MATCH_anyEPC=${q(u1)}`, `MATCH_parentID=${q(box)}`))[1], [id(3)]);
  const [withU2, asInput] = await narrowed(`MATCH_anyEPC=${q(u2)}`, `MATCH_inputEPC=${q(u2)}`);
  assert.deepEqual(withU2, [id(1), id(2), id(1)]);
  assert.deepEqual(asInput, [id(2)]);
  const [withU3, asOutput] = await narrowed(`MATCH_anyEPC=${q(u3)}`, `MATCH_outputEPC=${q(u3)}`);
  assert.deepEqual(withU3, [id(2), id(4)]);
  assert.deepEqual(asOutput, [id(2)]);
});

test('MATCH_epcClass reads quantityList; MATCH_anyEPCClass also the input and output quantities', async () => {
  const [, byClass] = await narrowed('', `MATCH_epcClass=${q(lotClass)}`);
  assert.deepEqual(byClass, [id(1), id(1)]);
  assert.deepEqual((await narrowed('', `MATCH_epcClass=${q(otherClass)}`))[1], []);
  assert.deepEqual((await narrowed('', `MATCH_anyEPCClass=${q(otherClass)}`))[1], [id(2)]);
});

test('GE_recordTime and LT_recordTime filter by the time of the block that recorded the event', async () => {
  const recorded = captured.recordTime!;
  const [all, later] = await narrowed('', `GE_recordTime=${q(recorded)}`);
  assert.ok(all.length > 4);
  const afterFirst = new Date(Date.parse(recorded) + 1).toISOString();
  const [, fromSecondBlock] = await narrowed('', `GE_recordTime=${q(afterFirst)}`);
  assert.deepEqual(later, all);
  assert.deepEqual(fromSecondBlock, all.slice(4));
  assert.deepEqual((await narrowed('', `LT_recordTime=${q(afterFirst)}`))[1], all.slice(0, 4));
});

test('orderBy, orderDirection and eventCountLimit order and cut the answer', async () => {
  const base = `MATCH_anyEPC=${q(u1)}`;
  assert.deepEqual(await idsOf(`/epcis/events?${base}&orderBy=eventTime&orderDirection=ASC`), [
    id(1),
    id(1),
    id(4),
    id(3),
  ]);
  assert.deepEqual(await idsOf(`/epcis/events?${base}&orderBy=eventTime`), [id(3), id(4), id(1), id(1)]);
  assert.deepEqual(await idsOf(`/epcis/events?${base}&orderBy=recordTime&orderDirection=DESC`), [
    id(1),
    id(4),
    id(3),
    id(1),
  ]);
  const [all, cut] = await narrowed(`${base}&orderBy=eventTime&orderDirection=ASC`, 'eventCountLimit=2');
  assert.equal(all.length, 4);
  assert.deepEqual(cut, [id(1), id(1)]);
  const paged = await maker().get(`/epcis/events?${base}&orderBy=eventTime&orderDirection=ASC&perPage=3`);
  const next = /<([^>]+)>/.exec(paged.headers.get('link')!)![1]!;
  assert.deepEqual(await idsOf(next), [id(3)]);
});

test('maxEventCount refuses an answer larger than it with 413 epcis.query_too_large', async () => {
  const base = `/epcis/events?MATCH_anyEPC=${q(u1)}`;
  assert.equal((await idsOf(`${base}&maxEventCount=4`)).length, 4);
  const tooMany = await maker().get(`${base}&maxEventCount=3`);
  assert.equal(tooMany.status, 413);
  assert.equal(tooMany.body.error.code, 'epcis.query_too_large');
});

test('unknown and malformed parameters are a clear 400', async () => {
  for (const query of [
    'EQ_nonsense=1',
    'EQ_action=SHOUT',
    'orderBy=bizStep',
    'orderDirection=UP',
    'eventCountLimit=0',
    'maxEventCount=x',
    'eventCountLimit=1&maxEventCount=1',
    'GE_recordTime=yesterday',
    'orderBy=eventTime&nextPageToken=e3',
  ]) {
    const answer = await maker().get(`/epcis/events?${query}`);
    assert.equal(answer.status, 400, query);
    assert.equal(answer.body.error.code, 'epcis.query_invalid', query);
  }
});
