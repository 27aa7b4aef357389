// Fixtures for the supply module's unit tests (imported by *.test.ts only): a genesis with a
// manufacturer, a distributor, two pharmacies, a regulator and a hospital, each with a node key, and
// builders for the EPCIS events of one lot's walk.
import type { CanonicalValue } from '../../core/canonical.ts';
import { party, TestChain, testGenesis, validator, type Outcome, type Party } from '../test-support.ts';
import { gs1CheckDigit } from './gs1/index.ts';

export const ORGS = {
  maker: { id: 'acme-pharma', type: 'manufacturer' },
  dist: { id: 'big-distributor', type: 'distributor' },
  pharmA: { id: 'pharmacy-a', type: 'pharmacy' },
  pharmB: { id: 'pharmacy-b', type: 'pharmacy' },
  fda: { id: 'regulator', type: 'regulator' },
  hosp: { id: 'st-mary', type: 'hospital' },
} as const;
export type OrgName = keyof typeof ORGS;

export const nodes: Record<OrgName, Party> = {
  maker: party('acme node'),
  dist: party('dist node'),
  pharmA: party('pharmacy a node'),
  pharmB: party('pharmacy b node'),
  fda: party('fda node'),
  hosp: party('hospital node'),
};
export const stranger = party('stranger');

export function withCheck(body: string): string {
  return body + String(gs1CheckDigit(body));
}

export const GTIN = withCheck('0030001234567');
export const OTHER_GTIN = withCheck('0030001234568');
export const UNREGISTERED_GTIN = withCheck('0099999999999');
export const GLN: Record<OrgName, string> = {
  maker: withCheck('030001000001'),
  dist: withCheck('030002000001'),
  pharmA: withCheck('030003000001'),
  pharmB: withCheck('030004000001'),
  fda: withCheck('030005000001'),
  hosp: withCheck('030006000001'),
};
export const LOT = 'LOT-2026A';
export const EXPIRY = '2030-06-30';

export const sgtin = (serial: string, gtin = GTIN): string => `https://id.gs1.org/01/${gtin}/21/${serial}`;
export const sscc = (n: number): string =>
  `https://id.gs1.org/00/${withCheck(`03000100${String(n).padStart(9, '0')}`)}`;
export const pgln = (org: OrgName): string => `https://id.gs1.org/417/${GLN[org]}`;

export function supplyGenesis() {
  return testGenesis({
    membership: {
      organisations: (Object.keys(ORGS) as OrgName[]).map((name, i) => ({
        id: ORGS[name].id,
        name: `Org ${i}`,
        type: ORGS[name].type,
        adminKey: party(`${name} admin`).key,
        nodeKeys: [nodes[name].key],
      })),
    },
  });
}

let eventCounter = 0;
type Json = Record<string, unknown>;

function base(extra: Json): Json {
  eventCounter++;
  return {
    eventID: `urn:uuid:00000000-0000-4000-8000-${String(eventCounter).padStart(12, '0')}`,
    eventTime: '2026-01-15T10:00:00.000Z',
    eventTimeZoneOffset: '+00:00',
    ...extra,
  };
}

export const ev = {
  commission: (epcs: string[], lot: string | null = LOT, expiry: string | null = EXPIRY): Json =>
    base({
      type: 'ObjectEvent',
      action: 'ADD',
      bizStep: 'commissioning',
      disposition: 'active',
      epcList: epcs,
      ilmd: {
        ...(lot === null ? {} : { 'cbvmda:lotNumber': lot }),
        ...(expiry === null ? {} : { 'cbvmda:itemExpirationDate': expiry }),
      },
    }),
  pack: (parent: string, children: string[]): Json =>
    base({
      type: 'AggregationEvent',
      action: 'ADD',
      bizStep: 'packing',
      parentID: parent,
      childEPCs: children,
    }),
  unpack: (parent: string, children: string[] = []): Json =>
    base({
      type: 'AggregationEvent',
      action: 'DELETE',
      bizStep: 'unpacking',
      parentID: parent,
      childEPCs: children,
    }),
  ship: (epcs: string[], to: OrgName | null): Json =>
    base({
      type: 'ObjectEvent',
      action: 'OBSERVE',
      bizStep: 'shipping',
      disposition: 'in_transit',
      epcList: epcs,
      ...(to === null ? {} : { destinationList: [{ type: 'owning_party', destination: pgln(to) }] }),
    }),
  receive: (epcs: string[]): Json =>
    base({
      type: 'ObjectEvent',
      action: 'OBSERVE',
      bizStep: 'receiving',
      disposition: 'in_progress',
      epcList: epcs,
    }),
  dispense: (epcs: string[]): Json =>
    base({
      type: 'ObjectEvent',
      action: 'OBSERVE',
      bizStep: 'dispensing',
      disposition: 'dispensed',
      epcList: epcs,
    }),
  decommission: (epcs: string[], disposition = 'destroyed'): Json =>
    base({ type: 'ObjectEvent', action: 'DELETE', bizStep: 'decommissioning', disposition, epcList: epcs }),
  inspect: (epcs: string[]): Json =>
    base({ type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'inspecting', epcList: epcs }),
};

export class SupplyChain extends TestChain {
  constructor() {
    super(supplyGenesis());
  }

  as(org: OrgName, type: string, payload: unknown): Outcome {
    return this.submit(nodes[org], type, payload);
  }

  capture(org: OrgName, ...events: Json[]): Outcome {
    return this.as(org, 'supply.capture', { events: events.map((e) => JSON.stringify(e)) });
  }

  /** Products and parties registered, committed. */
  static ready(): SupplyChain {
    const chain = new SupplyChain();
    for (const gtin of [GTIN, OTHER_GTIN]) {
      chain.as('maker', 'supply.registerProduct', product(gtin));
    }
    for (const org of Object.keys(ORGS) as OrgName[])
      chain.as(org, 'supply.registerParty', { gln: GLN[org] });
    chain.commit();
    return chain;
  }
}

export function product(gtin = GTIN): CanonicalValue {
  return {
    gtin,
    ndc: '12345-678-90',
    name: 'Amoxicillin 500 mg capsules',
    strength: '500 mg',
    dosageForm: 'capsule',
    packSize: '30 capsules',
  };
}

export { validator };
