// Read-only questions about the supply chain, pure over a StateReader: the API answers from the latest
// committed state with these. Every list is paged and bounded by SUPPLY_PAGE_MAX.
import { paged, type Paged } from '../paging.ts';
import type { StateReader } from '../state.ts';
import { canonicalId } from './ids.ts';
import {
  alert,
  epcCountKey,
  errorDeclarationKey,
  epcIndexKey,
  eventCount,
  orgAlertCountKey,
  orgAlertIndexKey,
  read,
  readCount,
  storedEvent,
} from './store.ts';
import { SUPPLY_PAGE_MAX, type Alert, type StoredEvent } from './types.ts';

export type { Paged };

function clampLimit(limit: number): number {
  return Math.min(Math.max(Math.trunc(limit), 0), SUPPLY_PAGE_MAX);
}

/** Every event about an identifier (any spelling), oldest first: a unit's pedigree. */
export function eventsAbout(
  state: StateReader,
  id: string,
  offset = 0,
  limit = SUPPLY_PAGE_MAX,
): Paged<StoredEvent> {
  const epc = canonicalId(id);
  return paged(readCount(state, epcCountKey(epc)), { offset, limit }, SUPPLY_PAGE_MAX, false, (n) => {
    const seq = read<number>(state, epcIndexKey(epc, n));
    return seq === undefined ? undefined : storedEvent(state, seq);
  });
}

/**
 * The error declaration captured about an eventID (EPCIS 2.0 §7.4.1.2), if any: a trace shows the event
 * it names as declared in error, with the declaration's reason and corrective events.
 */
export function errorDeclarationAbout(state: StateReader, eventId: string): StoredEvent | undefined {
  const seq = read<number>(state, errorDeclarationKey(eventId));
  return seq === undefined ? undefined : storedEvent(state, seq);
}

/** The alerts addressed to an organisation, newest first. */
export function alertsFor(
  state: StateReader,
  orgId: string,
  offset = 0,
  limit = SUPPLY_PAGE_MAX,
): Paged<Alert> {
  const total = readCount(state, orgAlertCountKey(orgId));
  return paged(total, { offset, limit }, SUPPLY_PAGE_MAX, true, (n) => {
    const id = read<number>(state, orgAlertIndexKey(orgId, n));
    return id === undefined ? undefined : alert(state, id);
  });
}

/** An EPCIS 2.0 SimpleEventQuery (EPCIS 2.0 §8.2.7.1) over stored events; absent fields match anything. */
export interface EventFilter {
  readonly eventTypes?: readonly string[];
  /** MATCH_epc: epcList and childEPCs (canonicalised by the caller or here). */
  readonly matchEpc?: readonly string[];
  /** MATCH_anyEPC: also parentID, inputEPCList and outputEPCList. */
  readonly matchAnyEpc?: readonly string[];
  readonly bizSteps?: readonly string[];
  readonly dispositions?: readonly string[];
  readonly geEventTimeMs?: number;
  readonly ltEventTimeMs?: number;
  readonly bizLocations?: readonly string[];
  readonly readPoints?: readonly string[];
}

export function matches(e: StoredEvent, f: EventFilter): boolean {
  const anyOf = (list: readonly string[] | undefined, value: string | null): boolean =>
    list === undefined || (value !== null && list.includes(value));
  if (f.matchEpc !== undefined && !e.epcs.some((id) => f.matchEpc!.includes(id))) return false;
  if (f.matchAnyEpc !== undefined) {
    const all = [...e.epcs, ...e.inputs, ...e.outputs, ...(e.parentId === null ? [] : [e.parentId])];
    if (!all.some((id) => f.matchAnyEpc!.includes(id))) return false;
  }
  return (
    anyOf(f.eventTypes, e.type) &&
    anyOf(f.bizSteps, e.bizStep) &&
    anyOf(f.dispositions, e.disposition) &&
    anyOf(f.bizLocations, e.bizLocation) &&
    anyOf(f.readPoints, e.readPoint) &&
    (f.geEventTimeMs === undefined || e.eventTimeMs >= f.geEventTimeMs) &&
    (f.ltEventTimeMs === undefined || e.eventTimeMs < f.ltEventTimeMs)
  );
}

export interface EventPage {
  readonly events: readonly StoredEvent[];
  /** Continue after this sequence number, or null when nothing is left. */
  readonly nextAfterSeq: number | null;
}

/** Candidate sequence numbers after afterSeq, ascending: an EPC filter reads the per-EPC indexes only. */
function candidates(state: StateReader, f: EventFilter, afterSeq: number, scanMax: number): number[] {
  const ids = f.matchEpc ?? f.matchAnyEpc;
  if (ids === undefined) {
    const out: number[] = [];
    for (let seq = afterSeq + 1; seq < eventCount(state) && out.length <= scanMax; seq++) out.push(seq);
    return out;
  }
  const seqs = new Set<number>();
  for (const id of ids) {
    const total = readCount(state, epcCountKey(id));
    for (let n = 0; n < total; n++) {
      const seq = read<number>(state, epcIndexKey(id, n));
      if (seq !== undefined && seq > afterSeq) seqs.add(seq);
    }
  }
  return [...seqs].sort((a, b) => a - b).slice(0, scanMax + 1);
}

/**
 * Up to limit matching events after afterSeq, in capture order, examining at most scanMax events: a
 * broad filter over a long history answers a short page with a token to go on, never an unbounded scan.
 */
export function queryEvents(
  state: StateReader,
  f: EventFilter,
  afterSeq: number,
  limit: number,
  scanMax: number,
): EventPage {
  const seqs = candidates(state, f, afterSeq, scanMax);
  const events: StoredEvent[] = [];
  let last = afterSeq;
  for (const [i, seq] of seqs.entries()) {
    if (events.length >= clampLimit(limit) || i >= scanMax) return { events, nextAfterSeq: last };
    last = seq;
    const e = storedEvent(state, seq);
    if (e !== undefined && matches(e, f)) events.push(e);
  }
  return { events, nextAfterSeq: null };
}
