// A record's value as a clinician writes it: rounded to the precision the measurement has (a height to a
// millimetre, not the 13 decimals a device or generator may send), blood pressure as systolic/diastolic
// from the panel's components, units in human form (units.ts).
import type { Coding, ObservationComponent, Quantity } from 'fhir/r4.js';
import type { FhirResource } from '../../../../src/contract/fhir.ts';
import { humanUnit } from './units.ts';

/** FHIR R4's Quantity, re-exported for the clinical helpers that read values. */
export type { Quantity };

export const LOINC = 'http://loinc.org';
export const SYSTOLIC = '8480-6';
export const DIASTOLIC = '8462-4';
/** Blood pressure panels: the vital-signs profile's and the older systolic/diastolic one. */
export const BLOOD_PRESSURE_PANELS = ['85354-9', '55284-4'];

/** Decimals a measurement is meaningful to, by LOINC code (what a chart or a clinic writes). */
const DECIMALS_BY_CODE: Record<string, number> = {
  '8302-2': 1, // body height, cm
  '29463-7': 1, // body weight, kg
  '39156-5': 1, // body mass index
  '8310-5': 1, // body temperature
  '8867-4': 0, // heart rate
  '9279-1': 0, // respiratory rate
  '2708-6': 0, // oxygen saturation
  '59408-5': 0, // oxygen saturation by pulse oximetry
  [SYSTOLIC]: 0,
  [DIASTOLIC]: 0,
  '72514-3': 0, // pain score
};

/** Without a known code: fewer decimals as the value grows, never more than two. */
function decimalsByMagnitude(value: number): number {
  const size = Math.abs(value);
  if (size >= 100) return 0;
  if (size >= 10) return 1;
  return 2;
}

export function formatNumber(value: number, decimals: number): string {
  return new Intl.NumberFormat(undefined, { maximumFractionDigits: decimals, useGrouping: false }).format(
    value,
  );
}

/** A CodeableConcept's codings, typed as FHIR R4's; callers still check each field, since records vary. */
export function codingsOf(concept: unknown): Coding[] {
  const codings = (concept as { coding?: unknown } | undefined)?.coding;
  return Array.isArray(codings) ? (codings as Coding[]) : [];
}

/** The LOINC code of a CodeableConcept (or the first code of any system). */
export function codeOf(concept: unknown): string | undefined {
  const codings = codingsOf(concept);
  const code = (codings.find((c) => c.system === LOINC) ?? codings[0])?.code;
  return typeof code === 'string' ? code : undefined;
}

/** What a CodeableConcept says to a person: its text, else a display, else its code. */
export function conceptText(concept: unknown): string | undefined {
  const text = (concept as { text?: unknown } | undefined)?.text;
  if (typeof text === 'string' && text.trim() !== '') return text;
  const codings = codingsOf(concept);
  const display = codings.find((c) => typeof c.display === 'string')?.display;
  if (typeof display === 'string') return display;
  return typeof codings[0]?.code === 'string' ? codings[0].code : undefined;
}

/** A quantity rounded to its measurement's precision, with its unit in human form ("185.8 cm"). */
export function quantityText(quantity: Quantity, code?: string): string | undefined {
  if (typeof quantity.value !== 'number' || !Number.isFinite(quantity.value)) return undefined;
  const decimals =
    (code === undefined ? undefined : DECIMALS_BY_CODE[code]) ?? decimalsByMagnitude(quantity.value);
  const unit = humanUnit(quantity.code ?? quantity.unit);
  const number = formatNumber(quantity.value, decimals);
  return unit === ''
    ? number
    : unit.startsWith('/') || unit === '%'
      ? `${number}${unit}`
      : `${number} ${unit}`;
}

/** An Observation's components, as FHIR R4 types them (read field by field, checked as they are read). */
const componentsOf = (r: FhirResource): ObservationComponent[] =>
  Array.isArray(r.component) ? (r.component as ObservationComponent[]) : [];

/** Systolic and diastolic of a blood-pressure Observation (by their LOINC component codes). */
export function bloodPressureOf(
  r: FhirResource,
): { systolic: number; diastolic: number; unit: string } | undefined {
  const part = (code: string) => componentsOf(r).find((c) => codeOf(c.code) === code)?.valueQuantity;
  const systolic = part(SYSTOLIC);
  const diastolic = part(DIASTOLIC);
  if (typeof systolic?.value !== 'number' || typeof diastolic?.value !== 'number') return undefined;
  return {
    systolic: systolic.value,
    diastolic: diastolic.value,
    unit: humanUnit(systolic.code ?? systolic.unit ?? 'mm[Hg]'),
  };
}

/** The value of a record as one short text ("120/80 mmHg", "37.2 °C", "Never smoker"), if it has one. */
export function valueText(r: FhirResource): string | undefined {
  const bp = bloodPressureOf(r);
  if (bp !== undefined)
    return `${formatNumber(bp.systolic, 0)}/${formatNumber(bp.diastolic, 0)} ${bp.unit}`.trim();
  const code = codeOf(r.code);
  if (r.valueQuantity !== undefined) return quantityText(r.valueQuantity as Quantity, code);
  if (r.valueCodeableConcept !== undefined) return conceptText(r.valueCodeableConcept);
  if (typeof r.valueString === 'string') return r.valueString;
  if (typeof r.valueBoolean === 'boolean') return r.valueBoolean ? 'Yes' : 'No';
  if (typeof r.valueInteger === 'number') return formatNumber(r.valueInteger, 0);
  const parts = componentsOf(r).flatMap((c) => {
    const v = c.valueQuantity === undefined ? undefined : quantityText(c.valueQuantity, codeOf(c.code));
    return v === undefined ? [] : [`${conceptText(c.code) ?? ''} ${v}`.trim()];
  });
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/** What a record is about, in words: a person's name, a code's display, or the kind of record. */
export function whatOf(r: FhirResource): string {
  if (r.resourceType === 'Patient') {
    const name = Array.isArray(r.name)
      ? (r.name[0] as { given?: string[]; family?: string; text?: string })
      : undefined;
    const full = name?.text ?? [...(name?.given ?? []), name?.family ?? ''].join(' ').trim();
    return full ? `Personal details: ${full}` : 'Personal details';
  }
  return (
    conceptText(r.code) ??
    conceptText(r.type) ??
    conceptText(r.medicationCodeableConcept) ??
    conceptText(r.vaccineCode) ??
    r.resourceType
  );
}

/** One line for a record: what, and its value when it has one ("Blood pressure 120/80 mmHg"). */
export function titleOf(r: FhirResource): string {
  const value = r.resourceType === 'Patient' ? undefined : valueText(r);
  return value === undefined ? whatOf(r) : `${whatOf(r)} ${value}`;
}
