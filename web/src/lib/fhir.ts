// FHIR R4 calls at this node's /fhir/R4 (what a record shows is in lib/clinical). Searches page through
// results (Bundle.link next) up to a bound.
import type { FhirBundle, FhirResource } from '../../../src/contract/fhir.ts';
import { request } from './http.ts';

export const FHIR_BASE = '/fhir/R4';
export const PURPOSE_HEADER = 'x-purpose-of-use';
/** Pages followed per search: a patient's timeline shows their latest records, not an archive. */
const SEARCH_PAGES_MAX = 5;

/** The types shown on a patient's timeline, and offered to clinicians. */
export const TIMELINE_TYPES = [
  'Patient',
  'Encounter',
  'Condition',
  'Observation',
  'MedicationRequest',
  'AllergyIntolerance',
  'Immunization',
  'Procedure',
  'DiagnosticReport',
  'DocumentReference',
  'CarePlan',
] as const;

export async function search(
  type: string,
  params: Record<string, string>,
  token: string,
  purpose?: string,
): Promise<FhirResource[]> {
  const headers = purpose === undefined ? undefined : { [PURPOSE_HEADER]: purpose };
  let url: string | undefined = `${FHIR_BASE}/${type}?${new URLSearchParams({ _count: '100', ...params })}`;
  const out: FhirResource[] = [];
  for (let page = 0; url !== undefined && page < SEARCH_PAGES_MAX; page++) {
    const bundle = await request<FhirBundle>(url, { token, fhir: true, ...(headers ? { headers } : {}) });
    for (const e of bundle.entry ?? []) if (e.resource) out.push(e.resource);
    url = sameOriginPath(bundle.link?.find((l) => l.relation === 'next')?.url);
  }
  return out;
}

/** A next-page link as a path on this node; links elsewhere are not followed (the token is for here). */
function sameOriginPath(link: string | undefined): string | undefined {
  if (link === undefined) return undefined;
  const url = new URL(link, location.origin);
  return url.origin === location.origin ? url.pathname + url.search : undefined;
}

export function create(resource: FhirResource, token: string): Promise<FhirResource> {
  return request<FhirResource>(`${FHIR_BASE}/${resource.resourceType}`, {
    body: resource,
    token,
    fhir: true,
  });
}
