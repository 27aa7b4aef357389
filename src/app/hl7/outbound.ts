// FHIR back to HL7 v2, for the outbound feed (services/hl7/feed.ts): a Patient as an ADT (A04 when it is
// new, A08 when it is updated), a DiagnosticReport with its Observations as an ORU^R01. The reverse of the
// inbound maps for the fields a legacy EHR needs to file a result against its patient: PID-3, 5, 7, 8;
// OBR-2, 3, 4, 7, 22, 25; OBX-2, 3, 5, 6, 7, 8, 11, 14. Pure: the sending facility, the time and the
// control id come from the caller.
import { escape, type Delimiters } from './er7.ts';
import type { Json } from './datatypes.ts';

const D: Delimiters = { field: '|', component: '^', repetition: '~', escape: '\\', subcomponent: '&' };

export interface OutboundHeader {
  /** MSH-4: the custodian. */
  readonly sendingFacility: string;
  /** MSH-6: the feed's name. */
  readonly receivingFacility: string;
  /** MSH-7, an HL7 DTM. */
  readonly timestamp: string;
  /** MSH-10. */
  readonly controlId: string;
}

const e = (value: unknown): string => (typeof value === 'string' ? escape(value, D) : '');
const list = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const obj = (value: unknown): Json => (typeof value === 'object' && value !== null ? (value as Json) : {});

/** A FHIR dateTime or date as an HL7 DTM (2026-12-07T10:00:00+00:00 → 20261207100000+0000). */
export function dtm(value: unknown): string {
  if (typeof value !== 'string') return '';
  const m =
    /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?:T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?)?$/.exec(
      value,
    );
  if (m === null) return '';
  const [, y, mo = '', d = '', h = '', mi = '', s = '', zone = ''] = m;
  const offset = zone === 'Z' ? '+0000' : zone.replace(':', '');
  return `${y}${mo}${d}${h}${mi}${h === '' ? '' : s || '00'}${h === '' ? '' : offset}`;
}

/** A CodeableConcept's first coding as CWE (code^text^system), the system as the table 0396 name if known. */
function cwe(concept: unknown): string {
  const c = obj(concept);
  const coding = obj(list(c.coding)[0]);
  return [e(coding.code), e(coding.display ?? c.text), e(systemName(coding.system))]
    .join('^')
    .replace(/\^+$/, '');
}

const SYSTEM_NAMES: Readonly<Record<string, string>> = {
  'http://loinc.org': 'LN',
  'http://snomed.info/sct': 'SCT',
  'http://unitsofmeasure.org': 'UCUM',
  'http://hl7.org/fhir/sid/icd-10': 'I10',
};
const systemName = (system: unknown) => (typeof system === 'string' ? SYSTEM_NAMES[system] : undefined);

const GENDER: Readonly<Record<string, string>> = { male: 'M', female: 'F', other: 'O', unknown: 'U' };

function msh(header: OutboundHeader, type: string): string {
  return [
    'MSH',
    '^~\\&',
    'CARECHAIN',
    e(header.sendingFacility),
    '',
    e(header.receivingFacility),
    header.timestamp,
    '',
    type,
    e(header.controlId),
    'P',
    '2.5.1',
  ].join('|');
}

/** PID-3 (every identifier, with its assigner), 5 (names), 7, 8. */
function pid(patient: Json): string {
  const ids = list(patient.identifier)
    .filter(
      (i) =>
        typeof i.value === 'string' &&
        !(typeof i.system === 'string' && i.system.startsWith('urn:carechain:')),
    )
    .map((i) => `${e(i.value)}^^^${e(obj(i.assigner).display)}`.replace(/\^+$/, ''));
  const names = list(patient.name).map((n) =>
    [e(n.family), ...list(n.given).slice(0, 2).map(e)].join('^').replace(/\^+$/, ''),
  );
  return [
    'PID',
    '1',
    '',
    ids.join('~'),
    '',
    names.join('~'),
    '',
    dtm(patient.birthDate),
    GENDER[String(patient.gender)] ?? '',
  ]
    .join('|')
    .replace(/\|+$/, '');
}

/** A Patient as ADT^A04 (registered: its first version) or ADT^A08 (updated). */
export function patientToAdt(patient: Json, header: OutboundHeader, isNew: boolean): string {
  const event = isNew ? 'A04' : 'A08';
  return (
    [msh(header, `ADT^${event}^ADT_A01`), `EVN|${event}|${header.timestamp}`, pid(patient)].join('\r') + '\r'
  );
}

const REPORT_STATUS: Readonly<Record<string, string>> = {
  registered: 'I',
  partial: 'A',
  preliminary: 'P',
  final: 'F',
  amended: 'C',
  corrected: 'C',
  cancelled: 'X',
};
const RESULT_STATUS: Readonly<Record<string, string>> = {
  registered: 'I',
  preliminary: 'P',
  final: 'F',
  amended: 'C',
  corrected: 'C',
  cancelled: 'X',
  'entered-in-error': 'W',
};

function obx(observation: Json, n: number): string {
  const quantity = obj(observation.valueQuantity);
  const [type, value, units] =
    typeof quantity.value === 'number'
      ? [
          'NM',
          String(quantity.value),
          [e(quantity.code ?? quantity.unit), e(quantity.unit), e(systemName(quantity.system))]
            .join('^')
            .replace(/\^+$/, ''),
        ]
      : observation.valueCodeableConcept !== undefined
        ? ['CWE', cwe(observation.valueCodeableConcept), '']
        : typeof observation.valueString === 'string'
          ? ['ST', e(observation.valueString), '']
          : ['', '', ''];
  const range = e(obj(list(observation.referenceRange)[0]).text);
  const flag = e(obj(list(obj(list(observation.interpretation)[0]).coding)[0]).code);
  return [
    'OBX',
    String(n),
    type,
    cwe(observation.code),
    '',
    value,
    units,
    range,
    flag,
    '',
    '',
    RESULT_STATUS[String(observation.status)] ?? 'F',
    '',
    '',
    dtm(observation.effectiveDateTime),
  ]
    .join('|')
    .replace(/\|+$/, '');
}

/** A DiagnosticReport with its result Observations, about this Patient, as ORU^R01. */
export function reportToOru(
  patient: Json,
  report: Json,
  observations: readonly Json[],
  header: OutboundHeader,
): string {
  const ids = list(report.identifier).map((i) => e(i.value));
  const obr = [
    'OBR',
    '1',
    ids[0] ?? '',
    ids[1] ?? '',
    cwe(report.code),
    '',
    '',
    dtm(report.effectiveDateTime),
    ...Array<string>(14).fill(''),
    dtm(report.issued),
    '',
    '',
    REPORT_STATUS[String(report.status)] ?? '',
  ]
    .join('|')
    .replace(/\|+$/, '');
  return (
    [msh(header, 'ORU^R01^ORU_R01'), pid(patient), obr, ...observations.map((o, i) => obx(o, i + 1))].join(
      '\r',
    ) + '\r'
  );
}
