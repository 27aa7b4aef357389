// Who may write into a unit's history without moving it (finding 13). A unit's pedigree holds at most
// EVENTS_PER_EPC_MAX events, so before this rule any member could fill it with observe events or error
// declarations and the owner could no longer ship or dispense it. Following DSCSA's trading partners
// and EPCIS's capturing party:
// - an observe event (inspecting, storing, a TransformationEvent's inputs…) about a registered unit comes
//   from a party with a role in its custody: its owner, the organisation it is shipped to, the product's
//   manufacturer, or a regulator;
// - an error declaration (EPCIS 2.0 §7.4.1.2) comes from the organisation that captured the event it
//   declares in error, or a regulator; one about an event not on this chain follows the observe rule;
// - even those parties draw on a budget per identifier that leaves room for the owner's own moves:
//   observations take at most OBSERVATIONS_PER_EPC_MAX of its history, OBSERVATIONS_PER_ORG_PER_EPC_MAX
//   of them from any one organisation, while events that change the unit (commission, pack, ship,
//   receive, dispense, decommission) may use all of it.
import type { Organisation } from '../membership/types.ts';
import type { StateReader } from '../state.ts';
import { product, storedEvent, eventSeqById } from './store.ts';
import type { Unit } from './types.ts';

/** True when org has a role in the unit's custody and may record what it observed of it. */
export function inCustody(state: StateReader, org: Organisation, u: Unit): boolean {
  return (
    org.id === u.ownerOrgId ||
    org.id === u.recipientOrgId ||
    org.type === 'regulator' ||
    product(state, u.gtin)?.manufacturerOrgId === org.id
  );
}

/**
 * Whether org may declare the event with this eventID in error on its own say: 'yes' when it captured
 * it (or is a regulator), 'no' when someone else captured it, 'unknown' when it is not on this chain
 * (then the custody of the units it names decides).
 */
export function mayDeclare(state: StateReader, org: Organisation, eventId: string): 'yes' | 'no' | 'unknown' {
  const seq = eventSeqById(state, eventId);
  const original = seq === undefined ? undefined : storedEvent(state, seq);
  if (original === undefined) return org.type === 'regulator' ? 'yes' : 'unknown';
  return original.recordedByOrgId === org.id || org.type === 'regulator' ? 'yes' : 'no';
}
