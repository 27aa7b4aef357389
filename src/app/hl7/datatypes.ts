// HL7 v2 data types to FHIR R4 data types, after the HL7 V2-to-FHIR IG's data type maps (CX → Identifier,
// XPN → HumanName, XAD → Address, XTN → ContactPoint, CWE/CE → CodeableConcept, DTM/DT → dateTime/date).
// Each returns undefined for an empty value, so a resource never carries an empty element (FHIR forbids
// them: json.html "no empty elements").
import type { Repetition } from './er7.ts';

export type Json = { [key: string]: unknown };

/** HL7 v2 coding-system names (table 0396) to FHIR code-system URIs, for the systems we meet in practice. */
const CODE_SYSTEMS: Readonly<Record<string, string>> = {
  LN: 'http://loinc.org',
  SCT: 'http://snomed.info/sct',
  SNM: 'http://snomed.info/sct',
  SNOMED: 'http://snomed.info/sct',
  I10: 'http://hl7.org/fhir/sid/icd-10',
  I10C: 'http://hl7.org/fhir/sid/icd-10-cm',
  I9: 'http://hl7.org/fhir/sid/icd-9-cm',
  I9C: 'http://hl7.org/fhir/sid/icd-9-cm',
  CVX: 'http://hl7.org/fhir/sid/cvx',
  MVX: 'http://terminology.hl7.org/CodeSystem/MVX',
  NDC: 'http://hl7.org/fhir/sid/ndc',
  UCUM: 'http://unitsofmeasure.org',
  RXNORM: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  NCIT: 'http://ncithesaurus-stage.nci.nih.gov',
  ISO3166_1: 'urn:iso:std:iso:3166',
};

/** A coding system name as a URI: table 0396's names, HL7nnnn tables, or none when unknown. */
export function codeSystemUri(name: string): string | undefined {
  if (name === '') return undefined;
  const known = CODE_SYSTEMS[name.toUpperCase()];
  if (known !== undefined) return known;
  const table = /^HL7(\d{4})$/i.exec(name);
  if (table !== null) return `http://terminology.hl7.org/CodeSystem/v2-${table[1]}`;
  return undefined;
}

function compact(object: Json): Json | undefined {
  const out: Json = {};
  for (const [key, value] of Object.entries(object)) {
    if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) continue;
    out[key] = value;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

const present = <T>(values: readonly (T | undefined)[]): T[] => values.filter((v): v is T => v !== undefined);

function coding(code: string, display: string, system: string): Json | undefined {
  if (code === '' && display === '') return undefined;
  return compact({ system: codeSystemUri(system), code: code === '' ? undefined : code, display });
}

/** CWE / CE / CNE → CodeableConcept: the identifier triplet, the alternate triplet, original text (CWE.9). */
export function codeableConcept(r: Repetition): Json | undefined {
  const codings = present([coding(r.get(1), r.get(2), r.get(3)), coding(r.get(4), r.get(5), r.get(6))]);
  return compact({ coding: codings, text: r.get(9) || (codings.length === 0 ? r.get(2) : undefined) });
}

/** A code with a fixed system, for HL7 table values mapped to a FHIR code system. */
export function fixedConcept(system: string, code: string, display?: string): Json {
  return { coding: [compact({ system, code, display })] };
}

/** CX → Identifier (CX.1 value, CX.4 assigning authority, CX.5 identifier type). */
export function identifier(r: Repetition): Json | undefined {
  const value = r.get(1);
  if (value === '') return undefined;
  const type = r.get(5);
  return compact({
    system: authoritySystem(r.get(4, 1), r.get(4, 2), r.get(4, 3)),
    value,
    type: type === '' ? undefined : fixedConcept('http://terminology.hl7.org/CodeSystem/v2-0203', type),
    assigner: r.get(4, 1) === '' ? undefined : { display: r.get(4, 1) },
  });
}

/** EI → Identifier (EI.1 entity id, EI.2 namespace, EI.3 universal id, EI.4 its type). */
export function entityIdentifier(r: Repetition): Json | undefined {
  const value = r.get(1);
  if (value === '') return undefined;
  return compact({ system: authoritySystem(r.get(2), r.get(3), r.get(4)), value });
}

/** HD → a system URI: an ISO OID as urn:oid:, a UUID as urn:uuid:, a URI as itself; else none. */
export function authoritySystem(_namespace: string, universalId: string, type: string): string | undefined {
  if (/^ISO$/i.test(type) && /^[0-2](\.(0|[1-9][0-9]*))+$/.test(universalId)) return `urn:oid:${universalId}`;
  if (/^UUID$/i.test(type) && /^[0-9a-f-]{36}$/i.test(universalId))
    return `urn:uuid:${universalId.toLowerCase()}`;
  if (/^(URI|URL)$/i.test(type) && /^[a-z][a-z0-9+.-]*:\S+$/i.test(universalId)) return universalId;
  return undefined;
}

const NAME_USE: Readonly<Record<string, string>> = {
  L: 'official',
  D: 'usual',
  M: 'maiden',
  N: 'nickname',
  A: 'anonymous',
  S: 'anonymous',
  B: 'official',
  T: 'temp',
  U: 'old',
};

/** XPN → HumanName (XPN.1 family, .2 given, .3 further given, .4 suffix, .5 prefix, .6 degree, .7 type). */
export function humanName(r: Repetition): Json | undefined {
  const given = present([r.get(2) || undefined, r.get(3) || undefined]);
  const suffix = present([r.get(4) || undefined, r.get(6) || undefined]);
  return compact({
    use: NAME_USE[r.get(7)],
    family: r.get(1, 1),
    given,
    prefix: r.get(5) === '' ? undefined : [r.get(5)],
    suffix,
  });
}

const ADDRESS_USE: Readonly<Record<string, { use?: string; type?: string }>> = {
  H: { use: 'home' },
  B: { use: 'work' },
  O: { use: 'work' },
  C: { use: 'temp' },
  M: { type: 'postal' },
  SH: { type: 'physical' },
  BA: { use: 'billing' },
  BI: { use: 'billing' },
  BDL: { use: 'old' },
};

/** XAD → Address (XAD.1 street, .2 other designation, .3 city, .4 state, .5 zip, .6 country, .7 type). */
export function address(r: Repetition): Json | undefined {
  const line = present([r.get(1, 1) || undefined, r.get(2) || undefined]);
  const kind = ADDRESS_USE[r.get(7)] ?? {};
  return compact({
    ...kind,
    line,
    city: r.get(3).trim(),
    state: r.get(4),
    postalCode: r.get(5),
    country: r.get(6),
  });
}

const TELECOM_USE: Readonly<Record<string, string>> = {
  PRN: 'home',
  ORN: 'home',
  VHN: 'home',
  WPN: 'work',
  PRS: 'mobile',
  EMR: 'temp',
};
const TELECOM_SYSTEM: Readonly<Record<string, string>> = {
  PH: 'phone',
  CP: 'phone',
  FX: 'fax',
  BP: 'pager',
  Internet: 'email',
  X400: 'email',
  TDD: 'other',
  TTY: 'other',
  MD: 'other',
};

/** XTN → ContactPoint: the email (XTN.4), else the number (XTN.12 unformatted, or .5-.8, or .1). */
export function contactPoint(r: Repetition): Json | undefined {
  const equipment = r.get(3);
  const email = r.get(4);
  const parts = [
    r.get(5) && `+${r.get(5)}`,
    r.get(6) && `(${r.get(6)})`,
    r.get(7),
    r.get(8) && `x${r.get(8)}`,
  ];
  const number = r.get(12) || parts.filter((p) => p !== '').join(' ') || r.get(1);
  const value = equipment === 'Internet' || equipment === 'X400' ? email || number : number || email;
  if (value === '') return undefined;
  return compact({
    system: TELECOM_SYSTEM[equipment] ?? (email !== '' && value === email ? 'email' : 'phone'),
    value,
    use: equipment === 'CP' ? 'mobile' : TELECOM_USE[r.get(2)],
  });
}

/**
 * DTM (YYYY[MM[DD[HH[MM[SS[.S…]]]]]][+/-ZZZZ]) → FHIR dateTime. FHIR requires a zone once there is a time
 * (datatypes.html#dateTime), so a time without one keeps only its date; seconds default to 00.
 */
export function dateTime(value: string): string | undefined {
  const m = /^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\.\d{1,4})?([+-]\d{4})?$/.exec(value.trim());
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  if (mo !== undefined && !(Number(mo) >= 1 && Number(mo) <= 12)) return undefined;
  if (d !== undefined && !(Number(d) >= 1 && Number(d) <= daysIn(Number(y), Number(mo)))) return undefined;
  const date = [y, mo, d].filter((p) => p !== undefined).join('-');
  if (h === undefined || mi === undefined || zone === undefined || d === undefined) return date;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s ?? '0') > 59) return date;
  // A zone FHIR cannot carry (+2500, -1460) would make the record invalid: the date alone is kept.
  if (Number(zone.slice(1, 3)) > 14 || Number(zone.slice(3)) > 59) return date;
  const offset = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  return `${date}T${h}:${mi}:${s ?? '00'}${s === undefined ? '' : (frac ?? '')}${offset}`;
}

/** Days in a month of the Gregorian calendar: 20260230 is no date, and FHIR's pattern alone allows it. */
function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** DT or the date part of a DTM → FHIR date. */
export function date(value: string): string | undefined {
  const full = dateTime(value);
  return full?.slice(0, 10);
}

/** XCN / XPN-like person fields → a Reference with a display only (directory resources are not written). */
export function personDisplay(r: Repetition, nameStart: number): Json | undefined {
  const display = [r.get(nameStart + 1), r.get(nameStart + 2), r.get(nameStart, 1)]
    .filter((p) => p !== '')
    .join(' ');
  return display === '' ? undefined : { display };
}

/**
 * An HL7 NM (an optional sign, digits, an optional point: `+5`, `007`, `.5`, `5.`) as a number FHIR's
 * decimal accepts (json.html#decimal), or undefined. At most 15 digits before the point and 8 after, so
 * the number is exactly what was sent.
 */
export function decimal(value: string): number | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(value.trim());
  if (m === null) return undefined;
  const [, sign, whole = '', fraction = ''] = m;
  if (whole === '' && fraction === '') return undefined;
  const integer = whole.replace(/^0+(?=\d)/, '') || '0';
  if (integer.length > 15 || fraction.length > 8) return undefined;
  const n = Number(`${sign === '-' ? '-' : ''}${integer}${fraction === '' ? '' : `.${fraction}`}`);
  return n === 0 ? 0 : n;
}

export { compact, present };
