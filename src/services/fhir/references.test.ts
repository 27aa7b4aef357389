import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hl7Example, syntheaBundles } from './fhir-testdata.ts';
import { R4_SCHEMA } from './r4-schema.ts';
import { parseReference, referenceIssues, walkResource, WALK_DEPTH_MAX } from './references.ts';

test('the accepted reference forms (references.html#literal)', () => {
  assert.deepEqual(parseReference('Patient/example'), { kind: 'relative', type: 'Patient', id: 'example' });
  assert.deepEqual(parseReference('Observation/o.1-a/_history/2'), {
    kind: 'relative',
    type: 'Observation',
    id: 'o.1-a',
    version: '2',
  });
  assert.deepEqual(parseReference('#med0301'), { kind: 'contained', id: 'med0301' });
  assert.deepEqual(parseReference('#'), { kind: 'contained', id: '' });
  const urn = 'urn:uuid:e4531916-b162-4f4b-90c2-ce37e132b8d4';
  assert.deepEqual(parseReference(urn), { kind: 'bundle-internal', urn });
  assert.deepEqual(parseReference('urn:oid:1.2.840.10008'), {
    kind: 'bundle-internal',
    urn: 'urn:oid:1.2.840.10008',
  });
  const url = 'http://acme.com/ehr/fhir/Practitioner/2323-33-4';
  assert.deepEqual(parseReference(url), { kind: 'absolute', url });
});

test('malformed references say what is wrong', () => {
  const problems: Array<[string, string]> = [
    ['Patient/', 'reference has a malformed id'],
    ['patient/1', 'reference names no R4 resource type'],
    ['Patients/1', 'reference names no R4 resource type'],
    ['Patient/1/2', 'reference is not Type/id, #id, urn:uuid:<uuid> or an absolute URL'],
    ['Patient/1/_history/v 2', 'reference has a malformed version id'],
    ['Patient/' + 'x'.repeat(65), 'reference has a malformed id'],
    ['urn:uuid:not-a-uuid', 'urn reference is neither urn:uuid:<uuid> nor urn:oid:<oid>'],
    ['http://exa mple.org/Patient/1', 'malformed absolute URL'],
    ['Patient?identifier=123', 'conditional references are not supported'],
    ['#bad id', 'malformed contained id'],
    ['', 'reference is not Type/id, #id, urn:uuid:<uuid> or an absolute URL'],
  ];
  for (const [value, problem] of problems) assert.deepEqual(parseReference(value), { problem }, value);
});

test('the walk finds every Reference.reference in the Synthea bundles, each urn:uuid or contained', () => {
  let count = 0;
  const kinds = new Map<string, number>();
  for (const { json } of syntheaBundles()) {
    walkResource(json, R4_SCHEMA.definitions, {
      reference(value) {
        count++;
        const form = parseReference(value);
        const kind = 'problem' in form ? 'problem' : form.kind;
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      },
    });
    assert.deepEqual(referenceIssues(json, R4_SCHEMA.definitions), []);
  }
  // Cross-checked with a plain text count of "reference" keys in the files (1040 urn:uuid, 52 #id).
  assert.deepEqual(Object.fromEntries(kinds), { 'bundle-internal': 1040, contained: 52 });
  assert.equal(count, 1092);
});

test('nested resources are reported with their paths', () => {
  const nested: string[] = [];
  walkResource(hl7Example('medicationrequest0301.json'), R4_SCHEMA.definitions, {
    resource: (r, path) => nested.push(`${path}:${String(r.resourceType)}`),
  });
  assert.deepEqual(nested, [
    'MedicationRequest.contained[0]:Medication',
    'MedicationRequest.contained[1]:Provenance',
  ]);
});

test('uri elements named reference are not walked as references', () => {
  const seen: string[] = [];
  const resource = {
    resourceType: 'DetectedIssue',
    status: 'final',
    reference: 'relative/uri/not/a/reference',
    patient: { reference: 'Patient/1' },
  };
  walkResource(resource, R4_SCHEMA.definitions, { reference: (_v, path) => seen.push(path) });
  assert.deepEqual(seen, ['DetectedIssue.patient.reference']);
});

test('hostile nesting stops the walk with an issue instead of the stack', () => {
  let extension: Record<string, unknown> = { url: 'x', valueReference: { reference: 'bad ref' } };
  for (let i = 0; i < WALK_DEPTH_MAX + 10; i++) extension = { url: 'x', extension: [extension] };
  const issues = referenceIssues({ resourceType: 'Patient', extension: [extension] }, R4_SCHEMA.definitions);
  assert.deepEqual(
    issues.map((i) => i.code),
    ['too-long'],
  );
});
