// The custodian's directory (Organization, Practitioner, Location, …) read as FHIR resources: every
// latest version of a type for a directory search, and the matches of a conditional create or reference
// in a transaction (http.html#ccreate, #trules). Synthea's bundles name the hospital, its locations and
// clinicians this way (`Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|…`) rather than by id.
import { DIRECTORY_PAGE_MAX, type DirectoryStore } from '../../node/directory/directory-store.ts';
import { FhirError, issue } from '../fhir/operation-outcome.ts';
import { matches } from '../fhir/search-match.ts';
import { DIRECTORY_RESOURCE_TYPES } from '../fhir/search-params.ts';
import { parseSearch } from '../fhir/search.ts';
import type { GatewayCaller, Resource } from './resources.ts';
import { assertWritesHere, type WritePort } from './writes.ts';

/** Directory entries of one type one directory search or conditional lookup will match. */
export const DIRECTORY_SCAN_MAX = 10_000;

/** Every directory entry of a type, latest versions, unless there are more than `max` (then none). */
export function directoryResources(
  directory: DirectoryStore,
  type: string,
  max: number,
): { entries: Resource[]; total: number } {
  const entries: Resource[] = [];
  for (let offset = 0; ; offset += DIRECTORY_PAGE_MAX) {
    const page = directory.list(type, offset, DIRECTORY_PAGE_MAX);
    if (page.total > max) return { entries: [], total: page.total };
    entries.push(...page.entries.map((e) => JSON.parse(e.json) as Resource));
    if (offset + DIRECTORY_PAGE_MAX >= page.total) return { entries, total: page.total };
  }
}

/**
 * The ids of the directory resources of `type` that `search` matches, by the same matcher as a search;
 * undefined for a type the directory does not hold (a patient's records are found under consent, never
 * by a conditional search inside a write). A search with no criterion would match everything: refused.
 */
export function findInDirectory(
  port: WritePort,
  caller: GatewayCaller,
  type: string,
  search: string,
): string[] | undefined {
  // Only the callers who may write here look, decided before anything is read.
  assertWritesHere(caller, port.custodianOrgId());
  if (!DIRECTORY_RESOURCE_TYPES.has(type)) return undefined;
  const query = parseSearch(type, search);
  if (query.clauses.length === 0) {
    throw FhirError.of([issue('invalid', 'a conditional search names at least one search parameter')]);
  }
  const { entries, total } = directoryResources(port.directory, type, DIRECTORY_SCAN_MAX);
  if (total > DIRECTORY_SCAN_MAX) {
    throw FhirError.of([issue('too-costly', `more than ${DIRECTORY_SCAN_MAX} entries to search`)]);
  }
  const nowMs = port.clock.nowMs();
  return entries.filter((resource) => matches(resource, query, { nowMs })).map((r) => String(r.id));
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
  const ids = findInDirectory(port, caller, type, search);
  if (ids === undefined) {
    throw FhirError.of([issue('not-supported', `conditional create is not supported for ${type}`)]);
  }
  if (ids.length > 1) {
    throw FhirError.of([issue('multiple-matches', `If-None-Exist matches ${ids.length} resources`)]);
  }
  const entry = ids[0] === undefined ? undefined : port.directory.get(type, ids[0]);
  return entry === undefined ? undefined : (JSON.parse(entry.json) as Resource);
}
