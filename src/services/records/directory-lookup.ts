// The custodian's directory (Organization, Practitioner, Location, …) read as FHIR resources: every
// latest version of a type for a directory search, and the matches of a conditional create or reference
// in a transaction (http.html#ccreate, #trules). Synthea's bundles name the hospital, its locations and
// clinicians this way (`Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|…`) rather than by id.
import { DIRECTORY_PAGE_MAX, type DirectoryStore } from '../../node/directory/directory-store.ts';
import { FhirError, issue } from '../fhir/operation-outcome.ts';
import { matches } from '../fhir/search-match.ts';
import { DIRECTORY_RESOURCE_TYPES } from '../fhir/search-params.ts';
import { parseSearch, type SearchQuery } from '../fhir/search.ts';
import type { GatewayCaller, Resource } from './resources.ts';
import { assertWritesHere, type WritePort } from './writes.ts';

/** Directory entries of one type one directory search or conditional lookup will match. */
export const DIRECTORY_SCAN_MAX = 10_000;

/** Every directory entry of a type, latest versions; more than DIRECTORY_SCAN_MAX is too costly (400). */
export function directoryResources(directory: DirectoryStore, type: string): Resource[] {
  const entries: Resource[] = [];
  for (let offset = 0; ; offset += DIRECTORY_PAGE_MAX) {
    const page = directory.list(type, offset, DIRECTORY_PAGE_MAX);
    if (page.total > DIRECTORY_SCAN_MAX) {
      throw FhirError.of([issue('too-costly', `more than ${DIRECTORY_SCAN_MAX} entries to search`)]);
    }
    entries.push(...page.entries.map((e) => JSON.parse(e.json) as Resource));
    if (offset + DIRECTORY_PAGE_MAX >= page.total) return entries;
  }
}

/**
 * Finds, for one request, the ids of the directory resources of a type that a search matches, by the
 * same matcher as a search; undefined for a type the directory does not hold (a patient's records are
 * found under consent, never by a conditional search inside a write). A search with no criterion would
 * match everything: refused. Each type is read from the store once per request, however many searches
 * name it.
 */
export function directoryFinder(
  port: WritePort,
  caller: GatewayCaller,
): (type: string, search: string) => string[] | undefined {
  const byType = new Map<string, TypeIndex>();
  return (type, search) => {
    // Only the callers who may write here look, decided before anything is read.
    assertWritesHere(caller, port.custodianOrgId());
    if (!DIRECTORY_RESOURCE_TYPES.has(type)) return undefined;
    const query = parseSearch(type, search);
    if (query.clauses.length === 0) {
      throw FhirError.of([issue('invalid', 'a conditional search names at least one search parameter')]);
    }
    let index = byType.get(type);
    if (index === undefined) {
      index = indexType(port, type);
      byType.set(type, index);
    }
    const nowMs = port.clock.nowMs();
    // An identifier search looks its candidates up (none, usually, when a bundle first creates them).
    const key = identifierKeyOf(query);
    const candidates = key === undefined ? index.entries : (index.byIdentifier.get(key) ?? []);
    return candidates.filter((resource) => matches(resource, query, { nowMs })).map((r) => String(r.id));
  };
}

/** A directory type read once for a request, with its resources by identifier (the usual search). */
interface TypeIndex {
  readonly entries: readonly Resource[];
  /** `system|value` (system '' when absent, as the token matcher reads it) to the resources carrying it. */
  readonly byIdentifier: ReadonlyMap<string, readonly Resource[]>;
}

function indexType(port: WritePort, type: string): TypeIndex {
  const entries = directoryResources(port.directory, type);
  const byIdentifier = new Map<string, Resource[]>();
  for (const resource of entries) {
    const identifiers = (resource as { identifier?: unknown }).identifier;
    for (const id of Array.isArray(identifiers) ? identifiers : []) {
      const { system, value } = (id ?? {}) as { system?: unknown; value?: unknown };
      if (typeof value !== 'string') continue;
      const key = `${typeof system === 'string' ? system : ''}|${value}`;
      byIdentifier.set(key, [...(byIdentifier.get(key) ?? []), resource]);
    }
  }
  return { entries, byIdentifier };
}

/** The one `identifier=system|value` a search is, if that is all it is (Synthea's, and most exporters'). */
function identifierKeyOf(query: SearchQuery): string | undefined {
  const [clause, ...more] = query.clauses;
  if (more.length > 0 || clause?.type !== 'token' || clause.param.name !== 'identifier' || clause.not) {
    return undefined;
  }
  const [value, ...others] = clause.values;
  if (others.length > 0 || value?.system === undefined || value.code === undefined) return undefined;
  return `${value.system}|${value.code}`;
}

/**
 * A single create's If-None-Exist header (http.html#ccreate): the one stored resource it matches, or
 * undefined when none does (the create goes ahead). Several matches are 412; a type the directory does
 * not hold, 400. The header is the search's query string; a leading `Type?` is accepted too.
 */
export function existingForCreate(
  port: WritePort,
  caller: GatewayCaller,
  type: string,
  header: string,
): Resource | undefined {
  const search = header.startsWith(`${type}?`) ? header.slice(type.length + 1) : header;
  const ids = directoryFinder(port, caller)(type, search);
  if (ids === undefined) {
    throw FhirError.of([issue('not-supported', `conditional create is not supported for ${type}`)]);
  }
  if (ids.length > 1) {
    throw FhirError.of([issue('multiple-matches', `If-None-Exist matches ${ids.length} resources`)]);
  }
  const entry = ids[0] === undefined ? undefined : port.directory.get(type, ids[0]);
  return entry === undefined ? undefined : (JSON.parse(entry.json) as Resource);
}
