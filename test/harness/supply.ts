// Supply-chain helpers for tests on a real network: an EPCIS 2.0 document around events, a capture at
// a staff member's own node that waits until every node has the block, and the fixtures' product.
import { staffClient, allAtHeight, type Staff, type TestNetwork } from './network.ts';
import type { HttpAnswer } from './http.ts';
import { product as fixtureProduct } from '../../src/app/supply/test-fixtures.ts';

type Json = Record<string, unknown>;

export function epcisDocument(events: readonly Json[]): Json {
  return {
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-01-15T10:00:00Z',
    epcisBody: { eventList: events.map((e) => ({ ...e, eventTimeZoneOffset: '+00:00' })) },
  };
}

/** Captures at the staff member's own node and, when it is taken, waits until every node has the block. */
export async function captureAt(net: TestNetwork, who: Staff, events: readonly Json[]): Promise<HttpAnswer> {
  const answer = await staffClient(who).post('/epcis/capture', epcisDocument(events), 'application/ld+json');
  if (answer.status === 201) await allAtHeight(net, answer.body.height);
  return answer;
}

/** The manufacturer's staff registers the fixtures' product (src/app/supply/test-fixtures.ts). */
export function registerFixtureProduct(maker: Staff): Promise<HttpAnswer> {
  return staffClient(maker).post('/api/v1/supply/products', fixtureProduct());
}
