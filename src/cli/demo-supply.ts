// Demo supply chain for `carechain up`: product lots in circulation, made through the public API as the
// organisations' own systems would (supply master data on /api/v1/supply, movements as EPCIS 2.0
// documents on /epcis/capture). The manufacturer registers a product, commissions two lots, packs the
// first into a case and ships it to the distributor, which receives it, unpacks it and ships half to
// the pharmacy, which receives them. The second lot is recalled. Returns scannable codes of a genuine,
// a recalled and a never-commissioned (counterfeit) pack for trying out verification.
import { gs1CheckDigit } from '../app/supply/gs1/index.ts';
import { refusalOf } from '../contract/errors.ts';

export interface SupplyParty {
  readonly apiUrl: string;
  readonly token: string;
}

export interface DemoSupplyOptions {
  readonly manufacturer: SupplyParty;
  readonly distributor: SupplyParty;
  readonly pharmacy: SupplyParty;
  progress(line: string): void;
}

export interface DemoSupply {
  readonly gtin: string;
  /** The GLNs each organisation registered, to address shipments to (EPCIS owning_party). */
  readonly glns: { readonly manufacturer: string; readonly distributor: string; readonly pharmacy: string };
  readonly lots: { readonly lot: string; readonly expiry: string; readonly serials: readonly string[] }[];
  /** GS1 element strings, as a barcode scanner would type them. */
  readonly packs: { readonly genuine: string; readonly recalled: string; readonly counterfeit: string };
}

const withCheck = (body: string): string => body + String(gs1CheckDigit(body));
// GS1 prefixes 0300… are what GS1 US reserves for demonstration, so nothing here names a real product.
const GTIN = withCheck('0030001234567');
const GLN = {
  manufacturer: withCheck('030001000001'),
  distributor: withCheck('030002000001'),
  pharmacy: withCheck('030003000001'),
};
const CASE_SSCC = `https://id.gs1.org/00/${withCheck('03000100000000042')}`;
const LOTS = [
  { lot: 'AMX-2026-01', expiry: '2028-06-30', serials: Array.from({ length: 8 }, (_, i) => `A${1001 + i}`) },
  { lot: 'AMX-2026-02', expiry: '2028-09-30', serials: ['B2001', 'B2002'] },
];

const unit = (serial: string): string => `https://id.gs1.org/01/${GTIN}/21/${serial}`;
const pgln = (gln: string): string => `https://id.gs1.org/417/${gln}`;
/** GS1 element string with parentheses: (01) GTIN (21) serial (10) lot (17) expiry YYMMDD. */
const elementString = (serial: string, lot: string, expiry: string): string =>
  `(01)${GTIN}(21)${serial}(10)${lot}(17)${expiry.slice(2).replaceAll('-', '')}`;

async function call(party: SupplyParty, path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${party.apiUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${party.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer: unknown = await response.json();
  if (!response.ok) {
    throw new Error(`demo supply ${path} refused (${response.status}): ${refusalOf(answer)?.message ?? ''}`);
  }
  return answer;
}

function epcisDocument(events: Record<string, unknown>[], nowIso: string) {
  return {
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: nowIso,
    epcisBody: {
      eventList: events.map((event) => ({ eventTime: nowIso, eventTimeZoneOffset: '+00:00', ...event })),
    },
  };
}

const observe = (bizStep: string, disposition: string, epcs: string[], extra: object = {}) => ({
  type: 'ObjectEvent',
  action: 'OBSERVE',
  bizStep,
  disposition,
  epcList: epcs,
  ...extra,
});

export async function loadDemoSupply(options: DemoSupplyOptions): Promise<DemoSupply> {
  const { manufacturer, distributor, pharmacy } = options;
  const capture = (party: SupplyParty, ...events: Record<string, unknown>[]) =>
    call(party, '/epcis/capture', epcisDocument(events, new Date().toISOString()));
  await call(manufacturer, '/api/v1/supply/products', {
    gtin: GTIN,
    ndc: '12345-678-90',
    name: 'Amoxicillin 500 mg capsules',
    strength: '500 mg',
    dosageForm: 'capsule',
    packSize: '30 capsules',
  });
  await Promise.all([
    call(manufacturer, '/api/v1/supply/parties', { gln: GLN.manufacturer }),
    call(distributor, '/api/v1/supply/parties', { gln: GLN.distributor }),
    call(pharmacy, '/api/v1/supply/parties', { gln: GLN.pharmacy }),
  ]);
  const [first, second] = LOTS as [(typeof LOTS)[0], (typeof LOTS)[0]];
  const firstUnits = first.serials.map(unit);
  const commission = (lot: (typeof LOTS)[0]) => ({
    type: 'ObjectEvent',
    action: 'ADD',
    bizStep: 'commissioning',
    disposition: 'active',
    epcList: lot.serials.map(unit),
    ilmd: { 'cbvmda:lotNumber': lot.lot, 'cbvmda:itemExpirationDate': lot.expiry },
  });
  await capture(
    manufacturer,
    commission(first),
    commission(second),
    {
      type: 'AggregationEvent',
      action: 'ADD',
      bizStep: 'packing',
      parentID: CASE_SSCC,
      childEPCs: firstUnits,
    },
    observe('shipping', 'in_transit', [CASE_SSCC], {
      destinationList: [{ type: 'owning_party', destination: pgln(GLN.distributor) }],
    }),
  );
  options.progress(`  manufacturer: 2 lots commissioned, a case of ${firstUnits.length} shipped`);
  const toPharmacy = firstUnits.slice(0, firstUnits.length / 2);
  await capture(
    distributor,
    observe('receiving', 'in_progress', [CASE_SSCC]),
    { type: 'AggregationEvent', action: 'DELETE', bizStep: 'unpacking', parentID: CASE_SSCC, childEPCs: [] },
    observe('shipping', 'in_transit', toPharmacy, {
      destinationList: [{ type: 'owning_party', destination: pgln(GLN.pharmacy) }],
    }),
  );
  await capture(pharmacy, observe('receiving', 'in_progress', toPharmacy));
  options.progress(`  distributor → pharmacy: ${toPharmacy.length} packs received`);
  await call(manufacturer, '/api/v1/supply/recalls', { gtin: GTIN, lot: second.lot });
  options.progress(`  lot ${second.lot} recalled by the manufacturer`);
  return {
    gtin: GTIN,
    glns: GLN,
    lots: LOTS,
    packs: {
      genuine: elementString(first.serials[0]!, first.lot, first.expiry),
      recalled: elementString(second.serials[0]!, second.lot, second.expiry),
      counterfeit: elementString('X9999', first.lot, first.expiry),
    },
  };
}
