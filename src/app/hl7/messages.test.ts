// The message maps on messages written for these tests (a plain admission, a lab report, an
// immunisation) and on every supported sample in ../shared/testdata/hl7v2 (read in place): resource
// types, identifiers, codes and values, compared by structure; and the messages they must refuse.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { sharedTestdata } from '../../../test/harness/files.ts';
import { mapHl7Message, MappingError, readHeader, resourceId, SUPPORTED_TYPES } from './messages.ts';
import { parseEr7 } from './er7.ts';

type Json = Record<string, unknown>;

/** A segment with the given fields set (1-based), the rest empty: long segments stay countable. */
function seg(name: string, fields: Record<number, string>): string {
  const last = Math.max(...Object.keys(fields).map(Number));
  return [name, ...Array.from({ length: last }, (_, i) => fields[i + 1] ?? '')].join('|');
}

const ADMISSION = [
  'MSH|^~\\&|PAS|GOOD HEALTH^2.16.840.1.113883.19.5^ISO|CARECHAIN|NODE|20261207091500+0000||ADT^A01^ADT_A01|ADM-0001|P|2.5.1',
  'EVN|A01|20261207091500+0000',
  'PID|1||MRN-77^^^GOOD HEALTH&2.16.840.1.113883.19.5&ISO^MR||O\\S\\Brien^Siobhan^M^^Ms||19790304|F|||12 Harbour Rd^Flat 2^Cork^^T12^IE^H||^PRN^PH^^353^21^5550101~^NET^Internet^s.obrien@example.ie',
  'NK1|1|O\\S\\Brien^Liam|SPO^Spouse^HL70063||^PRN^PH^^353^21^5550102',
  seg('PV1', {
    1: '1',
    2: 'I',
    3: 'WARD3^12^B',
    7: '0042^Murphy^Aoife^^^Dr',
    10: 'MED',
    19: 'VN-991^^^GOOD HEALTH&2.16.840.1.113883.19.5&ISO',
    44: '20261207090000+0000',
  }),
  'AL1|1|DA|70618^Penicillin^RXNORM|SV|Hives~Wheeze|20200101',
  'DG1|1||J18.9^Pneumonia, unspecified organism^I10||20261207080000+0000|A',
  'OBX|1|NM|8310-5^Body temperature^LN||38.6|Cel^degree Celsius^UCUM|36.1-37.2|H|||F|||20261207085500+0000',
].join('\r');

const LAB = [
  'MSH|^~\\&|LIS|GOOD HEALTH LAB|CARECHAIN|NODE|20261207120000+0000||ORU^R01^ORU_R01|LAB-0001|P|2.5.1',
  'PID|1||MRN-77^^^GOOD HEALTH&2.16.840.1.113883.19.5&ISO^MR||O\\S\\Brien^Siobhan||19790304|F',
  'ORC|RE|ORD-1|FIL-1',
  seg('OBR', {
    1: '1',
    2: 'ORD-1^PAS',
    3: 'FIL-1^LIS',
    4: '58410-2^CBC panel^LN',
    7: '20261207100000+0000',
    22: '20261207115900+0000',
    25: 'F',
  }),
  'OBX|1|NM|718-7^Hemoglobin^LN||13.2|g/dL^^UCUM|12.0-15.5|N|||F|||20261207100000+0000',
  'OBX|2|NM|6690-2^Leukocytes^LN||11.8|10*3/uL^^UCUM|4.5-11.0|H|||F|||20261207100000+0000',
  'OBX|3|ST|8251-1^Service comment^LN||Sample slightly haemolysed \\T\\ re-run||||||P',
  'OBX|4|NM|8867-4^Heart rate^LN||72~75~71|/min^^UCUM||||F',
].join('\r');

const IMMUNISATION = [
  'MSH|^~\\&|IZ|GOOD HEALTH CLINIC|CARECHAIN|NODE|20261207140000+0000||VXU^V04^VXU_V04|IZ-0001|P|2.5.1|||ER|AL',
  'PID|1||MRN-77^^^GOOD HEALTH&2.16.840.1.113883.19.5&ISO^MR||O\\S\\Brien^Siobhan||19790304|F',
  'ORC|RE||IZ-ORD-1',
  'RXA|0|1|20261207133000+0000||141^Influenza, seasonal, injectable^CVX|0.5|mL^^UCUM||00^New immunization record^NIP001||||||LOT-123|20270601|SKB^GlaxoSmithKline^MVX|||CP|A',
  'RXR|C28161^Intramuscular^NCIT|LA^Left Arm^HL70163',
  'OBX|1|CE|64994-7^Vaccine funding program eligibility^LN|1|V01^Not VFC eligible^HL70064||||||F',
].join('\r');

const byType = (resources: readonly Json[], type: string) => resources.filter((r) => r.resourceType === type);

test('ADT^A01: Patient, Encounter, RelatedPerson, AllergyIntolerance, Condition and Observation', () => {
  const { header, patientId, resources } = mapHl7Message(ADMISSION);
  assert.equal(header.type, 'ADT^A01');
  assert.equal(header.controlId, 'ADM-0001');
  const [patient] = resources as Json[];
  assert.equal(patient!.resourceType, 'Patient');
  assert.equal(patient!.id, patientId);
  assert.deepEqual(patient!.identifier, [
    {
      system: 'urn:oid:2.16.840.1.113883.19.5',
      value: 'MRN-77',
      type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] },
      assigner: { display: 'GOOD HEALTH' },
    },
  ]);
  // \S\ is the component separator escaped: the name is O^Brien, not O and Brien.
  assert.deepEqual(patient!.name, [{ family: 'O^Brien', given: ['Siobhan', 'M'], prefix: ['Ms'] }]);
  assert.equal(patient!.birthDate, '1979-03-04');
  assert.equal(patient!.gender, 'female');
  assert.deepEqual(patient!.address, [
    { use: 'home', line: ['12 Harbour Rd', 'Flat 2'], city: 'Cork', postalCode: 'T12', country: 'IE' },
  ]);
  assert.deepEqual(patient!.telecom, [
    { system: 'phone', value: '+353 (21) 5550101', use: 'home' },
    { system: 'email', value: 's.obrien@example.ie' },
  ]);

  const [encounter] = byType(resources, 'Encounter');
  assert.equal(encounter!.status, 'in-progress');
  assert.deepEqual(encounter!.class, {
    system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
    code: 'IMP',
    display: 'inpatient encounter',
  });
  assert.deepEqual(encounter!.subject, { reference: `Patient/${patientId}` });
  assert.deepEqual(encounter!.period, { start: '2026-12-07T09:00:00+00:00' });
  assert.deepEqual((encounter!.identifier as Json[])[0]!.value, 'VN-991');

  const [allergy] = byType(resources, 'AllergyIntolerance');
  assert.deepEqual(allergy!.category, ['medication']);
  assert.deepEqual((allergy!.code as Json).coding, [
    { system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '70618', display: 'Penicillin' },
  ]);
  assert.deepEqual(allergy!.reaction, [
    { manifestation: [{ text: 'Hives' }, { text: 'Wheeze' }], severity: 'severe' },
  ]);

  const [condition] = byType(resources, 'Condition');
  assert.equal(((condition!.code as Json).coding as Json[])[0]!.system, 'http://hl7.org/fhir/sid/icd-10');
  assert.deepEqual(condition!.encounter, { reference: `Encounter/${String(encounter!.id)}` });

  const [temperature] = byType(resources, 'Observation');
  assert.deepEqual(temperature!.valueQuantity, {
    value: 38.6,
    unit: 'degree Celsius',
    system: 'http://unitsofmeasure.org',
    code: 'Cel',
  });
  assert.equal(temperature!.effectiveDateTime, '2026-12-07T08:55:00+00:00');
  assert.equal(byType(resources, 'RelatedPerson').length, 1);
});

test('ORU^R01: a DiagnosticReport whose results are the Observations, repeats as components', () => {
  const { resources, patientId } = mapHl7Message(LAB);
  const [report] = byType(resources, 'DiagnosticReport');
  const observations = byType(resources, 'Observation');
  assert.equal(observations.length, 4);
  assert.equal(report!.status, 'final');
  assert.deepEqual(
    report!.result,
    observations.map((o) => ({ reference: `Observation/${String(o.id)}` })),
  );
  assert.deepEqual(report!.identifier, [{ value: 'ORD-1' }, { value: 'FIL-1' }]);
  assert.equal(report!.issued, '2026-12-07T11:59:00+00:00');
  assert.deepEqual(observations[1]!.interpretation, [{ coding: [{ code: 'H' }] }]);
  assert.equal(observations[2]!.valueString, 'Sample slightly haemolysed & re-run');
  assert.equal(observations[2]!.status, 'preliminary');
  const components = observations[3]!.component as Json[];
  assert.deepEqual(
    components.map((c) => (c.valueQuantity as Json).value),
    [72, 75, 71],
  );
  assert.equal(observations[3]!.valueQuantity, undefined);
  // The same patient as the admission: one Patient id for one PID-3 at one facility.
  assert.equal(patientId, mapHl7Message(LAB.replace('LAB-0001', 'LAB-0002')).patientId);
});

test('VXU^V04: an Immunization with route, site, lot and manufacturer; its OBX is part of it', () => {
  const { resources, header } = mapHl7Message(IMMUNISATION);
  assert.equal(header.applicationAckType, 'AL');
  const [immunization] = byType(resources, 'Immunization');
  assert.equal(immunization!.status, 'completed');
  assert.equal(immunization!.occurrenceDateTime, '2026-12-07T13:30:00+00:00');
  assert.deepEqual((immunization!.vaccineCode as Json).coding, [
    { system: 'http://hl7.org/fhir/sid/cvx', code: '141', display: 'Influenza, seasonal, injectable' },
  ]);
  assert.equal(immunization!.lotNumber, 'LOT-123');
  assert.equal(immunization!.expirationDate, '2027-06-01');
  assert.deepEqual(immunization!.doseQuantity, {
    value: 0.5,
    unit: 'mL',
    system: 'http://unitsofmeasure.org',
    code: 'mL',
  });
  assert.deepEqual(immunization!.manufacturer, { display: 'GlaxoSmithKline' });
  assert.equal(((immunization!.route as Json).coding as Json[])[0]!.code, 'C28161');
  const [funding] = byType(resources, 'Observation');
  assert.deepEqual(funding!.partOf, [{ reference: `Immunization/${String(immunization!.id)}` }]);
});

test('ORU^R01 with SPM: each group has its Specimen, referred to by its DiagnosticReport', () => {
  const text = readFileSync(sharedTestdata('hl7v2', 'LAB-ORU-1.hl7'), 'utf8');
  const { resources } = mapHl7Message(text);
  const reports = byType(resources, 'DiagnosticReport');
  const specimens = byType(resources, 'Specimen');
  assert.equal(reports.length, 2);
  assert.equal(specimens.length, 2);
  reports.forEach((report, i) => {
    assert.deepEqual(report.specimen, [{ reference: `Specimen/${String(specimens[i]!.id)}` }]);
    assert.equal((report.result as unknown[]).length, 5);
  });
  assert.deepEqual(specimens[0]!.identifier, [{ value: 'SpecimenID' }]);
  assert.deepEqual(specimens[0]!.type, { coding: [{ code: 'BLD' }] });
  assert.equal((specimens[0]!.collection as Json).collectedDateTime, '2014-10-06T05:35:00+07:00');
});

test('MDM^T02: a DocumentReference whose text is the OBX lines, status from TXA-17', () => {
  const text = readFileSync(sharedTestdata('hl7v2', 'MDM-T02-03.hl7'), 'utf8');
  const { resources, patientId } = mapHl7Message(text);
  assert.deepEqual(
    resources.map((r) => r.resourceType),
    ['Patient', 'DocumentReference'],
  );
  const document = resources[1]!;
  assert.deepEqual(document.masterIdentifier, { value: '2RWRVAJ627408' });
  assert.equal(document.docStatus, 'preliminary');
  assert.deepEqual(document.subject, { reference: `Patient/${patientId}` });
  const [content] = document.content as { attachment: { contentType: string; data: string } }[];
  assert.equal(content!.attachment.contentType, 'text/plain');
  const lines = Buffer.from(content!.attachment.data, 'base64').toString('utf8').split('\n');
  assert.equal(lines.length, 29);
  assert.equal(lines[7], 'Stopsign');
  assert.throws(
    () => mapHl7Message(text.replace(/TXA\|[^\r\n]*[\r\n]+/, '')),
    (err: unknown) => err instanceof MappingError && err.ack === 'AE' && err.code === '101',
  );
});

const ORDER = [
  'MSH|^~\\&|CPOE|GOOD HEALTH LAB|CARECHAIN|NODE|20261207080000+0000||ORM^O01^ORM_O01|ORD-0001|P|2.5.1',
  'PID|1||MRN-77^^^GOOD HEALTH&2.16.840.1.113883.19.5&ISO^MR||O\\S\\Brien^Siobhan||19790304|F',
  seg('PV1', { 1: '1', 2: 'O', 19: 'VN-992' }),
  seg('ORC', {
    1: 'NW',
    2: 'ORD-1^PAS',
    4: 'GRP-1',
    5: 'SC',
    9: '20261207075500+0000',
    12: '0042^Murphy^Aoife',
  }),
  seg('OBR', { 1: '1', 2: 'ORD-1^PAS', 4: '58410-2^CBC panel^LN', 31: 'R50.9^Fever^I10' }),
  'OBX|1|NM|8310-5^Body temperature^LN||38.6|Cel^^UCUM|||||F',
  'SPM|1|SP-1||BLD^Whole blood^HL70487',
].join('\r');

test('ORM^O01: the ORC/OBR pair is a ServiceRequest with its supporting OBX and its specimen', () => {
  const { resources, patientId, writeOnce } = mapHl7Message(ORDER);
  const [order] = byType(resources, 'ServiceRequest');
  const [observation] = byType(resources, 'Observation');
  const [specimen] = byType(resources, 'Specimen');
  const [encounter] = byType(resources, 'Encounter');
  assert.equal(order!.status, 'active');
  assert.equal(order!.intent, 'order');
  assert.deepEqual(order!.subject, { reference: `Patient/${patientId}` });
  assert.deepEqual(order!.identifier, [
    {
      value: 'ORD-1',
      type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'PLAC' }] },
    },
  ]);
  assert.deepEqual(order!.requisition, { value: 'GRP-1' });
  assert.equal(((order!.code as Json).coding as Json[])[0]!.code, '58410-2');
  assert.equal(order!.authoredOn, '2026-12-07T07:55:00+00:00');
  assert.deepEqual(order!.requester, { display: 'Aoife Murphy' });
  assert.equal(((order!.reasonCode as Json[])[0]!.coding as Json[])[0]!.code, 'R50.9');
  assert.deepEqual(order!.supportingInfo, [{ reference: `Observation/${String(observation!.id)}` }]);
  assert.deepEqual(order!.specimen, [{ reference: `Specimen/${String(specimen!.id)}` }]);
  assert.deepEqual(order!.encounter, { reference: `Encounter/${String(encounter!.id)}` });
  // The order's visit and patient belong to the ADT: an order writes them only if they are not held.
  assert.ok(writeOnce.has(`Encounter/${String(encounter!.id)}`));
  assert.ok(writeOnce.has(`Patient/${patientId}`));
  assert.equal(mapHl7Message(ADMISSION).writeOnce.size, 0);
  // ORC-5 CA (cancelled) revokes it; without ORC-5, ORC-1 CA does too.
  const cancelled = mapHl7Message(ORDER.replace('|GRP-1|SC|', '|GRP-1|CA|'));
  assert.equal(byType(cancelled.resources, 'ServiceRequest')[0]!.status, 'revoked');
  const control = mapHl7Message(ORDER.replace('ORC|NW|', 'ORC|CA|').replace('|GRP-1|SC|', '|GRP-1||'));
  assert.equal(byType(control.resources, 'ServiceRequest')[0]!.status, 'revoked');
  // An OML^O21 maps the same way; an order message with no order in it is in error.
  const oml = mapHl7Message(ORDER.replace('ORM^O01^ORM_O01', 'OML^O21^OML_O21'));
  assert.deepEqual(byType(oml.resources, 'ServiceRequest')[0]!.code, order!.code);
  assert.throws(
    () =>
      mapHl7Message(
        ORDER.split('\r')
          .filter((l) => !/^(ORC|OBR)/.test(l))
          .join('\r'),
      ),
    (err: unknown) => err instanceof MappingError && err.ack === 'AE' && err.code === '101',
  );
});

test('ORU^R01 with an ORC: the report is basedOn the ServiceRequest the order message wrote', () => {
  const lab = mapHl7Message(LAB);
  const [order] = byType(lab.resources, 'ServiceRequest');
  const [report] = byType(lab.resources, 'DiagnosticReport');
  assert.deepEqual(report!.basedOn, [{ reference: `ServiceRequest/${String(order!.id)}` }]);
  assert.deepEqual(
    (order!.identifier as Json[]).map((i) => i.value),
    ['ORD-1', 'FIL-1'],
  );
  // ORC-1 RE (observations to follow) says nothing of the order's state.
  assert.equal(order!.status, 'unknown');
  // The result does not make a new version of the order, which is the ORM's.
  assert.ok(lab.writeOnce.has(`ServiceRequest/${String(order!.id)}`));
  // Same sender, patient, placer number and test: the same ServiceRequest as the order message's.
  const placed = mapHl7Message(ORDER);
  assert.equal(byType(placed.resources, 'ServiceRequest')[0]!.id, order!.id);
  // Without an ORC there is no order to refer to.
  const bare = mapHl7Message(LAB.replace(/ORC\|[^\r]*\r/, ''));
  assert.equal(byType(bare.resources, 'ServiceRequest').length, 0);
  assert.equal(byType(bare.resources, 'DiagnosticReport')[0]!.basedOn, undefined);
});

test('ADT^A40: the surviving Patient (PID-3) and the prior one to merge into it (MRG-1)', () => {
  const merge = [
    'MSH|^~\\&|PAS|GOOD HEALTH^2.16.840.1.113883.19.5^ISO|CARECHAIN|NODE|20261207150000+0000||ADT^A40^ADT_A39|MRG-0001|P|2.5.1',
    'EVN|A40|20261207150000+0000',
    'PID|1||MRN-77^^^GOOD HEALTH&2.16.840.1.113883.19.5&ISO^MR||O\\S\\Brien^Siobhan||19790304|F',
    'MRG|MRN-12^^^GOOD HEALTH&2.16.840.1.113883.19.5&ISO^MR',
    'PV1|1|I',
  ].join('\r');
  const mapped = mapHl7Message(merge);
  assert.deepEqual(
    mapped.resources.map((r) => r.resourceType),
    ['Patient'],
  );
  // The surviving patient is the admission's (same PID-3 at the same facility); the prior one is the
  // Patient an admission under MRN-12 would have written.
  assert.equal(mapped.patientId, mapHl7Message(ADMISSION).patientId);
  const prior = mapHl7Message(ADMISSION.replace('PID|1||MRN-77', 'PID|1||MRN-12')).patientId;
  assert.deepEqual(mapped.merge, { fromPatientId: prior });
  assert.equal(mapHl7Message(ADMISSION).merge, undefined);
  const refused: [string, string][] = [
    [merge.replace(/MRG\|[^\r]*\r/, ''), '100'],
    [merge.replace('MRG|MRN-12', 'MRG|'), '101'],
    [merge.replace('MRG|MRN-12', 'MRG|MRN-77'), '100'],
  ];
  for (const [text, code] of refused) {
    assert.throws(
      () => mapHl7Message(text),
      (err: unknown) => err instanceof MappingError && err.ack === 'AE' && err.code === code,
      code,
    );
  }
});

test('ids are deterministic, FHIR ids, and differ by facility, message and position', () => {
  const a = mapHl7Message(LAB).resources.map((r) => r.id);
  assert.deepEqual(
    mapHl7Message(LAB).resources.map((r) => r.id),
    a,
  );
  for (const id of a) assert.match(String(id), /^[A-Za-z0-9\-.]{1,64}$/);
  assert.equal(new Set(a).size, a.length);
  assert.notEqual(resourceId('A', 'Patient', 'x'), resourceId('B', 'Patient', 'x'));
});

test('Encounter ids: one visit number for two patients is two Encounters; a re-send is the same one', () => {
  const encounterIdOf = (message: string) =>
    String(byType(mapHl7Message(message).resources, 'Encounter')[0]!.id);
  // The same sender, control id and PV1-19, another patient: the visit must not overwrite the first's.
  const otherPatient = ADMISSION.replace('PID|1||MRN-77^', 'PID|1||MRN-78^');
  assert.notEqual(otherPatient, ADMISSION);
  assert.notEqual(encounterIdOf(otherPatient), encounterIdOf(ADMISSION));
  // The same patient and visit: a re-send, and a later message (another control id), keep the id.
  assert.equal(encounterIdOf(ADMISSION), encounterIdOf(ADMISSION));
  const update = ADMISSION.replace('|ADT^A01^ADT_A01|ADM-0001|', '|ADT^A08^ADT_A01|ADM-0002|');
  assert.notEqual(update, ADMISSION);
  assert.equal(encounterIdOf(update), encounterIdOf(ADMISSION));
});

test('refusals: unsupported types AR 200/201, broken headers AR, missing data AE, nothing mapped', () => {
  const cases: [string, 'AE' | 'AR', string][] = [
    [ADMISSION.replace('ADT^A01^ADT_A01', 'SIU^S12^SIU_S12'), 'AR', '200'],
    [ADMISSION.replace('ADT^A01^ADT_A01', 'ORM^O02^ORM_O02'), 'AR', '201'],
    [ADMISSION.replace('ADT^A01^ADT_A01', 'ADT^A41^ADT_A39'), 'AR', '201'],
    [ADMISSION.replace('ADT^A01^ADT_A01', 'ADT^A40^ADT_A39'), 'AE', '100'],
    [ADMISSION.replace('ADM-0001', ''), 'AR', '101'],
    [ADMISSION.replace('|2.5.1', '|3.0'), 'AR', '203'],
    [ADMISSION.replace('PID|1||MRN-77', 'PID|1||'), 'AE', '101'],
    [ADMISSION.replace(/PID\|[^\r]*\r/, ''), 'AE', '100'],
    [`${LAB}\r${LAB.split('\r')[1]}`, 'AE', '100'],
    [IMMUNISATION.replace('20261207133000+0000', 'yesterday'), 'AE', '102'],
    ['not a message', 'AR', '100'],
  ];
  for (const [text, ack, code] of cases) {
    assert.throws(
      () => mapHl7Message(text),
      (err: unknown) => err instanceof MappingError && err.ack === ack && err.code === code,
      text.slice(0, 60),
    );
  }
});

test('every supported sample in ../shared/testdata/hl7v2 maps; the others are refused AR', () => {
  const dir = sharedTestdata('hl7v2');
  let mapped = 0;
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.hl7'))) {
    const text = readFileSync(`${dir}/${name}`, 'utf8');
    const type = readHeader(parseEr7(text)).type;
    if (!(SUPPORTED_TYPES as readonly string[]).includes(type)) {
      assert.throws(
        () => mapHl7Message(text),
        (err: unknown) => err instanceof MappingError && err.ack === 'AR',
        name,
      );
      continue;
    }
    const { resources } = mapHl7Message(text);
    mapped += 1;
    assert.equal(resources[0]!.resourceType, 'Patient', name);
    const types = new Set(resources.map((r) => r.resourceType));
    if (type.startsWith('ORU')) assert.ok(types.has('Observation'), name);
    if (type.startsWith('VXU')) assert.ok(types.has('Immunization'), name);
    if (type.startsWith('MDM')) assert.ok(types.has('DocumentReference'), name);
    if (type.startsWith('ORM') || type.startsWith('OML')) assert.ok(types.has('ServiceRequest'), name);
    for (const r of resources.slice(1)) {
      const link = (r.subject ?? r.patient) as Json;
      assert.equal(
        link.reference,
        `Patient/${String(resources[0]!.id)}`,
        `${name} ${String(r.resourceType)}`,
      );
    }
  }
  assert.ok(mapped >= 10, `only ${mapped} samples of a supported type`);
});
