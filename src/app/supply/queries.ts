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
  eventIdKey,
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
  /** EQ_action: ADD, OBSERVE or DELETE. */
  readonly actions?: readonly string[];
  /** EQ_eventID. */
  readonly eventIds?: readonly string[];
  /** MATCH_epc: epcList and childEPCs (canonicalised by the caller or here). */
  readonly matchEpc?: readonly string[];
  /** MATCH_anyEPC: also parentID, inputEPCList and outputEPCList. */
  readonly matchAnyEpc?: readonly string[];
  readonly matchParentId?: readonly string[];
  readonly matchInputEpc?: readonly string[];
  readonly matchOutputEpc?: readonly string[];
  /** MATCH_epcClass: quantityList and childQuantityList (class-level identifiers, canonicalised). */
  readonly matchEpcClass?: readonly string[];
  /** MATCH_anyEPCClass: also inputQuantityList and outputQuantityList. */
  readonly matchAnyEpcClass?: readonly string[];
  /** EXISTS_errorDeclaration: only error declarations (EPCIS 2.0 §7.4.1.2). */
  readonly errorDeclaration?: boolean;
  readonly bizSteps?: readonly string[];
  readonly dispositions?: readonly string[];
  readonly geEventTimeMs?: number;
  readonly ltEventTimeMs?: number;
  /** GE_recordTime / LT_recordTime: the time of the block that recorded the event (recordTimeOf). */
  readonly geRecordTimeMs?: number;
  readonly ltRecordTimeMs?: number;
  readonly bizLocations?: readonly string[];
  readonly readPoints?: readonly string[];
}

/** The record time of events committed at a height: its block's time (the caller reads the block). */
export type RecordTimeOf = (height: number) => number | undefined;

const CLASS_LISTS = ['quantityList', 'childQuantityList'] as const;
const ANY_CLASS_LISTS = [...CLASS_LISTS, 'inputQuantityList', 'outputQuantityList'] as const;

/**
 * The canonical epcClass values of an event's quantity lists, read from its stored text: the stored
 * facts predate class-level queries, and reading the text keeps every stored event answerable.
 */
export function epcClassesOf(e: StoredEvent, lists: readonly string[]): string[] {
  const parsed = JSON.parse(e.text) as Record<string, unknown>;
  const out: string[] = [];
  for (const name of lists) {
    const list = parsed[name];
    if (!Array.isArray(list)) continue;
    for (const element of list) {
      const epcClass = (element as { epcClass?: unknown } | null)?.epcClass;
      if (typeof epcClass === 'string') out.push(canonicalId(epcClass));
    }
  }
  return out;
}

function recordTimeWithin(e: StoredEvent, f: EventFilter, recordTimeOf?: RecordTimeOf): boolean {
  if (f.geRecordTimeMs === undefined && f.ltRecordTimeMs === undefined) return true;
  const t = recordTimeOf?.(e.height);
  if (t === undefined) return false;
  return (
    (f.geRecordTimeMs === undefined || t >= f.geRecordTimeMs) &&
    (f.ltRecordTimeMs === undefined || t < f.ltRecordTimeMs)
  );
}

export function matches(e: StoredEvent, f: EventFilter, recordTimeOf?: RecordTimeOf): boolean {
  const anyOf = (list: readonly string[] | undefined, value: string | null): boolean =>
    list === undefined || (value !== null && list.includes(value));
  const someOf = (list: readonly string[] | undefined, values: readonly string[]): boolean =>
    list === undefined || values.some((id) => list.includes(id));
  const parent = e.parentId === null ? [] : [e.parentId];
  return (
    someOf(f.matchEpc, e.epcs) &&
    someOf(f.matchAnyEpc, [...e.epcs, ...e.inputs, ...e.outputs, ...parent]) &&
    someOf(f.matchParentId, parent) &&
    someOf(f.matchInputEpc, e.inputs) &&
    someOf(f.matchOutputEpc, e.outputs) &&
    anyOf(f.eventTypes, e.type) &&
    anyOf(f.actions, e.action) &&
    anyOf(f.eventIds, e.eventId) &&
    anyOf(f.bizSteps, e.bizStep) &&
    anyOf(f.dispositions, e.disposition) &&
    anyOf(f.bizLocations, e.bizLocation) &&
    anyOf(f.readPoints, e.readPoint) &&
    (f.errorDeclaration === undefined || e.errorDeclaration === f.errorDeclaration) &&
    (f.geEventTimeMs === undefined || e.eventTimeMs >= f.geEventTimeMs) &&
    (f.ltEventTimeMs === undefined || e.eventTimeMs < f.ltEventTimeMs) &&
    recordTimeWithin(e, f, recordTimeOf) &&
    (f.matchEpcClass === undefined || someOf(f.matchEpcClass, epcClassesOf(e, CLASS_LISTS))) &&
    (f.matchAnyEpcClass === undefined || someOf(f.matchAnyEpcClass, epcClassesOf(e, ANY_CLASS_LISTS)))
  );
}

export interface EventPage {
  readonly events: readonly StoredEvent[];
  /** Continue after this sequence number, or null when nothing is left. */
  readonly nextAfterSeq: number | null;
}

/** The seqs of events (and error declarations) with these eventIDs. */
function seqsByEventId(state: StateReader, eventIds: readonly string[]): number[] {
  const seqs: number[] = [];
  for (const id of eventIds) {
    for (const key of [eventIdKey(id), errorDeclarationKey(id)]) {
      const seq = read<number>(state, key);
      if (seq !== undefined) seqs.push(seq);
    }
  }
  return seqs;
}

/** The seqs of events indexed under these identifiers (./store.ts: parent, EPCs, inputs, outputs). */
function seqsByIdentifier(state: StateReader, ids: readonly string[]): number[] {
  const seqs: number[] = [];
  for (const id of ids) {
    const total = readCount(state, epcCountKey(id));
    for (let n = 0; n < total; n++) {
      const seq = read<number>(state, epcIndexKey(id, n));
      if (seq !== undefined) seqs.push(seq);
    }
  }
  return seqs;
}

/**
 * Candidate sequence numbers after afterSeq, ascending: an eventID or identifier filter reads its index
 * only (every identifier an event names is indexed under it), anything else walks the sequence.
 */
function candidates(state: StateReader, f: EventFilter, afterSeq: number, scanMax: number): number[] {
  const ids = f.matchEpc ?? f.matchAnyEpc ?? f.matchParentId ?? f.matchInputEpc ?? f.matchOutputEpc;
  const indexed =
    f.eventIds !== undefined
      ? seqsByEventId(state, f.eventIds)
      : ids !== undefined
        ? seqsByIdentifier(state, ids)
        : undefined;
  if (indexed === undefined) {
    const out: number[] = [];
    for (let seq = afterSeq + 1; seq < eventCount(state) && out.length <= scanMax; seq++) out.push(seq);
    return out;
  }
  return [...new Set(indexed.filter((seq) => seq > afterSeq))].sort((a, b) => a - b).slice(0, scanMax + 1);
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
  recordTimeOf?: RecordTimeOf,
): EventPage {
  const seqs = candidates(state, f, afterSeq, scanMax);
  const events: StoredEvent[] = [];
  let last = afterSeq;
  for (const [i, seq] of seqs.entries()) {
    if (events.length >= clampLimit(limit) || i >= scanMax) return { events, nextAfterSeq: last };
    last = seq;
    const e = storedEvent(state, seq);
    if (e !== undefined && matches(e, f, recordTimeOf)) events.push(e);
  }
  return { events, nextAfterSeq: null };
}

/**
 * Every matching event, in capture order, when the filter's candidates number at most scanMax; undefined
 * when there are more (the caller refuses the query as too large: sorting or counting needs them all).
 */
export function allMatchingEvents(
  state: StateReader,
  f: EventFilter,
  scanMax: number,
  recordTimeOf?: RecordTimeOf,
): StoredEvent[] | undefined {
  const seqs = candidates(state, f, -1, scanMax);
  if (seqs.length > scanMax) return undefined;
  const events: StoredEvent[] = [];
  for (const seq of seqs) {
    const e = storedEvent(state, seq);
    if (e !== undefined && matches(e, f, recordTimeOf)) events.push(e);
  }
  return events;
}
