// FHIR type search through the records gateway: which patient a search is about, which of their
// records it may scan, and the one access event that releases a practitioner's page.
import { authorize } from '../auth/caller.ts';
import { FhirError, issue } from '../fhir/operation-outcome.ts';
import { matches, sortByDate } from '../fhir/search-match.ts';
import type { PurposeOfUse } from '../../app/consent/types.ts';
import { parseSearch, subsetted, type QueryInput, type SearchQuery } from '../fhir/search.ts';
import { logAccess, release } from './access-log.ts';
import type { SearchPort, SearchResult } from './search-port.ts';
import { searchDirectory, searchPatientsHeldHere } from './patient-search.ts';
import { DIRECTORY_RESOURCE_TYPES } from '../fhir/search-params.ts';
import { cursorOffset, heldRecordOf, purposeOf, type GatewayCaller, type Resource } from './resources.ts';
import { RECORDS_PAGE_MAX, recordsOfPatient, type RecordHead } from '../../app/records/index.ts';

/** Records of one patient a search will decrypt and match (STYLE §5: bound everything). */
const SEARCH_SCAN_MAX = 5_000;

/**
 * FHIR type search over the records this custodian holds about one patient: the caller's own for a
 * patient or proxy; for a practitioner, the patient that a `patient`/`subject` parameter (or `_id` on
 * Patient) names. A practitioner's consent is decided first, from the patient and the type; only then
 * does matching decrypt every candidate and run the toolkit's matcher on it: fine at the scale of one
 * patient's records, but a real (encrypted or in-enclave) search index is future work. A practitioner's
 * page is released only after ONE access event listing every record on it commits.
 */
export async function searchRecords(
  port: SearchPort,
  caller: GatewayCaller,
  type: string,
  input: QueryInput,
  purpose: string,
): Promise<SearchResult> {
  if (caller.kind === 'node') throw FhirError.forbidden('the node does not search through the API');
  authorize(caller, type, 's');
  const checkedPurpose = purposeOf(purpose);
  const query = parseSearch(type, input);
  return shapeResult(query, await searchUnshaped(port, caller, type, query, checkedPurpose));
}

/** `_elements` applied to what a search releases. */
function shapeResult(query: SearchQuery, result: SearchResult): SearchResult {
  const { elements } = query;
  if (elements === undefined) return result;
  return { ...result, resources: result.resources.map((r) => subsetted(r, elements)) };
}

async function searchUnshaped(
  port: SearchPort,
  caller: Exclude<GatewayCaller, { kind: 'node' }>,
  type: string,
  query: SearchQuery,
  checkedPurpose: PurposeOfUse,
): Promise<SearchResult> {
  const offset = cursorOffset(query.cursor);
  const named = namedPatients(port, query);
  // The directory holds no health data; a Device with a patient is a record, searched by its patient.
  if (named.size === 0 && DIRECTORY_RESOURCE_TYPES.has(type) && !namesAPatient(query)) {
    return searchDirectory(port, query, offset);
  }
  if (caller.kind === 'practitioner' && type === 'Patient' && named.size === 0) {
    return searchPatientsHeldHere(port, caller, query, offset, checkedPurpose);
  }
  let pseudonym: string;
  if (caller.kind === 'practitioner') {
    if (named.size !== 1) {
      throw FhirError.invalid(
        type === 'Patient'
          ? 'a practitioner searching Patient must name one Patient held here with _id'
          : 'a practitioner search must name one Patient held here with patient= or subject=',
      );
    }
    pseudonym = [...named][0]!;
  } else {
    // A patient naming someone else's Patient is refused, not answered with an empty page.
    if ([...named].some((p) => p !== caller.pseudonym)) throw FhirError.forbidden();
    pseudonym = caller.pseudonym;
  }

  // Decide before you look (issue 10, finding 2): a practitioner's consent is decided from the patient
  // and the type alone, before any record is opened or counted. A denial's event then names the patient
  // and the type, never the records, so two refused searches that would have matched different records
  // leave the same committed event (but for its id).
  const hideMatches = { denialNamesTypesOnly: true, resourceTypes: [type] } as const;
  if (caller.kind === 'practitioner') {
    const decided = await logAccess(port, caller, pseudonym, [], checkedPurpose, hideMatches);
    if (decided.outcome === 'denied') throw FhirError.forbidden(`access denied (${decided.reasonCode})`);
  }

  const candidates = candidatesOf(port, pseudonym, type);
  const nowMs = port.clock.nowMs();
  const opened = new Map<string, Resource>();
  const hits = candidates.filter((head) => {
    const resource = port.open(head);
    const hit = matches(resource, query, { nowMs });
    if (hit) opened.set(head.recordId, resource);
    return hit;
  });
  const resourceOf = (head: RecordHead): Resource => opened.get(head.recordId) ?? port.open(head);
  // _summary=count releases no record: the count is what consent (decided above) allows.
  if (query.summaryCount === true) return { total: hits.length, resources: [] };
  sortByDate(hits, resourceOf, query.sort);
  const page = hits.slice(offset, offset + query.count);
  const next = offset + page.length < hits.length ? String(offset + page.length) : undefined;
  const result = (resources: Resource[]): SearchResult => ({
    total: hits.length,
    resources,
    ...(next === undefined ? {} : { nextCursor: next }),
  });
  // A patient's own page, or an empty page consent already allowed: nothing to log.
  if (caller.kind !== 'practitioner' || page.length === 0) return result(page.map(resourceOf));
  // The page is released under ONE event naming it. Should consent be revoked in between, the denial
  // still names only the type.
  const released = page.map((head) => ({ head, version: head.latestVersion }));
  await release(port, caller, pseudonym, released, checkedPurpose, hideMatches);
  return result(page.map(resourceOf));
}

/** Whether a query has a `patient` or `subject` clause. */
function namesAPatient(query: SearchQuery): boolean {
  return query.clauses.some((c) => c.param.name === 'patient' || c.param.name === 'subject');
}

/** The pseudonyms of the Patients held here that a search names (`patient`, `subject`, or Patient `_id`). */
function namedPatients(port: SearchPort, query: SearchQuery): Set<string> {
  const ids: string[] = [];
  for (const clause of query.clauses) {
    if (clause.type === 'reference' && (clause.param.name === 'patient' || clause.param.name === 'subject')) {
      for (const ref of clause.values) {
        if ('url' in ref || (ref.type !== undefined && ref.type !== 'Patient')) {
          throw FhirError.invalid(`${clause.param.name} must name a Patient held here as Patient/id`);
        }
        ids.push(ref.id);
      }
    } else if (clause.type === 'token' && clause.param.name === '_id' && query.resourceType === 'Patient') {
      if (!clause.not) ids.push(...clause.values.flatMap((t) => (t.code === undefined ? [] : [t.code])));
    }
  }
  const pseudonyms = new Set<string>();
  for (const id of ids) {
    const head = heldRecordOf(port.node.ledger.state, port.custodianOrgId(), 'Patient', id);
    if (head === undefined) {
      throw FhirError.invalid(`Patient/${id.slice(0, 64)} is not held here`);
    }
    pseudonyms.add(head.patientPseudonym);
  }
  return pseudonyms;
}

/** The patient's unerased records of this type held here, in registration order (bounded). */
function candidatesOf(port: SearchPort, pseudonym: string, type: string): RecordHead[] {
  const state = port.node.ledger.state;
  const out: RecordHead[] = [];
  for (let offset = 0; ; offset += RECORDS_PAGE_MAX) {
    const page = recordsOfPatient(state, pseudonym, { offset, limit: RECORDS_PAGE_MAX });
    if (page.total > SEARCH_SCAN_MAX) {
      throw FhirError.of([issue('too-costly', 'this patient has too many records to search here')]);
    }
    for (const head of page.items) {
      const held = head.custodianOrgId === port.custodianOrgId() && head.resourceType === type;
      if (held && head.erasedAtHeight === null) out.push(head);
    }
    if (offset + RECORDS_PAGE_MAX >= page.total) return out;
  }
}
