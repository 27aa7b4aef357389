// Dates as ranges, for date search (search.html#date, search.html#prefix).
// Every date in FHIR search is a range: a partial date covers its whole precision ("2013" is all of
// 2013, datatypes.html#dateTime), a Period runs from its start to the end of its end's precision with a
// missing bound open (datatypes.html#Period), and the search value is a range the same way. Ranges here
// are half-open [lo, hi) in epoch milliseconds, so "the end of 2013" is exactly the start of 2014.

export type DatePrefix = 'eq' | 'ne' | 'lt' | 'gt' | 'le' | 'ge' | 'sa' | 'eb' | 'ap';
export const DATE_PREFIXES: readonly DatePrefix[] = ['eq', 'ne', 'lt', 'gt', 'le', 'ge', 'sa', 'eb', 'ap'];

export interface TimeRange {
  /** Inclusive start, epoch ms; -Infinity for a Period without start. */
  lo: number;
  /** Exclusive end, epoch ms; +Infinity for a Period without end (ongoing). */
  hi: number;
}

// FHIR dateTime (datatypes.html#dateTime) with the looser search form also allowing hh:mm
// (search.html#date). A time without a zone is read as UTC: FHIR requires the zone whenever a time is
// given, and for zoneless dates "the server's local time" would make answers depend on the host.
const DATE_TIME =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** The range a FHIR date, dateTime or instant covers, or undefined if it is not one. */
export function parseDateRange(text: string): TimeRange | undefined {
  const m = DATE_TIME.exec(text);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = mo === undefined ? 1 : Number(mo);
  const day = d === undefined ? 1 : Number(d);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (mo === undefined) return { lo: utc(year, 1, 1), hi: utc(year + 1, 1, 1) };
  if (d === undefined) return { lo: utc(year, month, 1), hi: utc(year, month + 1, 1) };
  if (h === undefined) {
    const lo = utc(year, month, day);
    return { lo, hi: lo + DAY_MS };
  }
  const hour = Number(h);
  const minute = Number(mi);
  // Second 60 is a leap second (the schema allows it); it reads as the next second, like Date does.
  const second = s === undefined ? 0 : Number(s);
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  const offset = zoneOffsetMs(zone);
  if (offset === undefined) return undefined;
  const millis = frac === undefined ? 0 : Number(frac.slice(0, 3).padEnd(3, '0'));
  const lo = utc(year, month, day) + hour * 3_600_000 + minute * MINUTE_MS + second * 1000 + millis - offset;
  const step = s === undefined ? MINUTE_MS : frac === undefined ? 1000 : 10 ** Math.max(0, 3 - frac.length);
  return { lo, hi: lo + step };
}

function zoneOffsetMs(zone: string | undefined): number | undefined {
  if (zone === undefined || zone === 'Z') return 0;
  const hours = Number(zone.slice(1, 3));
  const minutes = Number(zone.slice(4, 6));
  if (hours > 14 || minutes > 59) return undefined;
  return (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes) * MINUTE_MS;
}

function utc(year: number, month: number, day: number): number {
  const date = new Date(Date.UTC(2000, month - 1, day));
  date.setUTCFullYear(year, month - 1, day); // Date.UTC maps years 0–99 to 1900–1999
  return date.getTime();
}

function daysInMonth(year: number, month: number): number {
  return new Date(utc(year, month + 1, 1) - DAY_MS).getUTCDate();
}

/**
 * The ranges of one value FHIRPath extracted for a date parameter: a date/dateTime/instant string, or
 * a Period. Other choices of a date element (onsetAge, onsetString, performedString, Timing…) are not
 * dates and give nothing, so they never match (search.html#date lists the types a date search covers).
 */
export function rangeOfValue(value: unknown): TimeRange | undefined {
  if (typeof value === 'string') return parseDateRange(value);
  if (value === null || typeof value !== 'object') return undefined;
  const period = value as { start?: unknown; end?: unknown };
  if (period.start === undefined && period.end === undefined) return undefined;
  const start = typeof period.start === 'string' ? parseDateRange(period.start) : undefined;
  const end = typeof period.end === 'string' ? parseDateRange(period.end) : undefined;
  if (
    (period.start !== undefined && start === undefined) ||
    (period.end !== undefined && end === undefined)
  ) {
    return undefined;
  }
  return { lo: start?.lo ?? -Infinity, hi: end?.hi ?? Infinity };
}

/**
 * Whether a target range satisfies `prefix value` (search.html#prefix, R4 wording in the comments).
 * `apToleranceMs` widens the search range for `ap`; the spec recommends 10% of the distance between
 * now and the value (see approximateToleranceMs).
 */
export function dateRangeMatches(
  prefix: DatePrefix,
  search: TimeRange,
  target: TimeRange,
  apToleranceMs = 0,
): boolean {
  // eq: the range of the search value fully contains the range of the target value.
  const contained = search.lo <= target.lo && target.hi <= search.hi;
  switch (prefix) {
    case 'eq':
      return contained;
    case 'ne':
      return !contained;
    // gt: the range above the search value intersects the range of the target value.
    case 'gt':
      return target.hi > search.hi;
    // lt: the range below the search value intersects the range of the target value.
    case 'lt':
      return target.lo < search.lo;
    // ge: gt, or the range of the search value fully contains the range of the target value.
    case 'ge':
      return target.hi > search.hi || contained;
    // le: lt, or the range of the search value fully contains the range of the target value.
    case 'le':
      return target.lo < search.lo || contained;
    // sa: the target starts after the search range ends (no overlap, entirely above).
    case 'sa':
      return target.lo >= search.hi;
    // eb: the target ends before the search range starts (no overlap, entirely below).
    case 'eb':
      return target.hi <= search.lo;
    // ap: the ranges overlap, the search range widened by the tolerance on both sides.
    case 'ap':
      return target.lo < search.hi + apToleranceMs && target.hi > search.lo - apToleranceMs;
  }
}

/** search.html#prefix: "10% of the gap between now and the date" (at least 1 day, our choice). */
export function approximateToleranceMs(search: TimeRange, nowMs: number): number {
  const gap = Math.abs(nowMs - (search.lo + search.hi) / 2);
  return Math.max(DAY_MS, Math.round(gap / 10));
}

/** Parses `[prefix]value` of a date parameter (search.html#prefix); without prefix it is `eq`. */
export function parseDateSearchValue(
  raw: string,
): { prefix: DatePrefix; range: TimeRange } | { problem: string } {
  let prefix: DatePrefix = 'eq';
  let rest = raw;
  if (/^[a-z]{2}/i.test(raw)) {
    const candidate = raw.slice(0, 2);
    if (!(DATE_PREFIXES as readonly string[]).includes(candidate)) {
      return { problem: `unknown prefix '${candidate}' (use one of ${DATE_PREFIXES.join(', ')})` };
    }
    prefix = candidate as DatePrefix;
    rest = raw.slice(2);
  }
  // An unencoded '+' in a query string arrives as a space; in a zone offset it can only mean '+'.
  rest = rest.replace(/ (\d{2}:\d{2})$/, '+$1');
  const range = parseDateRange(rest);
  if (range === undefined) return { problem: 'not a date: use YYYY, YYYY-MM, YYYY-MM-DD or a dateTime' };
  return { prefix, range };
}
