// Plain-language words for the codes the ledger uses, so a patient reads "treating you", not "TREAT".
// The codes stay the source of truth (HL7 v3 PurposeOfUse, FHIR resource types, PractitionerRole).
import type {
  ConsentPeriod,
  ConsentRequestRecord,
  ConsentTerms,
  Grantee,
  PurposeOfUse,
} from '../../../src/app/consent/types.ts';

export const PURPOSE_WORDS: Record<PurposeOfUse, string> = {
  TREAT: 'treating you',
  ETREAT: 'treating you in an emergency',
  HPAYMT: 'billing and payment',
  HOPERAT: 'running their service (operations)',
  HRESCH: 'research',
  PUBHLTH: 'public health reporting',
};

/** The resource types a patient is most likely to decide about, in everyday words. */
export const RESOURCE_WORDS: Record<string, string> = {
  '*': 'all of your records',
  Patient: 'your personal details',
  Observation: 'test results and measurements',
  Condition: 'diagnoses and conditions',
  AllergyIntolerance: 'allergies',
  MedicationRequest: 'prescriptions',
  MedicationStatement: 'medicines you take',
  Immunization: 'vaccinations',
  Procedure: 'procedures and operations',
  DiagnosticReport: 'lab and imaging reports',
  DocumentReference: 'letters and documents',
  Encounter: 'visits and admissions',
  CarePlan: 'care plans',
  Claim: 'insurance claims',
  ExplanationOfBenefit: 'insurance decisions',
};

export const ROLE_WORDS: Record<string, string> = {
  physician: 'doctors',
  nurse: 'nurses',
  pharmacist: 'pharmacists',
  'lab-technician': 'lab technicians',
  'claims-officer': 'claims officers',
  researcher: 'researchers',
  'privacy-officer': 'privacy officers',
  admin: 'administrators',
};

export const REASON_WORDS: Record<string, string> = {
  referral: 'a referral',
  'continuing-care': 'continuing your care',
  'second-opinion': 'a second opinion',
  'care-coordination': 'coordinating your care',
  'medication-review': 'reviewing your medicines',
  'claim-processing': 'processing a claim',
  'research-study': 'a research study',
  'public-health-reporting': 'public health reporting',
};

export function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

export function resourceWords(types: readonly string[]): string {
  return listWords(types.map((t) => RESOURCE_WORDS[t] ?? t));
}

export function purposeWords(purposes: readonly string[]): string {
  return listWords(purposes.map((p) => PURPOSE_WORDS[p as PurposeOfUse] ?? p));
}

export function granteeWords(grantee: Grantee, orgName: (id: string) => string = (id) => id): string {
  switch (grantee.kind) {
    case 'organisation':
      return `everyone at ${orgName(grantee.orgId)}`;
    case 'practitioner':
      return `the practitioner with key ${grantee.key.slice(0, 12)}…`;
    case 'role':
      return `${ROLE_WORDS[grantee.role] ?? grantee.role} at ${orgName(grantee.orgId)}`;
  }
}

export function dateWords(ms: number): string {
  return new Date(ms).toLocaleDateString(undefined, { year: 'numeric', month: 'long', day: 'numeric' });
}

export function periodWords(period: ConsentPeriod): string {
  return period.endMs === null
    ? `from ${dateWords(period.startMs)}, until you revoke it`
    : `until ${dateWords(period.endMs)}`;
}

/** One sentence for a consent, e.g. "Everyone at clinic may see your test results for treating you…". */
export function consentSentence(c: ConsentTerms, orgName?: (id: string) => string): string {
  const who = granteeWords(c.grantee, orgName);
  const verb = c.actions.includes('write')
    ? c.actions.includes('read')
      ? 'see and add to'
      : 'add to'
    : 'see';
  const may = c.provision === 'deny' ? 'may never' : 'may';
  return `${who[0]!.toUpperCase()}${who.slice(1)} ${may} ${verb} ${resourceWords(c.resourceTypes)} for ${purposeWords(c.purposes)}, ${periodWords(c.period)}.`;
}

export function requestSentence(r: ConsentRequestRecord, orgName?: (id: string) => string): string {
  const who = `A ${r.requester.role.replace('-', ' ')} at ${orgName ? orgName(r.requester.orgId) : r.requester.orgId}`;
  const why = r.reasonCode === null ? '' : `, for ${REASON_WORDS[r.reasonCode] ?? r.reasonCode}`;
  return `${who} asks to see ${resourceWords(r.resourceTypes)} for ${purposeWords(r.purposes)}${why}, ${periodWords(r.period)}.`;
}
