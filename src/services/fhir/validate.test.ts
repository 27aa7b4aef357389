import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { hl7Examples, syntheaBundles } from './fhir-testdata.ts';
import { SERVED_RESOURCE_TYPES } from './search-params.ts';
import { createFhirValidator, fhirPath, VALIDATION_ISSUES_MAX } from './validate.ts';

// Compiled once for the whole file (STYLE §13: timings are reported, never asserted).
const started = performance.now();
const validator = createFhirValidator();
const compileMs = Math.round(performance.now() - started);

test('the schema compiles once; its time is reported', (t) => {
  t.diagnostic(`schema compile ${compileMs} ms`);
  assert.equal(validator.resourceTypes.size, 146);
  assert.ok(validator.resourceTypes.has('Patient') && !validator.resourceTypes.has('Resource'));
});

test('the 72 HL7 R4 examples: 71 valid, one known schema finding, deterministically', () => {
  const examples = hl7Examples();
  assert.equal(examples.length, 72);
  const invalid = examples
    .map(({ file, json }) => ({ file, result: validator.validateResource(json) }))
    .filter((r) => !r.result.valid);
  // The official R4 JSON schema has no `_profile` on ElementDefinition.type, though the example uses it
  // for an extension on a canonical: a finding of the schema, recorded here so a change is noticed.
  assert.deepEqual(
    invalid.map((r) => ({ file: r.file, issues: r.result.issues })),
    [
      {
        file: 'structuredefinition-example-composition.json',
        issues: [2, 3, 4].map((i) => ({
          severity: 'error',
          code: 'structure',
          diagnostics: "unknown element '_profile'",
          expression: [`StructureDefinition.differential.element[${i}].type[0]._profile`],
        })),
      },
    ],
  );
});

test('every HL7 example of a served type validates (45 files, 43 types)', () => {
  const served = hl7Examples().filter(({ json }) => SERVED_RESOURCE_TYPES.includes(json.resourceType));
  assert.equal(served.length, 45);
  assert.equal(new Set(served.map((e) => e.json.resourceType)).size, 43);
  for (const { file, json } of served) assert.deepEqual(validator.validateResource(json).issues, [], file);
});

test('the seven Synthea transaction bundles validate, entries included', (t) => {
  const bundles = syntheaBundles();
  assert.equal(bundles.length, 7);
  const started = performance.now();
  for (const { file, json } of bundles) assert.deepEqual(validator.validateResource(json).issues, [], file);
  t.diagnostic(
    `7 bundles, ${bundles.reduce((n, b) => n + b.json.entry.length, 0)} entries: ${Math.round(performance.now() - started)} ms`,
  );
});

test('a broken Patient gets one precise issue per problem, without echoing values', () => {
  const result = validator.validateResource({
    resourceType: 'Patient',
    gender: 'unknown-gender',
    birthDate: '1974-13-01',
    favouriteColour: 'blue',
    name: [{ given: 'Peter' }],
    communication: [{}],
    generalPractitioner: [{ reference: 'Practitioner/' }, { reference: '#p1' }],
    _birthDate: { extension: [{ url: 'http://x', valueReference: { reference: 'patient/1' } }] },
  });
  assert.equal(result.valid, false);
  assert.deepEqual(
    result.issues.map((i) => [i.code, i.expression?.[0], i.diagnostics]),
    [
      ['structure', 'Patient.favouriteColour', "unknown element 'favouriteColour'"],
      ['structure', 'Patient.name[0].given', 'expected array'],
      ['code-invalid', 'Patient.gender', 'code is not in the required value set'],
      ['value', 'Patient.birthDate', 'value does not match the format of its FHIR datatype'],
      ['required', 'Patient.communication[0].language', "missing required element 'language'"],
      ['value', 'Patient.generalPractitioner[0].reference', 'reference has a malformed id'],
      [
        'value',
        'Patient._birthDate.extension[0].valueReference.reference',
        'reference names no R4 resource type',
      ],
    ],
  );
  const text = JSON.stringify(result.issues);
  for (const value of ['unknown-gender', '1974-13-01', 'blue', 'Peter'])
    assert.ok(!text.includes(value), value);
});

test('nested resources are checked by their own type; uri elements named reference are not references', () => {
  const result = validator.validateResource({
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      { resource: { resourceType: 'NotAType' } },
      { resource: { resourceType: 'DetectedIssue', status: 'final', reference: 'not-a-reference' } },
      {
        resource: {
          resourceType: 'Observation',
          status: 'final',
          code: {},
          subject: { reference: 'urn:uuid:1' },
        },
      },
      { resource: { id: 'no-type' } },
    ],
  });
  assert.deepEqual(
    result.issues.map((i) => [i.code, i.expression?.[0]]),
    [
      ['invalid', 'Bundle.entry[0].resource.resourceType'],
      ['required', 'Bundle.entry[3].resource.resourceType'],
      ['value', 'Bundle.entry[2].resource.subject.reference'],
    ],
  );
});

test('a top-level resource is checked by its own compiled definition, with the issues the dispatch gives', () => {
  // The fast path (validate.ts compiledDefinitions) covers every type; without it each check walks all
  // 146 branches of the dispatch.
  for (const type of validator.resourceTypes) assert.ok(validator.validatesByType(type), type);
  assert.equal(validator.validatesByType('Patients'), false);
  const broken = {
    resourceType: 'Observation',
    status: 'finished',
    code: { coding: [{ system: 3 }] },
    valueQuantity: { value: 'high' },
    colour: 'red',
    subject: { reference: 'Patient/' },
    contained: [{ resourceType: 'Patient', gender: 'x' }],
  };
  const alone = validator.validateResource(broken).issues;
  // The same resource inside a Bundle is checked by the dispatch (ResourceList), as before.
  const nested = validator
    .validateResource({ resourceType: 'Bundle', type: 'collection', entry: [{ resource: broken }] })
    .issues.filter((i) => i.expression?.[0]?.startsWith('Bundle.entry[0].resource.'));
  const shape = (issues: typeof alone, prefix: string) =>
    issues.map((i) => [i.code, i.diagnostics, i.expression?.[0]?.slice(prefix.length)]);
  assert.equal(alone.length, 7);
  assert.deepEqual(shape(alone, 'Observation'), shape(nested, 'Bundle.entry[0].resource'));
});

test('non-resources and unknown types are rejected before the schema', () => {
  for (const input of [null, [], 'Patient', 42]) {
    assert.deepEqual(
      validator.validateResource(input).issues.map((i) => i.code),
      ['structure'],
    );
  }
  assert.deepEqual(
    validator.validateResource({ resourceType: 'Patients' }).issues.map((i) => i.code),
    ['invalid'],
  );
  assert.deepEqual(
    validator.validateResource({}).issues.map((i) => i.code),
    ['invalid'],
  );
});

test('the issue list is bounded', () => {
  const junk = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`junk${i}`, i]));
  const result = validator.validateResource({ resourceType: 'Basic', code: {}, ...junk });
  assert.equal(result.issues.length, VALIDATION_ISSUES_MAX + 1);
  assert.equal(result.issues.at(-1)?.code, 'too-costly');
  assert.equal(result.issues.at(-1)?.severity, 'warning');
});

test('JSON Pointers become FHIRPath-like expressions', () => {
  assert.equal(fhirPath('Bundle', '/entry/0/resource/id'), 'Bundle.entry[0].resource.id');
  assert.equal(fhirPath('Patient', ''), 'Patient');
  assert.equal(fhirPath('Patient', '/a~1b/c~0d'), 'Patient.a/b.c~d');
});
