// GET /epcis/events (EPCIS 2.0 §12.6, REST binding of SimpleEventQuery): query parameters to an
// EventFilter, and the matching events back as an EPCISQueryDocument with the events as captured. Paging
// follows §12.6.1: perPage, and a nextPageToken returned in a Link header (rel="next").
import { ServiceError } from '../errors.ts';
import {
  allMatchingEvents,
  canonicalId,
  capture,
  normaliseBizStep,
  normaliseDisposition,
  parseDateTimeMs,
  queryEvents,
  SUPPLY_PAGE_MAX,
  type EventFilter,
  type StoredEvent,
} from '../../app/supply/index.ts';
import type { RecordTimeOf } from '../../app/supply/queries.ts';
import type { StateReader } from '../../app/state.ts';

export const EPCIS_CONTEXT_URL = 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld';
export const PER_PAGE_DEFAULT = 30;
/** Most events one query request examines; past that it answers what it found and a token. */
export const QUERY_SCAN_EVENTS_MAX = 10_000;
/** Most values one list parameter may carry. */
export const QUERY_VALUES_MAX = 50;

const LIST_PARAMS = [
  'MATCH_epc',
  'MATCH_anyEPC',
  'MATCH_parentID',
  'MATCH_inputEPC',
  'MATCH_outputEPC',
  'MATCH_epcClass',
  'MATCH_anyEPCClass',
  'EQ_action',
  'EQ_eventID',
  'EQ_bizStep',
  'EQ_disposition',
  'EQ_bizLocation',
  'EQ_readPoint',
  'eventType',
] as const;
const KNOWN_PARAMS = new Set<string>([
  ...LIST_PARAMS,
  'EXISTS_errorDeclaration',
  'GE_eventTime',
  'LT_eventTime',
  'GE_recordTime',
  'LT_recordTime',
  'orderBy',
  'orderDirection',
  'eventCountLimit',
  'maxEventCount',
  'perPage',
  'nextPageToken',
]);
export const EVENT_TYPES = [
  'ObjectEvent',
  'AggregationEvent',
  'TransactionEvent',
  'TransformationEvent',
  'AssociationEvent',
] as const;
const ACTIONS = ['ADD', 'OBSERVE', 'DELETE'];
const ORDER_BY = ['eventTime', 'recordTime'] as const;

function invalid(message: string): ServiceError {
  return new ServiceError('epcis.query_invalid', message);
}

/** Values of a parameter: repeated, or comma-separated (EPCIS 2.0 §12.6: "a|b" is also accepted). */
function values(query: URLSearchParams, name: string): string[] | undefined {
  const all = query
    .getAll(name)
    .flatMap((v) => v.split(/[,|]/))
    .filter((v) => v !== '');
  if (all.length === 0) return undefined;
  if (all.length > QUERY_VALUES_MAX) throw invalid(`${name} takes at most ${QUERY_VALUES_MAX} values`);
  return all;
}

/** Values that must each be one of `allowed`. */
function oneOf(query: URLSearchParams, name: string, allowed: readonly string[]): string[] | undefined {
  const given = values(query, name);
  const wrong = given?.find((v) => !allowed.includes(v));
  if (wrong !== undefined) throw invalid(`${name} is one of ${allowed.join(', ')}`);
  return given;
}

function time(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  const ms = parseDateTimeMs(value);
  if (ms === undefined) throw invalid(`${name} must be a date-time with offset, e.g. 2026-01-01T00:00:00Z`);
  return ms;
}

function count(query: URLSearchParams, name: string, max: number): number | undefined {
  const text = query.get(name);
  if (text === null) return undefined;
  const n = Number(text);
  if (!/^\d{1,6}$/.test(text) || n < 1 || n > max) throw invalid(`${name} must be 1..${max}`);
  return n;
}

/** How a query's answer is ordered and bounded when it asks for more than capture order. */
export interface Ordering {
  readonly by: (typeof ORDER_BY)[number];
  readonly direction: 'ASC' | 'DESC';
  /** eventCountLimit: only the first N events, in this order. */
  readonly countLimit: number | undefined;
  /** maxEventCount: refuse (413 epcis.query_too_large) rather than answer more. */
  readonly maxCount: number | undefined;
}

export interface ParsedQuery {
  readonly filter: EventFilter;
  readonly perPage: number;
  /** Streamed pages (capture order): continue after this seq. */
  readonly afterSeq: number;
  /** Ordered or counted queries: the whole answer is gathered, sorted and paged from this offset. */
  readonly ordering: Ordering | undefined;
  readonly offset: number;
}

function ordering(query: URLSearchParams): Ordering | undefined {
  const given = ['orderBy', 'orderDirection', 'eventCountLimit', 'maxEventCount'].some((n) => query.has(n));
  if (!given) return undefined;
  const by = query.get('orderBy') ?? 'recordTime';
  if (!(ORDER_BY as readonly string[]).includes(by))
    throw invalid(`orderBy is one of ${ORDER_BY.join(', ')}`);
  // EPCIS 2.0 §8.2.7.1: orderDirection defaults to DESC.
  const direction = query.get('orderDirection') ?? 'DESC';
  if (direction !== 'ASC' && direction !== 'DESC') throw invalid('orderDirection is ASC or DESC');
  const countLimit = count(query, 'eventCountLimit', QUERY_SCAN_EVENTS_MAX);
  const maxCount = count(query, 'maxEventCount', QUERY_SCAN_EVENTS_MAX);
  if (countLimit !== undefined && maxCount !== undefined) {
    throw invalid('eventCountLimit and maxEventCount may not both be given');
  }
  return { by: by as Ordering['by'], direction, countLimit, maxCount };
}

function filterOf(query: URLSearchParams): EventFilter {
  const ids = (name: string) => values(query, name)?.map(canonicalId);
  return {
    eventTypes: oneOf(query, 'eventType', EVENT_TYPES),
    actions: oneOf(query, 'EQ_action', ACTIONS),
    eventIds: values(query, 'EQ_eventID'),
    matchEpc: ids('MATCH_epc'),
    matchAnyEpc: ids('MATCH_anyEPC'),
    matchParentId: ids('MATCH_parentID'),
    matchInputEpc: ids('MATCH_inputEPC'),
    matchOutputEpc: ids('MATCH_outputEPC'),
    matchEpcClass: ids('MATCH_epcClass'),
    matchAnyEpcClass: ids('MATCH_anyEPCClass'),
    errorDeclaration: query.has('EXISTS_errorDeclaration') ? true : undefined,
    bizSteps: values(query, 'EQ_bizStep')?.map(normaliseBizStep),
    dispositions: values(query, 'EQ_disposition')?.map(normaliseDisposition),
    bizLocations: ids('EQ_bizLocation'),
    readPoints: ids('EQ_readPoint'),
    geEventTimeMs: time(query, 'GE_eventTime'),
    ltEventTimeMs: time(query, 'LT_eventTime'),
    geRecordTimeMs: time(query, 'GE_recordTime'),
    ltRecordTimeMs: time(query, 'LT_recordTime'),
  };
}

export function parseQuery(query: URLSearchParams): ParsedQuery {
  for (const name of query.keys()) {
    if (!KNOWN_PARAMS.has(name)) throw invalid(`unknown query parameter ${name.slice(0, 40)}`);
  }
  const filter = filterOf(query);
  const order = ordering(query);
  const perPageText = query.get('perPage');
  const perPage = perPageText === null ? PER_PAGE_DEFAULT : Number(perPageText);
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > SUPPLY_PAGE_MAX) {
    throw invalid(`perPage must be 1..${SUPPLY_PAGE_MAX}`);
  }
  // A token says which kind of paging gave it: e<seq> streams capture order, o<offset> an ordered answer.
  const token = query.get('nextPageToken');
  const shape = order === undefined ? /^e\d{1,15}$/ : /^o\d{1,6}$/;
  if (token !== null && !shape.test(token)) throw invalid('nextPageToken is not one this server gave');
  const position = token === null ? undefined : Number(token.slice(1));
  return {
    filter,
    perPage,
    afterSeq: order === undefined ? (position ?? -1) : -1,
    ordering: order,
    offset: order === undefined ? 0 : (position ?? 0),
  };
}

/** The @context of an answer: the EPCIS 2.0 context plus the namespaces the captured documents declared. */
function mergedContext(state: StateReader, events: readonly StoredEvent[]): unknown[] {
  const extra: Record<string, unknown> = {};
  const urls = new Set<string>([EPCIS_CONTEXT_URL]);
  for (const captureId of new Set(events.map((e) => e.captureId))) {
    const text = capture(state, captureId)?.context;
    if (text === null || text === undefined) continue;
    const parsed = JSON.parse(text) as unknown;
    for (const entry of Array.isArray(parsed) ? parsed : [parsed]) {
      if (typeof entry === 'string') urls.add(entry);
      else if (typeof entry === 'object' && entry !== null) Object.assign(extra, entry);
    }
  }
  return Object.keys(extra).length === 0 ? [...urls] : [...urls, extra];
}

export interface QueryAnswer {
  readonly document: Record<string, unknown>;
  readonly nextPageToken: string | null;
}

/** The page of an ordered or counted query: every match gathered (bounded), sorted, capped, paged. */
function orderedPage(
  state: StateReader,
  parsed: ParsedQuery,
  order: Ordering,
  recordTimeOf: RecordTimeOf,
): { events: readonly StoredEvent[]; next: string | null } {
  const all = allMatchingEvents(state, parsed.filter, QUERY_SCAN_EVENTS_MAX, recordTimeOf);
  if (all === undefined) {
    throw new ServiceError(
      'epcis.query_too_large',
      `an ordered or counted query may look at ${QUERY_SCAN_EVENTS_MAX} events at most: narrow it`,
    );
  }
  if (order.maxCount !== undefined && all.length > order.maxCount) {
    throw new ServiceError(
      'epcis.query_too_large',
      `more than maxEventCount (${order.maxCount}) events match`,
      {
        maxEventCount: order.maxCount,
      },
    );
  }
  // Record time follows capture order (a later block never has an earlier time); ties keep it.
  const key = (e: StoredEvent) => (order.by === 'eventTime' ? e.eventTimeMs : e.seq);
  const sign = order.direction === 'ASC' ? 1 : -1;
  const sorted = [...all].sort((a, b) => sign * (key(a) - key(b) || a.seq - b.seq));
  const capped = order.countLimit === undefined ? sorted : sorted.slice(0, order.countLimit);
  const end = parsed.offset + parsed.perPage;
  return { events: capped.slice(parsed.offset, end), next: end < capped.length ? `o${end}` : null };
}

export function runQuery(
  state: StateReader,
  parsed: ParsedQuery,
  nowMs: number,
  recordTimeOf: RecordTimeOf = () => undefined,
): QueryAnswer {
  let events: readonly StoredEvent[];
  let next: string | null;
  if (parsed.ordering === undefined) {
    const page = queryEvents(
      state,
      parsed.filter,
      parsed.afterSeq,
      parsed.perPage,
      QUERY_SCAN_EVENTS_MAX,
      recordTimeOf,
    );
    events = page.events;
    next = page.nextAfterSeq === null ? null : `e${page.nextAfterSeq}`;
  } else {
    ({ events, next } = orderedPage(state, parsed, parsed.ordering, recordTimeOf));
  }
  const document = {
    '@context': mergedContext(state, events),
    type: 'EPCISQueryDocument',
    schemaVersion: '2.0',
    creationDate: new Date(nowMs).toISOString(),
    epcisBody: {
      queryResults: {
        queryName: 'SimpleEventQuery',
        resultsBody: { eventList: events.map((e) => JSON.parse(e.text) as unknown) },
      },
    },
  };
  return { document, nextPageToken: next };
}
