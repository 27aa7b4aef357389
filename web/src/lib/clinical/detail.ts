// The detail view of one record: the facts a reader checks, in words and local time, in a fixed order.
// Only what the record states is shown; codes appear as "LOINC 8302-2" for whoever needs to look one up.
import type { FhirResource } from '../../../../src/contract/fhir.ts';
import { dateOf, formatWhen } from './dates.ts';
import { categoriesOf } from './group.ts';
import { codingsOf, conceptText, quantityText, valueText, whatOf, type Quantity } from './values.ts';

export interface DetailRow {
  readonly label: string;
  readonly value: string;
}

const SYSTEM_NAMES: Record<string, string> = {
  'http://loinc.org': 'LOINC',
  'http://snomed.info/sct': 'SNOMED CT',
  'http://www.nlm.nih.gov/research/umls/rxnorm': 'RxNorm',
  'http://hl7.org/fhir/sid/cvx': 'CVX',
  'http://hl7.org/fhir/sid/icd-10': 'ICD-10',
};

const CATEGORY_WORDS: Record<string, string> = {
  'vital-signs': 'Vital signs',
  laboratory: 'Laboratory',
  survey: 'Survey',
  'social-history': 'Social history',
  exam: 'Examination',
  imaging: 'Imaging',
};

function rangeText(r: FhirResource): string | undefined {
  const range = Array.isArray(r.referenceRange)
    ? (r.referenceRange[0] as { low?: Quantity; high?: Quantity; text?: string } | undefined)
    : undefined;
  if (range === undefined) return undefined;
  if (typeof range.text === 'string') return range.text;
  const low = range.low === undefined ? undefined : quantityText(range.low);
  const high = range.high === undefined ? undefined : quantityText(range.high);
  if (low !== undefined && high !== undefined) return `${low} to ${high}`;
  return low !== undefined ? `at least ${low}` : high !== undefined ? `up to ${high}` : undefined;
}

function codesText(r: FhirResource): string | undefined {
  const codes = codingsOf(r.code ?? r.vaccineCode ?? r.medicationCodeableConcept).flatMap((c) =>
    typeof c.code === 'string'
      ? [`${(typeof c.system === 'string' && SYSTEM_NAMES[c.system]) || 'code'} ${c.code}`]
      : [],
  );
  return codes.length > 0 ? codes.join(', ') : undefined;
}

function notesText(r: FhirResource): string | undefined {
  const notes = Array.isArray(r.note)
    ? (r.note as { text?: unknown }[]).flatMap((n) => (typeof n.text === 'string' ? [n.text] : []))
    : [];
  return notes.length > 0 ? notes.join(' ') : undefined;
}

export function detailRows(r: FhirResource): DetailRow[] {
  const status =
    typeof r.status === 'string'
      ? r.status
      : (conceptText(r.clinicalStatus) ?? conceptText(r.verificationStatus));
  const interpretation = Array.isArray(r.interpretation) ? conceptText(r.interpretation[0]) : undefined;
  const categories = categoriesOf(r).map((c) => CATEGORY_WORDS[c] ?? c);
  const rows: [string, string | undefined][] = [
    ['What', whatOf(r)],
    ['Value', r.resourceType === 'Patient' ? undefined : valueText(r)],
    ['When', formatWhen(dateOf(r))],
    ['Born', r.resourceType === 'Patient' ? formatWhen(r.birthDate as string | undefined) : undefined],
    ['Status', status],
    ['Category', categories.length > 0 ? categories.join(', ') : undefined],
    ['Interpretation', interpretation],
    ['Normal range', rangeText(r)],
    ['Note', notesText(r)],
    ['Codes', codesText(r)],
  ];
  return rows.flatMap(([label, value]) => (value === undefined || value === '' ? [] : [{ label, value }]));
}
