import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  capabilityStatement,
  FHIR_VERSION,
  RESOURCE_INTERACTIONS,
  SERVED_RESOURCE_TYPES,
} from './capability.ts';
import { parseSearch } from './search.ts';
import { createFhirValidator } from './validate.ts';

const statement = capabilityStatement({
  baseUrl: 'https://node-a.example/fhir/R4',
  date: '2024-05-01',
  softwareVersion: '0.1.0',
  smart: { tokenUrl: 'https://node-a.example/auth/token' },
});
const rest = statement.rest?.[0];

test('an R4 (4.0.1) server statement, JSON only, valid against the official schema but for its version', () => {
  assert.equal(statement.fhirVersion, FHIR_VERSION);
  assert.equal(FHIR_VERSION, '4.0.1');
  assert.deepEqual(statement.format, ['json']);
  assert.equal(rest?.mode, 'server');
  assert.deepEqual(
    rest?.interaction?.map((i) => i.code),
    ['transaction', 'batch'],
  );
  // The schema shipped in the package predates the 4.0.1 technical correction: its FHIRVersion enum
  // ends at 4.0.0. Everything else in the statement validates.
  const validator = createFhirValidator();
  assert.deepEqual(validator.validateResource(statement).issues, [
    {
      severity: 'error',
      code: 'code-invalid',
      diagnostics: 'code is not in the required value set',
      expression: ['CapabilityStatement.fhirVersion'],
    },
  ]);
  assert.deepEqual(validator.validateResource({ ...statement, fhirVersion: '4.0.0' }).issues, []);
});

test('security names the SMART-on-FHIR service and its token endpoint', () => {
  assert.deepEqual(rest?.security?.service?.[0]?.coding?.[0], {
    system: 'http://terminology.hl7.org/CodeSystem/restful-security-service',
    code: 'SMART-on-FHIR',
    display: 'SMART-on-FHIR',
  });
  assert.deepEqual(rest?.security?.extension?.[0]?.extension, [
    { url: 'token', valueUri: 'https://node-a.example/auth/token' },
  ]);
  assert.equal(
    capabilityStatement({ baseUrl: 'x', date: '2024', softwareVersion: '1' }).rest?.[0]?.security?.extension,
    undefined,
  );
});

test('the 73 served types (Patient compartment, HL7 v2 MessageHeader, directory), each with its interactions and the search parameters search.ts accepts', () => {
  assert.equal(SERVED_RESOURCE_TYPES.length, 73);
  assert.deepEqual(
    rest?.resource?.map((r) => r.type),
    SERVED_RESOURCE_TYPES,
  );
  const sample: Record<string, string> = { token: 'a', date: 'ge2020', reference: '1', string: 'a' };
  for (const resource of rest?.resource ?? []) {
    assert.deepEqual(
      resource.interaction?.map((i) => i.code),
      [...RESOURCE_INTERACTIONS],
    );
    const names = resource.searchParam?.map((p) => p.name) ?? [];
    assert.deepEqual(names.slice(0, 2), ['_id', '_lastUpdated']);
    // What is advertised parses, so the statement and the parser cannot disagree.
    for (const p of resource.searchParam ?? []) {
      const query = parseSearch(resource.type, `${p.name}=${sample[p.type] ?? ''}`);
      assert.equal(query.clauses.length, 1, `${resource.type}?${p.name}`);
      assert.equal(query.clauses[0]?.param.type, p.type);
    }
  }
  const params = (type: string): string[] =>
    rest?.resource?.find((r) => r.type === type)?.searchParam?.map((p) => p.name) ?? [];
  assert.deepEqual(params('Patient'), [
    '_id',
    '_lastUpdated',
    'identifier',
    'name',
    'family',
    'given',
    'birthdate',
    'gender',
    'death-date',
    'address',
    'address-city',
    'address-state',
    'address-postalcode',
  ]);
  assert.deepEqual(params('Observation'), [
    '_id',
    '_lastUpdated',
    'identifier',
    'status',
    'subject',
    'patient',
    'code',
    'date',
    'category',
  ]);
  assert.deepEqual(params('Immunization'), [
    '_id',
    '_lastUpdated',
    'identifier',
    'status',
    'patient',
    'date',
  ]);
});

test('Claim advertises Da Vinci PAS $submit and $inquire; no other type gains an operation', () => {
  const claim = rest?.resource?.find((r) => r.type === 'Claim');
  assert.deepEqual(
    claim?.operation?.map((o) => o.name),
    ['submit', 'inquire'],
  );
  const withOperations = rest?.resource?.filter((r) => r.operation !== undefined).map((r) => r.type);
  assert.deepEqual(withOperations, ['Patient', 'Claim']);
});
