// When a record happened, in the reader's local time and language, and lists newest first. FHIR dates
// may be a year, a day or an instant (datatypes.html#dateTime): a day is a calendar day, not UTC midnight
// (which would show as the day before west of Greenwich).
import type { FhirResource } from '../../../../src/contract/fhir.ts';

/** When a resource happened, as FHIR spells it for that type (or when it was last updated). */
export function dateOf(r: FhirResource): string | undefined {
  const fields = [
    'effectiveDateTime',
    'onsetDateTime',
    'authoredOn',
    'occurrenceDateTime',
    'performedDateTime',
    'recordedDate',
    'date',
    'issued',
  ];
  for (const f of fields) if (typeof r[f] === 'string') return r[f];
  const period = (r.period ?? r.performedPeriod ?? r.effectivePeriod) as { start?: unknown } | undefined;
  if (typeof period?.start === 'string') return period.start;
  const meta = r.meta as { lastUpdated?: unknown } | undefined;
  return typeof meta?.lastUpdated === 'string' ? meta.lastUpdated : undefined;
}

const DAY_ONLY = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$/;

/** Milliseconds since the epoch for a FHIR date or dateTime; a day alone is local midnight. */
export function timeOf(date: string | undefined): number | undefined {
  if (date === undefined) return undefined;
  const day = DAY_ONLY.exec(date);
  const ms = day
    ? new Date(Number(day[1]), Number(day[2] ?? 1) - 1, Number(day[3] ?? 1)).getTime()
    : Date.parse(date);
  return Number.isFinite(ms) ? ms : undefined;
}

/** A FHIR date or dateTime in local words: "1 Mar 2026", or "1 Mar 2026, 10:30" when it has a time. */
export function formatWhen(date: string | undefined, locale?: string): string | undefined {
  const ms = timeOf(date);
  if (ms === undefined || date === undefined) return undefined;
  const hasTime = date.includes('T');
  return new Intl.DateTimeFormat(locale, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    ...(hasTime ? { hour: '2-digit', minute: '2-digit' } : {}),
  }).format(ms);
}

/** Records newest first; undated ones last, in the order they came. */
export function newestFirst<T extends FhirResource>(records: readonly T[]): T[] {
  const at = (r: T) => timeOf(dateOf(r)) ?? Number.NEGATIVE_INFINITY;
  return records
    .map((r, i) => ({ r, i }))
    .sort((a, b) => at(b.r) - at(a.r) || a.i - b.i)
    .map(({ r }) => r);
}
