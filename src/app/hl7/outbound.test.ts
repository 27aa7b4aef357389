// The outbound feed's messages read back through the inbound maps: what carechain sends a legacy EHR is
// HL7 v2 that carechain itself files as the same patient, codes and values.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapHl7Message } from './messages.ts';
import { dtm, patientToAdt, reportToOru } from './outbound.ts';

type Json = Record<string, unknown>;
const header = {
  sendingFacility: 'st-mary',
  receivingFacility: 'LEGACY EHR',
  timestamp: '20261207120000+0000',
  controlId: 'CC-9-0',
};
const patient = {
  resourceType: 'Patient',
  id: 'p1',
  identifier: [
    { value: 'MRN-77', assigner: { display: 'GOOD HEALTH' } },
    { system: 'urn:carechain:patient-pseudonym', value: 'ab'.repeat(32) },
  ],
  name: [{ family: 'O^Brien', given: ['Siobhan', 'M'] }],
  birthDate: '1979-03-04',
  gender: 'female',
};
const observation = {
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '718-7', display: 'Hemoglobin' }] },
  valueQuantity: { value: 13.2, unit: 'g/dL', system: 'http://unitsofmeasure.org', code: 'g/dL' },
  referenceRange: [{ text: '12.0-15.5' }],
  interpretation: [{ coding: [{ code: 'N' }] }],
  effectiveDateTime: '2026-12-07T10:00:00+00:00',
};
const report = {
  resourceType: 'DiagnosticReport',
  status: 'final',
  identifier: [{ value: 'ORD-1' }, { value: 'FIL-1' }],
  code: { coding: [{ system: 'http://loinc.org', code: '58410-2', display: 'CBC panel' }] },
  effectiveDateTime: '2026-12-07T10:00:00+00:00',
  issued: '2026-12-07T11:59:00+00:00',
};

test('a Patient goes out as ADT^A04 (new) or A08, and reads back as the same patient', () => {
  const adt = patientToAdt(patient, header, true);
  assert.match(
    adt,
    /^MSH\|\^~\\&\|CARECHAIN\|st-mary\|\|LEGACY EHR\|20261207120000\+0000\|\|ADT\^A04\^ADT_A01\|CC-9-0\|P\|2\.5\.1\r/,
  );
  assert.match(patientToAdt(patient, header, false), /\|ADT\^A08\^ADT_A01\|/);
  // The pseudonym is carechain's own: it never leaves in a message.
  assert.doesNotMatch(adt, /abab/);
  const [back] = mapHl7Message(adt).resources as Json[];
  assert.deepEqual(back!.name, [{ family: 'O^Brien', given: ['Siobhan', 'M'] }]);
  assert.equal(back!.birthDate, '1979-03-04');
  assert.equal(back!.gender, 'female');
  assert.equal((back!.identifier as Json[])[0]!.value, 'MRN-77');
});

test('a DiagnosticReport with its Observations goes out as ORU^R01 and reads back with its values', () => {
  const oru = reportToOru(
    patient,
    report,
    [observation, { ...observation, valueQuantity: undefined, valueString: 'see note|x' }],
    header,
  );
  const { resources } = mapHl7Message(oru);
  const [backReport] = resources.filter((r) => r.resourceType === 'DiagnosticReport');
  const observations = resources.filter((r) => r.resourceType === 'Observation');
  assert.deepEqual(backReport!.code, report.code);
  assert.equal(backReport!.status, 'final');
  assert.equal(backReport!.issued, report.issued);
  assert.deepEqual(observations[0]!.valueQuantity, observation.valueQuantity);
  assert.deepEqual(observations[0]!.referenceRange, observation.referenceRange);
  assert.equal(observations[0]!.effectiveDateTime, observation.effectiveDateTime);
  assert.equal(observations[1]!.valueString, 'see note|x');
});

test('dtm: FHIR dateTime and date as HL7 DTM', () => {
  assert.equal(dtm('2026-12-07T10:00:00+00:00'), '20261207100000+0000');
  assert.equal(dtm('2026-12-07T10:00:00Z'), '20261207100000+0000');
  assert.equal(dtm('1979-03-04'), '19790304');
  assert.equal(dtm('not a date'), '');
});
