// GET /epcis/events (EPCIS 2.0 §12.6, REST binding of SimpleEventQuery): query parameters to an
// EventFilter, and the matching events back as an EPCISQueryDocument with the events as captured. Paging
// follows §12.6.1: perPage, and a nextPageToken returned in a Link header (rel="next").
import { ServiceError } from '../errors.ts';
import {
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
  'EQ_bizStep',
  'EQ_disposition',
  'EQ_bizLocation',
  'EQ_readPoint',
  'eventType',
] as const;
const KNOWN_PARAMS = new Set<string>([
  ...LIST_PARAMS,
  'GE_eventTime',
  'LT_eventTime',
  'perPage',
  'nextPageToken',
]);

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

function time(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  const ms = parseDateTimeMs(value);
  if (ms === undefined) throw invalid(`${name} must be a date-time with offset, e.g. 2026-01-01T00:00:00Z`);
  return ms;
}

export interface ParsedQuery {
  readonly filter: EventFilter;
  readonly perPage: number;
  readonly afterSeq: number;
}

export function parseQuery(query: URLSearchParams): ParsedQuery {
  for (const name of query.keys()) {
    if (!KNOWN_PARAMS.has(name)) throw invalid(`unknown query parameter ${name.slice(0, 40)}`);
  }
  const ids = (name: string) => values(query, name)?.map(canonicalId);
  const filter: EventFilter = {
    eventTypes: values(query, 'eventType'),
    matchEpc: ids('MATCH_epc'),
    matchAnyEpc: ids('MATCH_anyEPC'),
    bizSteps: values(query, 'EQ_bizStep')?.map(normaliseBizStep),
    dispositions: values(query, 'EQ_disposition')?.map(normaliseDisposition),
    bizLocations: ids('EQ_bizLocation'),
    readPoints: ids('EQ_readPoint'),
    geEventTimeMs: time(query, 'GE_eventTime'),
    ltEventTimeMs: time(query, 'LT_eventTime'),
  };
  const perPageText = query.get('perPage');
  const perPage = perPageText === null ? PER_PAGE_DEFAULT : Number(perPageText);
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > SUPPLY_PAGE_MAX) {
    throw invalid(`perPage must be 1..${SUPPLY_PAGE_MAX}`);
  }
  const token = query.get('nextPageToken');
  if (token !== null && !/^e\d{1,15}$/.test(token))
    throw invalid('nextPageToken is not one this server gave');
  return { filter, perPage, afterSeq: token === null ? -1 : Number(token.slice(1)) };
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

export function runQuery(state: StateReader, parsed: ParsedQuery, nowMs: number): QueryAnswer {
  const page = queryEvents(state, parsed.filter, parsed.afterSeq, parsed.perPage, QUERY_SCAN_EVENTS_MAX);
  const document = {
    '@context': mergedContext(state, page.events),
    type: 'EPCISQueryDocument',
    schemaVersion: '2.0',
    creationDate: new Date(nowMs).toISOString(),
    epcisBody: {
      queryResults: {
        queryName: 'SimpleEventQuery',
        resultsBody: { eventList: page.events.map((e) => JSON.parse(e.text) as unknown) },
      },
    },
  };
  return { document, nextPageToken: page.nextAfterSeq === null ? null : `e${page.nextAfterSeq}` };
}
