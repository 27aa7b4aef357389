// Searches that name no patient: a practitioner looking up their own organisation's patients by
// demographics (US Core: name, family, given, birthdate, gender, identifier), and the directory
// (Practitioner, Organization, Location…), which holds no health data.
import { FhirError, issue } from '../fhir/operation-outcome.ts';
import { matches, sortByDate } from '../fhir/search-match.ts';
import type { SearchQuery } from '../fhir/search.ts';
import { logAccess, type Practitioner } from './access-log.ts';
import type { Resource } from './resources.ts';
import type { SearchPort, SearchResult } from './search-port.ts';
import type { PurposeOfUse } from '../../app/consent/types.ts';
import { recordHead, type RecordHead } from '../../app/records/index.ts';

/** Patient records of this custodian one demographic search will decrypt and match. */
export const PATIENT_SCAN_MAX = 10_000;

/**
 * A practitioner's Patient search at their own organisation's node. The custodian matches the Patient
 * resources it holds (it already holds them in clear to serve them); what it RELEASES is decided per
 * patient, and each released Patient is named in an access event of its own, committed before the
 * answer (each patient's log shows who looked them up). A patient whose decision is a denial is left out
 * of the page, and that denial is in their log too. `total` is given only on the last page, counting
 * what was released, so a refused patient is not revealed by the count.
 */
export async function searchPatientsHeldHere(
  port: SearchPort,
  caller: Practitioner,
  query: SearchQuery,
  offset: number,
  purpose: PurposeOfUse,
): Promise<SearchResult> {
  if (query.clauses.length === 0) {
    throw FhirError.invalid(
      'a practitioner searching Patient names at least one of _id, identifier, name, family, given, birthdate, gender',
    );
  }
  const state = port.node.ledger.state;
  const orgId = port.custodianOrgId();
  // Another organisation's staff would learn, from the events on chain, which pseudonym a name belongs to.
  if (caller.orgId !== orgId) {
    throw FhirError.forbidden(`only practitioners of ${orgId} search its patients without naming one`);
  }
  const ids = port.recordIdsOfType('Patient', PATIENT_SCAN_MAX + 1);
  if (ids.length > PATIENT_SCAN_MAX) {
    throw FhirError.of([issue('too-costly', 'too many patients to search here; name one with _id')]);
  }
  const nowMs = port.clock.nowMs();
  const hits: { head: RecordHead; resource: Resource }[] = [];
  for (const id of ids) {
    const head = recordHead(state, id);
    // A version sealed for a tx that then failed is in the vault but not on chain: not a record.
    if (head === undefined || head.custodianOrgId !== orgId || head.resourceType !== 'Patient') continue;
    if (head.erasedAtHeight !== null) continue;
    const resource = port.open(head);
    if (matches(resource, query, { nowMs })) hits.push({ head, resource });
  }
  // A count would include the patients a decision would refuse.
  if (query.summaryCount === true)
    throw FhirError.invalid('_summary=count needs a search naming the patient');
  sortByDate(hits, (h) => h.resource, query.sort);
  const page = hits.slice(offset, offset + query.count);
  const decisions = await Promise.all(
    page.map(({ head }) =>
      logAccess(port, caller, head.patientPseudonym, [{ head, version: head.latestVersion }], purpose),
    ),
  );
  const released = page.filter((_, i) => decisions[i]?.outcome === 'granted').map((h) => h.resource);
  const end = offset + page.length;
  if (end < hits.length) return { resources: released, nextCursor: String(end) };
  return { resources: released, ...(offset === 0 ? { total: released.length } : {}) };
}

/** A search of the directory: institution resources, no patient, no access event (not health data). */
export function searchDirectory(port: SearchPort, query: SearchQuery, offset: number): SearchResult {
  // More than the directory scan bound is refused there, too costly.
  const entries = port.directoryList(query.resourceType);
  const nowMs = port.clock.nowMs();
  const hits = entries.filter((resource) => matches(resource, query, { nowMs }));
  if (query.summaryCount === true) return { total: hits.length, resources: [] };
  sortByDate(hits, (r) => r, query.sort);
  const page = hits.slice(offset, offset + query.count);
  const end = offset + page.length;
  return { total: hits.length, resources: page, ...(end < hits.length ? { nextCursor: String(end) } : {}) };
}
