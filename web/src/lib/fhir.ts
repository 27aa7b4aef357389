// FHIR R4 calls at this node's /fhir/R4 and the few facts the app shows of a resource: a date and a
// title. Searches page through results (Bundle.link next) up to a bound.
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

function text(value: unknown): string | undefined {
  const v = (value ?? {}) as { text?: unknown; coding?: { display?: unknown; code?: unknown }[] };
  if (typeof v.text === 'string') return v.text;
  const coding = Array.isArray(v.coding) ? v.coding[0] : undefined;
  if (typeof coding?.display === 'string') return coding.display;
  return typeof coding?.code === 'string' ? coding.code : undefined;
}

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

export function titleOf(r: FhirResource): string {
  if (r.resourceType === 'Patient') {
    const name = Array.isArray(r.name)
      ? (r.name[0] as { given?: string[]; family?: string; text?: string })
      : undefined;
    const full = name?.text ?? [...(name?.given ?? []), name?.family ?? ''].join(' ').trim();
    return full ? `Personal details: ${full}` : 'Personal details';
  }
  const what =
    text(r.code) ??
    text(r.type) ??
    text(r.medicationCodeableConcept) ??
    text(r.vaccineCode) ??
    r.resourceType;
  const q = r.valueQuantity as { value?: unknown; unit?: unknown } | undefined;
  const value =
    q && typeof q.value === 'number'
      ? ` ${q.value} ${typeof q.unit === 'string' ? q.unit : ''}`
      : typeof r.valueString === 'string'
        ? `: ${r.valueString}`
        : '';
  return `${what}${value}`.trim();
}
