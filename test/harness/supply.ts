// Supply-chain helpers for tests on a real network: the organisations and a network of them started
// around a file's tests with one staff member each, an EPCIS 2.0 document around events, a capture at
// a staff member's own node that waits until every node has the block, and the fixtures' product.
import { after, before } from 'node:test';
import type { PractitionerRole } from '../../src/app/membership/types.ts';
import {
  allAtHeight,
  startNetwork,
  staffClient,
  type MemberSpec,
  type RunningNetwork,
  type Staff,
  type TestNetwork,
} from './network.ts';
import type { HttpAnswer } from './http.ts';
import { product as fixtureProduct } from '../../src/app/supply/test-fixtures.ts';

type Json = Record<string, unknown>;

/** A member of a supply test network and the role of the one staff member it registers. */
export interface SupplyOrg extends MemberSpec {
  readonly role: PractitionerRole;
}

/** The supply chain's organisations, as the supply fixtures (src/app/supply/test-fixtures.ts) name them. */
export const SUPPLY_ORGS = {
  maker: { name: 'acme-pharma', type: 'manufacturer', power: 10, role: 'admin' },
  distributor: { name: 'big-distributor', type: 'distributor', power: 10, role: 'admin' },
  pharmacyA: { name: 'pharmacy-a', type: 'pharmacy', power: 10, role: 'pharmacist' },
  pharmacyB: { name: 'pharmacy-b', type: 'pharmacy', power: 10, role: 'pharmacist' },
  hospital: { name: 'st-mary', type: 'hospital', power: 10, role: 'admin' },
  regulator: { name: 'regulator', type: 'regulator', power: 0, role: 'admin' },
} as const satisfies Record<string, SupplyOrg>;

export interface SupplyNetwork<K extends string> {
  readonly net: RunningNetwork;
  /** One staff member of each organisation, by the test's own name for it. */
  readonly staff: Record<K, Staff>;
}

/**
 * A network of `orgs` (in their order) started before the file's tests, with one staff member
 * registered at each, then `setUp`, and stopped after them. `staff` is filled in place, so a test may
 * hold it early. The file's own set-up goes in `setUp`: node runs a file's `before` hooks concurrently.
 */
export function supplyNetworkForTests<K extends string>(
  prefix: string,
  chainId: string,
  orgs: Record<K, SupplyOrg>,
  setUp?: (network: SupplyNetwork<K>) => Promise<void> | void,
): SupplyNetwork<K> {
  const staff = {} as Record<K, Staff>;
  const network = { staff } as { net: RunningNetwork; staff: Record<K, Staff> };
  const entries = Object.entries(orgs) as [K, SupplyOrg][];
  before(async () => {
    const members = entries.map(([, { name, type, power }]) => ({ name, type, power }));
    network.net = await startNetwork(prefix, members, chainId);
    const registered = await Promise.all(
      entries.map(([, org]) => network.net.registerStaff(org.name, org.role)),
    );
    entries.forEach(([key], i) => (staff[key] = registered[i]!));
    await setUp?.(network);
  });
  after(() => network.net?.stop('SIGKILL'));
  return network;
}

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
