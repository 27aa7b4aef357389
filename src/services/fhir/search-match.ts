// Whether a resource matches a parsed search (search.ts), extracting each parameter's values with its
// FHIRPath expression (search-params.ts) evaluated by fhirpath.js with the R4 model, which resolves
// choice elements (Observation.effective → effectiveDateTime or effectivePeriod).
import fhirpath from 'fhirpath';
import r4 from 'fhirpath/fhir-context/r4';
import { approximateToleranceMs, dateRangeMatches, rangeOfValue } from './search-date.ts';
import {
  COMMON_SEARCH_PARAMS,
  SERVED_RESOURCE_TYPES,
  searchParamsFor,
  type SearchParamDef,
} from './search-params.ts';
import type { ReferenceSearch, SearchClause, SearchQuery, TokenSearch } from './search.ts';

type Extract = (resource: object) => unknown[];

// Every expression of the table, compiled once at load (parsing FHIRPath costs more than evaluating).
const EXTRACTORS: ReadonlyMap<string, Extract> = new Map(
  [...COMMON_SEARCH_PARAMS, ...SERVED_RESOURCE_TYPES.flatMap((t) => searchParamsFor(t))].map((def) => {
    const run = fhirpath.compile(def.expression, r4, { async: false });
    return [def.expression, (resource: object): unknown[] => run(resource) as unknown[]];
  }),
);

export interface MatchOptions {
  /** "Now", for the tolerance of `ap` (search.html#prefix); without it `ap` is a plain overlap. */
  nowMs?: number;
}

/** True if the resource satisfies every clause of the query (search.html#combining). */
export function matches(
  resource: Readonly<Record<string, unknown>>,
  query: SearchQuery,
  options: MatchOptions = {},
): boolean {
  if (resource.resourceType !== query.resourceType) return false;
  return query.clauses.every((clause) => clauseMatches(resource, clause, options));
}

function valuesOf(resource: object, expression: string): unknown[] {
  const extract = EXTRACTORS.get(expression);
  if (extract === undefined) throw new Error(`invariant violated: no compiled FHIRPath for ${expression}`);
  return extract(resource).filter((v) => v !== null && v !== undefined);
}

function clauseMatches(resource: object, clause: SearchClause, options: MatchOptions): boolean {
  const values = valuesOf(resource, clause.param.expression);
  switch (clause.type) {
    case 'missing':
      return (values.length === 0) === clause.missing;
    case 'token': {
      const codes = values.flatMap(tokensOf);
      const any = clause.values.some((q) => codes.some((c) => tokenMatches(q, c)));
      // search.html#token `:not`: resources without a matching code, including those without any.
      return clause.not ? !any : any;
    }
    case 'date': {
      const ranges = values.flatMap((v) => rangeOfValue(v) ?? []);
      return clause.values.some((q) => {
        const tolerance =
          q.prefix === 'ap' && options.nowMs !== undefined
            ? approximateToleranceMs(q.range, options.nowMs)
            : 0;
        return ranges.some((r) => dateRangeMatches(q.prefix, q.range, r, tolerance));
      });
    }
    case 'string': {
      const texts = values.filter((v): v is string => typeof v === 'string');
      return clause.values.some((q) => texts.some((t) => stringMatches(clause.match, q, t)));
    }
    case 'reference': {
      const refs = values.flatMap(referenceOf);
      return clause.values.some((q) => refs.some((r) => referenceMatches(q, r)));
    }
  }
}

/** A code found in a resource; `system` undefined for a primitive code whose system is implied. */
interface FoundToken {
  system?: string;
  code: string;
}

/** Codes of a CodeableConcept, Coding, Identifier, or primitive code/id/string/boolean. */
function tokensOf(value: unknown): FoundToken[] {
  if (typeof value === 'string') return [{ code: value }];
  if (typeof value === 'boolean') return [{ code: String(value) }];
  if (value === null || typeof value !== 'object') return [];
  const v = value as { coding?: unknown; system?: unknown; code?: unknown; value?: unknown };
  if (Array.isArray(v.coding)) return v.coding.flatMap(tokensOf);
  const code = typeof v.code === 'string' ? v.code : typeof v.value === 'string' ? v.value : undefined;
  if (code === undefined) return [];
  // A Coding or Identifier without system has system '' so `|code` can select it (search.html#token).
  return [{ system: typeof v.system === 'string' ? v.system : '', code }];
}

function tokenMatches(q: TokenSearch, found: FoundToken): boolean {
  if (q.code !== undefined && q.code !== found.code) return false;
  // A primitive code (status, gender) has no system property; its system is fixed by the element's
  // required binding (terminologies.html#code), so a system in the query is not held against it.
  if (q.system === undefined || found.system === undefined) return true;
  return q.system === found.system;
}

/** Case- and accent-insensitive form for string search (search.html#string). */
function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

function stringMatches(match: 'prefix' | 'exact' | 'contains', query: string, text: string): boolean {
  // :exact compares the whole string including case and accents (search.html#string).
  if (match === 'exact') return text === query;
  return match === 'contains' ? fold(text).includes(fold(query)) : fold(text).startsWith(fold(query));
}

type FoundReference = { type: string; id: string } | { url: string };

const RELATIVE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(\/_history\/[A-Za-z0-9\-.]{1,64})?$/;

function referenceOf(value: unknown): FoundReference[] {
  if (value === null || typeof value !== 'object') return [];
  const reference = (value as { reference?: unknown }).reference;
  if (typeof reference !== 'string') return [];
  const m = RELATIVE.exec(reference);
  if (m !== null) return [{ type: m[1] ?? '', id: m[2] ?? '' }];
  // Absolute URLs match only the same URL: without knowing our own base URL we cannot tell ours from
  // another server's. Contained (#id) and bundle-internal (urn:) references are never search targets.
  return /^https?:\/\//.test(reference) ? [{ url: reference }] : [];
}

function referenceMatches(q: ReferenceSearch, found: FoundReference): boolean {
  if ('url' in q) return 'url' in found && found.url === q.url;
  if ('url' in found) return false;
  return q.id === found.id && (q.type === undefined || q.type === found.type);
}

/** Where a resource sorts by a date parameter (search.html#sort): the start of its first value. */
export function sortInstant(resource: object, param: SearchParamDef): number | undefined {
  for (const value of valuesOf(resource, param.expression)) {
    const range = rangeOfValue(value);
    if (range !== undefined && Number.isFinite(range.lo)) return range.lo;
  }
  return undefined;
}

/** Sorts resources in place by a date parameter; those without a value go last (search.html#sort). */
export function sortByDate<T extends object>(
  items: T[],
  resourceOf: (item: T) => object,
  sort: SearchQuery['sort'],
): void {
  if (sort === undefined) return;
  const keyed = items.map((item) => ({ item, at: sortInstant(resourceOf(item), sort.param) }));
  keyed.sort((a, b) => {
    if (a.at === undefined || b.at === undefined)
      return Number(a.at === undefined) - Number(b.at === undefined);
    return sort.descending ? b.at - a.at : a.at - b.at;
  });
  keyed.forEach((k, i) => (items[i] = k.item));
}
