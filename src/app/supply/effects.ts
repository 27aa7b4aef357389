// The effect of an EPCIS event on the units it names, from its type, action and CBV 2.0 business step
// (CBV 2.0 §7.1; EPCIS 2.0 §7.4: ADD creates, DELETE ends, OBSERVE neither). The table is in
// docs/SUPPLY.md "CBV mapping and lifecycle rules".
import type { ParsedEvent } from './event.ts';

export type Effect =
  'commission' | 'pack' | 'unpack' | 'ship' | 'receive' | 'dispense' | 'decommission' | 'observe';

const DECOMMISSION_STEPS: ReadonlySet<string> = new Set(['decommissioning', 'destroying', 'killing']);

function stepEffect(bizStep: string | null): Effect {
  switch (bizStep) {
    case 'shipping':
      return 'ship';
    case 'receiving':
      return 'receive';
    case 'dispensing':
    case 'retail_selling':
      return 'dispense';
    default:
      return 'observe';
  }
}

export function effectOf(e: ParsedEvent): Effect {
  if (e.errorDeclaration) return 'observe';
  switch (e.type) {
    case 'ObjectEvent':
      if (e.bizStep === 'commissioning' || (e.action === 'ADD' && e.bizStep === null)) return 'commission';
      if (e.action === 'DELETE' || (e.bizStep !== null && DECOMMISSION_STEPS.has(e.bizStep)))
        return 'decommission';
      return stepEffect(e.bizStep);
    case 'AggregationEvent':
      if (e.action === 'ADD') return 'pack';
      if (e.action === 'DELETE') return 'unpack';
      return stepEffect(e.bizStep);
    case 'TransformationEvent':
      return 'commission';
    default:
      return 'observe';
  }
}
