// Segment maps after the HL7 V2-to-FHIR IG (one function per segment, named as its ConceptMap is:
// PID → Patient, PV1 → Encounter, NK1 → RelatedPerson, AL1 → AllergyIntolerance, DG1 → Condition,
// OBR → DiagnosticReport, OBX → Observation, RXA (+ RXR) → Immunization). Each takes the segment and the
// references the message map decided (ids are the message map's business) and returns a FHIR R4 resource.
// docs/HL7V2.md lists the fields each one reads.
import {
  address,
  codeableConcept,
  compact,
  contactPoint,
  date,
  dateTime,
  decimal,
  entityIdentifier,
  fixedConcept,
  humanName,
  identifier,
  personDisplay,
  present,
  type Json,
} from './datatypes.ts';
import type { Repetition, Segment } from './er7.ts';
import { toBase64 } from '../../core/c2sp/base64.ts';
import { utf8 } from '../../core/bytes.ts';

const many = <T>(reps: readonly Repetition[], map: (r: Repetition) => T | undefined): T[] =>
  present(reps.map(map));

/** HL7 table 0001 (administrative sex) → FHIR administrative-gender. */
const GENDER: Readonly<Record<string, string>> = {
  M: 'male',
  F: 'female',
  O: 'other',
  A: 'other',
  N: 'other',
  U: 'unknown',
};

export function pidToPatient(pid: Segment, id: string): Json {
  const deceased = dateTime(pid.get(29));
  const deceasedFlag = pid.get(30);
  const marital = codeableConcept(pid.field(16));
  return compact({
    resourceType: 'Patient',
    id,
    identifier: many([...pid.repetitions(2), ...pid.repetitions(3), ...pid.repetitions(4)], identifier),
    name: many(pid.repetitions(5), humanName),
    telecom: many([...pid.repetitions(13), ...pid.repetitions(14)], contactPoint),
    gender: GENDER[pid.get(8).toUpperCase()],
    birthDate: date(pid.get(7)),
    // PID-29 wins over PID-30 (FHIR deceased[x] is one choice).
    deceasedDateTime: deceased,
    deceasedBoolean: deceased === undefined && /^[YN]$/.test(deceasedFlag) ? deceasedFlag === 'Y' : undefined,
    address: many(pid.repetitions(11), address),
    maritalStatus: marital,
    multipleBirthBoolean: /^[YN]$/.test(pid.get(24)) ? pid.get(24) === 'Y' : undefined,
  }) as Json;
}

/** HL7 table 0004 (patient class) → v3 ActCode encounter class. */
const ENCOUNTER_CLASS: Readonly<Record<string, [string, string]>> = {
  E: ['EMER', 'emergency'],
  I: ['IMP', 'inpatient encounter'],
  O: ['AMB', 'ambulatory'],
  P: ['PRENC', 'pre-admission'],
  R: ['IMP', 'inpatient encounter'],
  B: ['OBSENC', 'observation encounter'],
};

export function pv1ToEncounter(pv1: Segment, id: string, patient: Json, status: string): Json {
  const [code, display] = ENCOUNTER_CLASS[pv1.get(2).toUpperCase()] ?? ['AMB', 'ambulatory'];
  const start = dateTime(pv1.get(44));
  const end = dateTime(pv1.get(45));
  const location = [pv1.get(3, 1), pv1.get(3, 2), pv1.get(3, 3)].filter((p) => p !== '').join(' ');
  return compact({
    resourceType: 'Encounter',
    id,
    identifier: present([identifier(pv1.field(19))]),
    status: end !== undefined && status === 'in-progress' ? 'finished' : status,
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code, display },
    subject: patient,
    serviceType: pv1.get(10) === '' ? undefined : { text: pv1.get(10) },
    participant: many(pv1.repetitions(7), (r) => personDisplay(r, 2)).map((individual) => ({
      type: [fixedConcept('http://terminology.hl7.org/CodeSystem/v3-ParticipationType', 'ATND', 'attender')],
      individual,
    })),
    period: compact({ start, end }),
    location: location === '' ? undefined : [{ location: { display: location } }],
  }) as Json;
}

export function nk1ToRelatedPerson(nk1: Segment, id: string, patient: Json): Json {
  const relationship = codeableConcept(nk1.field(3));
  return compact({
    resourceType: 'RelatedPerson',
    id,
    patient,
    relationship: relationship === undefined ? undefined : [relationship],
    name: many(nk1.repetitions(2), humanName),
    telecom: many([...nk1.repetitions(5), ...nk1.repetitions(6)], contactPoint),
    address: many(nk1.repetitions(4), address),
    gender: GENDER[nk1.get(15).toUpperCase()],
    birthDate: date(nk1.get(16)),
  }) as Json;
}

/** HL7 table 0127 (allergen type) → AllergyIntolerance.category. */
const ALLERGY_CATEGORY: Readonly<Record<string, string>> = {
  DA: 'medication',
  FA: 'food',
  EA: 'environment',
  AA: 'environment',
  PA: 'environment',
  LA: 'environment',
};
/** HL7 table 0128 (allergy severity) → reaction.severity. */
const ALLERGY_SEVERITY: Readonly<Record<string, string>> = { SV: 'severe', MO: 'moderate', MI: 'mild' };

export function al1ToAllergyIntolerance(al1: Segment, id: string, patient: Json): Json {
  const category = ALLERGY_CATEGORY[al1.get(2).toUpperCase()];
  const manifestation = many(al1.repetitions(5), (r) => (r.get(1) === '' ? undefined : { text: r.get(1) }));
  const severity = ALLERGY_SEVERITY[al1.get(4).toUpperCase()];
  return compact({
    resourceType: 'AllergyIntolerance',
    id,
    clinicalStatus: fixedConcept(
      'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical',
      'active',
    ),
    category: category === undefined ? undefined : [category],
    code: codeableConcept(al1.field(3)),
    patient,
    onsetDateTime: dateTime(al1.get(6)),
    reaction: manifestation.length === 0 ? undefined : [compact({ manifestation, severity })],
  }) as Json;
}

export function dg1ToCondition(dg1: Segment, id: string, patient: Json, encounter?: Json): Json {
  return compact({
    resourceType: 'Condition',
    id,
    category: [
      fixedConcept(
        'http://terminology.hl7.org/CodeSystem/condition-category',
        'encounter-diagnosis',
        'Encounter Diagnosis',
      ),
    ],
    code: codeableConcept(dg1.field(3)) ?? (dg1.get(4) === '' ? undefined : { text: dg1.get(4) }),
    subject: patient,
    encounter,
    onsetDateTime: dateTime(dg1.get(5)),
    recordedDate: dateTime(dg1.get(19)),
  }) as Json;
}

/** HL7 table 0123 (result status) → DiagnosticReport.status. */
const REPORT_STATUS: Readonly<Record<string, string>> = {
  O: 'registered',
  I: 'registered',
  S: 'registered',
  A: 'partial',
  P: 'preliminary',
  C: 'corrected',
  R: 'partial',
  F: 'final',
  X: 'cancelled',
};

export function obrToDiagnosticReport(
  obr: Segment,
  id: string,
  patient: Json,
  results: readonly Json[],
  encounter?: Json,
): Json {
  return compact({
    resourceType: 'DiagnosticReport',
    id,
    identifier: present([entityIdentifier(obr.field(2)), entityIdentifier(obr.field(3))]),
    status: REPORT_STATUS[obr.get(25).toUpperCase()] ?? 'unknown',
    code: codeableConcept(obr.field(4)) ?? { text: 'unspecified' },
    subject: patient,
    encounter,
    effectiveDateTime: dateTime(obr.get(7)),
    issued: instant(obr.get(22)),
    result: results,
  }) as Json;
}

/** HL7 table 0085 (observation result status) → Observation.status. */
const OBSERVATION_STATUS: Readonly<Record<string, string>> = {
  C: 'corrected',
  D: 'entered-in-error',
  F: 'final',
  I: 'registered',
  P: 'preliminary',
  R: 'preliminary',
  S: 'preliminary',
  U: 'final',
  W: 'entered-in-error',
  X: 'cancelled',
};

/**
 * OBX → Observation. OBX-5's type is OBX-2: NM → valueQuantity (units OBX-6), ST/TX/FT → valueString (a
 * repeated OBX-5 is one line a repetition), CWE/CE/CNE → valueCodeableConcept, DT/DTM/TS →
 * valueDateTime, SN → valueQuantity (with its comparator), valueRatio, valueRange or valueString. Other
 * repeated values become one component per repetition, each with the observation's code.
 */
export function obxToObservation(obx: Segment, id: string, patient: Json, links: Json = {}): Json {
  const code = codeableConcept(obx.field(3)) ?? { text: 'unspecified' };
  // OBX-2 is required with a value, but some senders leave it out: their value is read as the text it is.
  const type = obx.get(2).toUpperCase() || 'ST';
  const repetitions = obx.repetitions(5);
  const values = TEXT_TYPES.has(type)
    ? [stringValue(obx.text(5))]
    : repetitions.map((r) => observationValue(type, r, obx.field(6)));
  const present1 = values.filter((v): v is Json => v !== undefined);
  const interpretation = many(obx.repetitions(8), codeableConcept);
  const range = obx.get(7);
  return compact({
    resourceType: 'Observation',
    id,
    ...links,
    status: OBSERVATION_STATUS[obx.get(11).toUpperCase()] ?? 'final',
    code,
    subject: patient,
    effectiveDateTime: dateTime(obx.get(14)),
    issued: instant(obx.get(19)),
    ...(present1.length === 1 ? present1[0] : {}),
    component: present1.length > 1 ? present1.map((value) => ({ code, ...value })) : undefined,
    interpretation,
    referenceRange: range === '' ? undefined : [{ text: range }],
  }) as Json;
}

const TEXT_TYPES = new Set(['ST', 'TX', 'FT']);

function observationValue(type: string, r: Repetition, units: Repetition): Json | undefined {
  switch (type) {
    case 'NM': {
      const value = decimal(r.get(1));
      return value === undefined ? stringValue(r.get(1)) : { valueQuantity: quantity(value, units) };
    }
    case 'SN':
      return structuredNumeric(r, units);
    case 'CWE':
    case 'CE':
    case 'CNE':
    case 'CF': {
      const concept = codeableConcept(r);
      return concept === undefined ? undefined : { valueCodeableConcept: concept };
    }
    case 'DT':
    case 'DTM':
    case 'TS': {
      const value = dateTime(r.get(1));
      return value === undefined ? undefined : { valueDateTime: value };
    }
    default:
      // ED, RP and the rest carry documents or pointers: not a value this mapping stores.
      return undefined;
  }
}

/** SN.1 comparators FHIR's Quantity.comparator has ('=' and none mean the number itself). */
const COMPARATORS = new Set(['<', '<=', '>', '>=']);

/**
 * SN (comparator ^ num1 ^ separator/suffix ^ num2, HL7 v2.5.1 §2.A.73): `<^10` and `>=^5` are quantities
 * with their comparator, `^1^:^2` and `^1^/^2` ratios, `^1^-^5` a range; anything else (`^2^+`, `<>^1`)
 * is kept as the text it says, never as a bare number it does not mean. A sender that puts `<10` in SN.1
 * alone is read as `<^10`.
 */
function structuredNumeric(r: Repetition, units: Repetition): Json | undefined {
  const joined = /^(<=|>=|<|>|=)\s*([^<>=].*)$/.exec(r.get(1));
  const [comparator, first] =
    joined !== null && r.get(2) === '' ? [joined[1]!, joined[2]!] : [r.get(1), r.get(2)];
  const separator = r.get(3);
  const n1 = decimal(first);
  const n2 = decimal(r.get(4));
  const text = () => stringValue([comparator, first, separator, r.get(4)].join(''));
  if (n1 === undefined) return text();
  const plain = comparator === '' || comparator === '=';
  if (separator === '' && r.get(4) === '') {
    if (plain) return { valueQuantity: quantity(n1, units) };
    if (COMPARATORS.has(comparator)) return { valueQuantity: { comparator, ...quantity(n1, units) } };
    return text();
  }
  if (!plain || n2 === undefined) return text();
  if (separator === ':' || separator === '/') {
    return { valueRatio: { numerator: { value: n1 }, denominator: { value: n2 } } };
  }
  if (separator === '-') return { valueRange: { low: quantity(n1, units), high: quantity(n2, units) } };
  return text();
}

const stringValue = (text: string): Json | undefined =>
  text.trim() === '' ? undefined : { valueString: text };

function quantity(value: number, units: Repetition): Json {
  const system = units.get(3).toUpperCase() === 'UCUM' ? 'http://unitsofmeasure.org' : undefined;
  return compact({
    value,
    unit: units.get(2) || units.get(1),
    system,
    code: system === undefined ? undefined : units.get(1),
  }) as Json;
}

/** FHIR instant (datatypes.html#instant) needs seconds and a zone: only a full DTM qualifies. */
function instant(value: string): string | undefined {
  const full = dateTime(value);
  return full !== undefined && full.length >= 25 ? full : undefined;
}

/** HL7 table 0322 (completion status) → Immunization.status; RXA-21 D (deleted) → entered-in-error. */
const IMMUNIZATION_STATUS: Readonly<Record<string, string>> = {
  CP: 'completed',
  PA: 'completed',
  RE: 'not-done',
  NA: 'not-done',
};

export function rxaToImmunization(rxa: Segment, rxr: Segment | undefined, id: string, patient: Json): Json {
  const amount = decimal(rxa.get(6));
  const deleted = rxa.get(21).toUpperCase() === 'D';
  return compact({
    resourceType: 'Immunization',
    id,
    status: deleted ? 'entered-in-error' : (IMMUNIZATION_STATUS[rxa.get(20).toUpperCase()] ?? 'completed'),
    vaccineCode: codeableConcept(rxa.field(5)) ?? { text: 'unspecified' },
    patient,
    occurrenceDateTime: dateTime(rxa.get(3)),
    // 999 means "amount unknown" (RXA-6, HL7 v2.5.1 §4A.7.1.6).
    doseQuantity: amount === undefined || amount === 999 ? undefined : quantity(amount, rxa.field(7)),
    lotNumber: rxa.get(15),
    expirationDate: date(rxa.get(16)),
    manufacturer: rxa.get(17, 2) === '' ? undefined : { display: rxa.get(17, 2) },
    isSubpotent: rxa.get(20).toUpperCase() === 'PA' ? true : undefined,
    route: rxr === undefined ? undefined : codeableConcept(rxr.field(1)),
    site: rxr === undefined ? undefined : codeableConcept(rxr.field(2)),
  }) as Json;
}

/** HL7 table 0271 (document completion status) → DocumentReference.docStatus. */
const DOC_STATUS: Readonly<Record<string, string>> = {
  AU: 'final',
  LA: 'final',
  DI: 'preliminary',
  DO: 'preliminary',
  IP: 'preliminary',
  IN: 'preliminary',
  PA: 'preliminary',
};

/**
 * TXA with its OBXs → DocumentReference (MDM^T02): TXA-2 → type, TXA-12 → masterIdentifier, TXA-4 →
 * date, TXA-17 → docStatus (table 0271); the OBXs are the content: text values (TX, FT, ST) joined line
 * by line as one text/plain attachment, an ED value (type^subtype^encoding^data) as its own attachment.
 */
export function txaToDocumentReference(
  txa: Segment,
  obxs: readonly Segment[],
  id: string,
  patient: Json,
): Json {
  const lines: string[] = [];
  const attachments: Json[] = [];
  for (const obx of obxs) {
    const type = obx.get(2).toUpperCase();
    const text = TEXT_TYPES.has(type) ? obx.text(5) : '';
    if (text !== '') lines.push(text);
    for (const r of obx.repetitions(5)) {
      if (type === 'ED' && r.get(4).toUpperCase() === 'BASE64' && /^[A-Za-z0-9+/=\s]+$/.test(r.get(5))) {
        const contentType = `${r.get(2) || 'application'}/${r.get(3) || 'octet-stream'}`.toLowerCase();
        attachments.push({ contentType, data: r.get(5).replace(/\s/g, '') });
      }
    }
  }
  if (lines.length > 0)
    attachments.unshift({ contentType: 'text/plain', data: toBase64(utf8(lines.join('\n'))) });
  const type = codeableConcept(txa.field(2));
  return compact({
    resourceType: 'DocumentReference',
    id,
    masterIdentifier: entityIdentifier(txa.field(12)),
    status: 'current',
    docStatus: DOC_STATUS[txa.get(17).toUpperCase()],
    type,
    subject: patient,
    date: instant(txa.get(4)),
    content: (attachments.length > 0 ? attachments : [{ title: 'no content in the message' }]).map(
      (attachment) => ({
        attachment,
      }),
    ),
  }) as Json;
}

/** SPM → Specimen: SPM-2 → identifier (placer and filler EIs), 4 → type, 8 → collection.bodySite, 17 → collectedDateTime. */
export function spmToSpecimen(spm: Segment, id: string, patient: Json): Json {
  const collected = dateTime(spm.get(17, 1));
  const site = codeableConcept(spm.field(8));
  return compact({
    resourceType: 'Specimen',
    id,
    identifier: present([
      spm.get(2, 1) === '' ? undefined : compact({ value: spm.get(2, 1, 1) }),
      spm.get(2, 2) === '' ? undefined : compact({ value: spm.get(2, 2, 1) }),
    ]),
    type: codeableConcept(spm.field(4)),
    subject: patient,
    collection: compact({ collectedDateTime: collected, bodySite: site }),
  }) as Json;
}
