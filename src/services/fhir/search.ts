// Parsing FHIR search query strings (search.html) into a checked query, for the parameters of
// search-params.ts. Matching a resource against a parsed query is in search-match.ts.
// Rules applied here: repeating a parameter ANDs, commas inside one value OR (search.html#combining);
// `\,` `\|` `\$` `\\` escape (search.html#escaping); empty values are ignored and unknown parameters
// are an error listing them all (search.html#errors: a server may reject what it does not support,
// and a silently dropped filter would return more records than the caller asked for).

import { FhirError, issue, type Issue } from './operation-outcome.ts';
import { R4_RESOURCE_TYPES } from './r4-schema.ts';
import { ID_PATTERN } from './references.ts';
import { parseDateSearchValue, type DatePrefix, type TimeRange } from './search-date.ts';
import { searchParamsFor, type SearchParamDef } from './search-params.ts';

/** Page size when `_count` is absent, and the most one page holds (STYLE §5: bound everything). */
export const PAGE_SIZE_DEFAULT = 20;
export const PAGE_SIZE_MAX = 100;
/** The paging cursor is opaque to clients (search.html#paging); this bounds what we accept. */
export const CURSOR_PARAM = '_cursor';
const CURSOR_PATTERN = /^[A-Za-z0-9_-]{1,512}$/;
/** Values per parameter, and parameters per query, accepted in one search. */
export const SEARCH_VALUES_MAX = 50;

/** `system|code` (search.html#token): system undefined = any system, '' = no system; code undefined = any code. */
export interface TokenSearch {
  system?: string;
  code?: string;
}
export interface DateSearch {
  prefix: DatePrefix;
  range: TimeRange;
}
/** A reference target: `Type/id`, a bare `id` (any type, or the parameter's target), or an absolute URL. */
export type ReferenceSearch = { type?: string; id: string } | { url: string };

export type SearchClause =
  | { type: 'token'; param: SearchParamDef; not: boolean; values: TokenSearch[] }
  | { type: 'date'; param: SearchParamDef; values: DateSearch[] }
  | { type: 'reference'; param: SearchParamDef; values: ReferenceSearch[] }
  | { type: 'string'; param: SearchParamDef; match: 'prefix' | 'exact' | 'contains'; values: string[] }
  /** `:missing=true|false` (search.html#modifiers): whether the element has no value at all. */
  | { type: 'missing'; param: SearchParamDef; missing: boolean };

export interface SearchQuery {
  resourceType: string;
  /** All must match (AND); within one clause any value may match (OR). */
  clauses: SearchClause[];
  count: number;
  cursor?: string;
  /** `_summary=count` (search.html#summary): the total only, no resources. */
  summaryCount?: boolean;
  /** `_elements` (search.html#elements): the top-level elements each resource is cut down to. */
  elements?: string[];
  /** `_sort` on one date parameter (search.html#sort), `-` for newest first. */
  sort?: { param: SearchParamDef; descending: boolean };
}

export type QueryInput =
  string | URLSearchParams | Readonly<Record<string, string | readonly string[] | undefined>>;

/** Parses a search on `resourceType`, or throws a 400 FhirError with one issue per problem. */
export function parseSearch(resourceType: string, input: QueryInput): SearchQuery {
  const defs = searchParamsFor(resourceType);
  const issues: Issue[] = [];
  const query: SearchQuery = { resourceType, clauses: [], count: PAGE_SIZE_DEFAULT };
  const seen = new Set<string>();
  const pairs = entriesOf(input);
  if (pairs.length > SEARCH_VALUES_MAX)
    issues.push(issue('too-costly', `more than ${SEARCH_VALUES_MAX} parameters`));
  for (const [key, raw] of pairs.slice(0, SEARCH_VALUES_MAX)) {
    if (raw === '') continue;
    const colon = key.indexOf(':');
    const name = colon < 0 ? key : key.slice(0, colon);
    const modifier = colon < 0 ? undefined : key.slice(colon + 1);
    const problem = (text: string): void => void issues.push(issue('invalid', `${clipKey(name)}: ${text}`));
    if (name === '_summary' || name === '_elements' || name === '_sort') {
      const trouble = seen.has(name)
        ? 'may appear only once'
        : parseResultParam(name, modifier, raw, query, defs);
      if (trouble !== undefined) problem(trouble);
      seen.add(name);
      continue;
    }
    if (name === '_count' || name === CURSOR_PARAM) {
      const trouble = seen.has(name) ? 'may appear only once' : parsePaging(name, modifier, raw, query);
      if (trouble !== undefined) problem(trouble);
      seen.add(name);
      continue;
    }
    const def = defs.find((d) => d.name === name);
    if (def === undefined) {
      issues.push(
        issue('not-supported', `unknown search parameter '${clipKey(name)}' for ${clipKey(resourceType)}`),
      );
      continue;
    }
    const values = splitUnescaped(raw, ',');
    if (values.length > SEARCH_VALUES_MAX) {
      problem(`more than ${SEARCH_VALUES_MAX} values`);
      continue;
    }
    const clause = parseClause(def, modifier, values);
    if ('problem' in clause) problem(clause.problem);
    else query.clauses.push(clause);
  }
  if (issues.length > 0) throw FhirError.of(issues);
  return query;
}

/** Sets `_summary`, `_elements` or `_sort` on the query (search.html#summary, #elements, #sort). */
function parseResultParam(
  name: '_summary' | '_elements' | '_sort',
  modifier: string | undefined,
  raw: string,
  query: SearchQuery,
  defs: readonly SearchParamDef[],
): string | undefined {
  if (modifier !== undefined) return 'takes no modifier';
  if (name === '_summary') {
    if (raw === 'count') query.summaryCount = true;
    else if (raw !== 'false') return 'only count and false are supported';
    return undefined;
  }
  if (name === '_elements') {
    const elements = raw.split(',').filter((e) => e !== '');
    if (elements.length > SEARCH_VALUES_MAX || elements.some((e) => !/^[a-z][A-Za-z0-9]{0,63}$/.test(e))) {
      return 'a comma-separated list of element names';
    }
    query.elements = elements;
    return undefined;
  }
  const descending = raw.startsWith('-');
  const param = defs.find((d) => d.name === (descending ? raw.slice(1) : raw));
  if (param === undefined || param.type !== 'date')
    return 'sorts by one date parameter of the type, such as date or -date';
  query.sort = { param, descending };
  return undefined;
}

/** Sets `_count` or the cursor on the query, or says what is wrong with it. */
function parsePaging(
  name: '_count' | typeof CURSOR_PARAM,
  modifier: string | undefined,
  raw: string,
  query: SearchQuery,
): string | undefined {
  if (modifier !== undefined) return 'takes no modifier';
  if (name === CURSOR_PARAM) {
    if (!CURSOR_PATTERN.test(raw)) return 'malformed paging cursor';
    query.cursor = raw;
    return undefined;
  }
  if (!/^[0-9]{1,6}$/.test(raw) || Number(raw) < 1)
    return `must be a whole number from 1 to ${PAGE_SIZE_MAX}`;
  // search.html#count: a server may return fewer than asked, so a larger count is capped, not refused.
  query.count = Math.min(Number(raw), PAGE_SIZE_MAX);
  return undefined;
}

function parseClause(
  def: SearchParamDef,
  modifier: string | undefined,
  values: string[],
): SearchClause | { problem: string } {
  if (modifier === 'missing') {
    if (values.length !== 1 || (values[0] !== 'true' && values[0] !== 'false')) {
      return { problem: ':missing takes true or false' };
    }
    return { type: 'missing', param: def, missing: values[0] === 'true' };
  }
  switch (def.type) {
    case 'token': {
      if (modifier !== undefined && modifier !== 'not')
        return { problem: `unsupported modifier ':${clipKey(modifier)}'` };
      const tokens = values.map(parseToken);
      const bad = tokens.find((t) => 'problem' in t);
      if (bad !== undefined) return bad;
      return { type: 'token', param: def, not: modifier === 'not', values: tokens as TokenSearch[] };
    }
    case 'date': {
      if (modifier !== undefined) return { problem: `unsupported modifier ':${clipKey(modifier)}'` };
      const dates = values.map((v) => parseDateSearchValue(unescape(v)));
      const bad = dates.find((d) => 'problem' in d);
      if (bad !== undefined) return bad;
      return { type: 'date', param: def, values: dates as DateSearch[] };
    }
    case 'string': {
      if (modifier !== undefined && modifier !== 'exact' && modifier !== 'contains') {
        return { problem: `unsupported modifier ':${clipKey(modifier)}'` };
      }
      return { type: 'string', param: def, match: modifier ?? 'prefix', values: values.map(unescape) };
    }
    case 'reference': {
      // search.html#reference: `subject:Patient=23` names the target type.
      if (modifier !== undefined && !R4_RESOURCE_TYPES.has(modifier))
        return { problem: `unsupported modifier ':${clipKey(modifier)}'` };
      const refs = values.map((v) => parseReferenceSearch(unescape(v), modifier ?? def.target));
      const bad = refs.find((r) => 'problem' in r);
      if (bad !== undefined) return bad;
      return { type: 'reference', param: def, values: refs as ReferenceSearch[] };
    }
  }
}

function parseToken(raw: string): TokenSearch | { problem: string } {
  const parts = splitUnescaped(raw, '|').map(unescape);
  if (parts.length === 1) return { code: parts[0] };
  const [system, code] = parts;
  if (parts.length > 2 || (system === '' && code === ''))
    return { problem: 'a token is [system|]code or system|' };
  return code === '' ? { system } : { system, code };
}

function parseReferenceSearch(
  raw: string,
  targetType: string | undefined,
): ReferenceSearch | { problem: string } {
  if (/^https?:\/\//.test(raw))
    return URL.canParse(raw) ? { url: raw } : { problem: 'malformed absolute URL' };
  const parts = raw.split('/');
  if (parts.length === 1) {
    if (!ID_PATTERN.test(raw)) return { problem: 'malformed id' };
    return targetType === undefined ? { id: raw } : { type: targetType, id: raw };
  }
  const [type, id] = parts;
  if (parts.length !== 2 || type === undefined || id === undefined || !ID_PATTERN.test(id)) {
    return { problem: 'a reference is Type/id, id or an absolute URL' };
  }
  if (!R4_RESOURCE_TYPES.has(type)) return { problem: 'reference names no R4 resource type' };
  if (targetType !== undefined && type !== targetType)
    return { problem: `only ${targetType} references apply` };
  return { type, id };
}

/** Splits at `separator` unless it is escaped with a backslash (search.html#escaping). */
export function splitUnescaped(text: string, separator: ',' | '|'): string[] {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === '\\' && i + 1 < text.length) {
      current += c + text.charAt(i + 1);
      i++;
    } else if (c === separator) {
      out.push(current);
      current = '';
    } else current += c;
  }
  out.push(current);
  return out;
}

function unescape(text: string): string {
  return text.replace(/\\([,$|\\])/g, '$1');
}

function clipKey(key: string): string {
  return key.length <= 64 ? key : `${key.slice(0, 64)}…`;
}

function entriesOf(input: QueryInput): Array<[string, string]> {
  if (typeof input === 'string') return [...new URLSearchParams(input.replace(/^\?/, '')).entries()];
  if (input instanceof URLSearchParams) return [...input.entries()];
  const out: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    for (const v of typeof value === 'string' ? [value] : value) out.push([key, v]);
  }
  return out;
}

/**
 * A resource cut down to `_elements` (search.html#elements): the mandatory id, meta and resourceType stay,
 * and meta carries the SUBSETTED tag so that no one takes it for the whole resource.
 */
export function subsetted<R extends { resourceType: string }>(resource: R, elements: readonly string[]): R {
  const out: Record<string, unknown> = { resourceType: resource.resourceType };
  const source = resource as unknown as Record<string, unknown>;
  for (const key of ['id', ...elements]) if (source[key] !== undefined) out[key] = source[key];
  const meta = (source.meta ?? {}) as { tag?: unknown[] };
  out.meta = {
    ...meta,
    tag: [
      ...(meta.tag ?? []),
      { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED' },
    ],
  };
  return out as R;
}
