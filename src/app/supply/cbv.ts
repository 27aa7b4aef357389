// CBV 2.0 business steps and dispositions (GS1 Core Business Vocabulary 2.0, §7.1 and §7.2). A value
// may come in any of its three spellings: the bare name JSON-LD documents use ("shipping", compacted by
// the EPCIS 2.0 @context), the EPCIS 1.x URN ("urn:epcglobal:cbv:bizstep:shipping") or the CBV 2.0 web
// URI ("https://ref.gs1.org/cbv/BizStep-shipping"). All three normalise to the bare name; a value
// outside CBV (a company's own URI) is kept exactly as given.

export const CBV_BIZ_STEPS = [
  'accepting', 'arriving', 'assembling', 'collecting', 'commissioning', 'consigning',
  'creating_class_instance', 'cycle_counting', 'decommissioning', 'departing', 'destroying',
  'disassembling', 'dispensing', 'encoding', 'entering_exiting', 'holding', 'inspecting', 'installing',
  'killing', 'loading', 'other', 'packing', 'picking', 'receiving', 'removing', 'repackaging',
  'repairing', 'replacing', 'reserving', 'retail_selling', 'sampling', 'sensor_reporting', 'shipping',
  'staging_outbound', 'stock_taking', 'stocking', 'storing', 'transporting', 'unloading', 'unpacking',
  'void_shipping',
] as const; // prettier-ignore

export const CBV_DISPOSITIONS = [
  'active', 'available', 'completeness_inferred', 'completeness_verified', 'conformant',
  'container_closed', 'container_open', 'damaged', 'destroyed', 'dispensed', 'disposed', 'encoded',
  'expired', 'in_progress', 'in_transit', 'inactive', 'mismatch_class', 'mismatch_instance',
  'mismatch_quantity', 'needs_replacement', 'no_pedigree_match', 'non_conformant', 'non_sellable_other',
  'partially_dispensed', 'recalled', 'reserved', 'retail_sold', 'returned', 'sellable_accessible',
  'sellable_not_accessible', 'stolen', 'unavailable', 'unknown',
] as const; // prettier-ignore

const BIZ_STEPS: ReadonlySet<string> = new Set(CBV_BIZ_STEPS);
const DISPOSITIONS: ReadonlySet<string> = new Set(CBV_DISPOSITIONS);

function normalise(value: string, known: ReadonlySet<string>, urnPrefix: string, webPrefix: string): string {
  for (const prefix of [urnPrefix, webPrefix, webPrefix.replace('https://', 'http://')]) {
    if (value.startsWith(prefix)) {
      const name = value.slice(prefix.length);
      return known.has(name) ? name : value;
    }
  }
  return value;
}

/** The CBV bare name of a business step in any of its spellings, or the value itself if not CBV. */
export function normaliseBizStep(value: string): string {
  return normalise(value, BIZ_STEPS, 'urn:epcglobal:cbv:bizstep:', 'https://ref.gs1.org/cbv/BizStep-');
}

/** The CBV bare name of a disposition in any of its spellings, or the value itself if not CBV. */
export function normaliseDisposition(value: string): string {
  return normalise(value, DISPOSITIONS, 'urn:epcglobal:cbv:disp:', 'https://ref.gs1.org/cbv/Disp-');
}

/** The CBV 2.0 source/destination types (CBV §7.4) that name the parties and places of a transfer. */
export function normaliseSourceDestType(value: string): string {
  return normalise(
    value,
    new Set(['owning_party', 'possessing_party', 'location']),
    'urn:epcglobal:cbv:sdt:',
    'https://ref.gs1.org/cbv/SDT-',
  );
}
