// Records grouped by what they are to a reader: vital signs apart from lab results, medicines together,
// each group newest first, groups in the order a clinician scans a chart.
import type { FhirResource } from '../../../../src/contract/fhir.ts';
import { newestFirst } from './dates.ts';
import { codingsOf } from './values.ts';

export const KINDS = [
  { id: 'patient', label: 'Personal details' },
  { id: 'allergies', label: 'Allergies' },
  { id: 'conditions', label: 'Conditions' },
  { id: 'medications', label: 'Medications' },
  { id: 'vitals', label: 'Vital signs' },
  { id: 'labs', label: 'Lab results' },
  { id: 'observations', label: 'Other observations and notes' },
  { id: 'reports', label: 'Reports' },
  { id: 'immunizations', label: 'Vaccinations' },
  { id: 'procedures', label: 'Procedures' },
  { id: 'encounters', label: 'Visits and admissions' },
  { id: 'plans', label: 'Care plans' },
  { id: 'documents', label: 'Letters and documents' },
  { id: 'other', label: 'Other records' },
] as const;
export type KindId = (typeof KINDS)[number]['id'];

const KIND_BY_TYPE: Record<string, KindId> = {
  Patient: 'patient',
  AllergyIntolerance: 'allergies',
  Condition: 'conditions',
  MedicationRequest: 'medications',
  MedicationStatement: 'medications',
  MedicationDispense: 'medications',
  DiagnosticReport: 'reports',
  Immunization: 'immunizations',
  Procedure: 'procedures',
  Encounter: 'encounters',
  CarePlan: 'plans',
  DocumentReference: 'documents',
};

/** The observation-category codes (terminology.hl7.org/CodeSystem/observation-category) of a record. */
export function categoriesOf(r: FhirResource): string[] {
  const list = Array.isArray(r.category) ? (r.category as unknown[]) : [];
  return list.flatMap((c) =>
    codingsOf(c).flatMap((coding) => (typeof coding.code === 'string' ? [coding.code] : [])),
  );
}

export function kindOf(r: FhirResource): KindId {
  if (r.resourceType === 'Observation') {
    const categories = categoriesOf(r);
    if (categories.includes('vital-signs')) return 'vitals';
    if (categories.includes('laboratory')) return 'labs';
    return 'observations';
  }
  return KIND_BY_TYPE[r.resourceType] ?? 'other';
}

export interface RecordGroup {
  readonly id: KindId;
  readonly label: string;
  readonly records: FhirResource[];
}

/** Non-empty groups in KINDS order, each newest first. */
export function groupByKind(records: readonly FhirResource[]): RecordGroup[] {
  return KINDS.flatMap(({ id, label }) => {
    const members = records.filter((r) => kindOf(r) === id);
    return members.length === 0 ? [] : [{ id, label, records: newestFirst(members) }];
  });
}
