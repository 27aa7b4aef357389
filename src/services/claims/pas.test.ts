import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PaRequestEntry } from '../../app/claims/index.ts';
import { FhirError } from '../fhir/operation-outcome.ts';
import { pasBundles, type Json } from '../fhir/fhir-testdata.ts';
import { memberIdOf, namedPayers, parsePasRequest, pasResponse, pseudonymOf } from './pas.ts';

const request = () =>
  structuredClone(pasBundles().find((b) => b.file === 'conformant_pas_bundle_v110.json')!.json);

const entry: PaRequestEntry = {
  requestId: 'ab'.repeat(32),
  providerOrgId: 'hospital',
  payerOrgId: 'insurer',
  patientPseudonym: 'cd'.repeat(32),
  commitment: 'ef'.repeat(32),
  priority: 'urgent',
  submittedAtMs: Date.UTC(2026, 11, 7),
  submittedAtHeight: 5,
  pendedAtMs: [],
  decision: null,
};

test('the PAS example resolves every reference, is urgent (levelOfServiceCode U) and names no member', () => {
  const parsed = parsePasRequest(request());
  assert.equal(parsed.priority, 'urgent');
  assert.equal(parsed.traceNumber.value, '111099');
  assert.equal(parsed.resolve(parsed.claim.patient)?.resourceType, 'Patient');
  assert.deepEqual(namedPayers(parsed), []);
  assert.equal(pseudonymOf(parsed), undefined);
  assert.equal(memberIdOf(parsed), 'https://prior-auth.davinci.hl7.org/MIN|12345678901');
});

test('a member insurer named by the Claim or its Coverage is the payer; the Claim’s insurer first', () => {
  const bundle = request();
  const byType = (type: string, id: string) =>
    bundle.entry.find((e: Json) => e.resource.resourceType === type && e.resource.id === id).resource;
  byType('Organization', 'InsurerExample').identifier.push({
    system: 'urn:carechain:organisation',
    value: 'insurer',
  });
  assert.deepEqual(namedPayers(parsePasRequest(bundle)), ['insurer', 'insurer']);
  byType('Coverage', 'InsuranceExample').payor = [{ reference: 'Organization/UMOExample' }];
  byType('Organization', 'UMOExample').identifier.push({
    system: 'urn:carechain:organisation',
    value: 'other',
  });
  assert.deepEqual(namedPayers(parsePasRequest(bundle)), ['insurer', 'other']);
});

test('a Claim referencing what the Bundle does not carry is a 422 naming where; a non-PAS Bundle a 400', () => {
  const missing = request();
  missing.entry = missing.entry.filter((e: Json) => e.resource.resourceType !== 'Coverage');
  assert.throws(
    () => parsePasRequest(missing),
    (err: FhirError) => {
      assert.equal(err.statusCode, 422);
      assert.deepEqual(
        err.issues.map((i) => i.expression),
        [['Claim.insurance[0].coverage.reference']],
      );
      return true;
    },
  );
  const notPas: [string, (b: Json) => void][] = [
    ['type', (b) => (b.type = 'transaction')],
    ['use', (b) => (b.entry[0].resource.use = 'claim')],
    ['first entry', (b) => b.entry.reverse()],
    ['trace number', (b) => delete b.entry[0].resource.identifier],
  ];
  for (const [what, change] of notPas) {
    const b = request();
    change(b);
    assert.throws(
      () => parsePasRequest(b),
      (err: FhirError) => err.statusCode === 400,
      what,
    );
  }
});

test('the response is A4 and queued until decided, then the decision with its number and block time', () => {
  const parsed = parsePasRequest(request());
  const pended = pasResponse(parsed, entry, 'https://h.example/fhir/R4');
  const claimResponse = pended.entry![0]!.resource as Json;
  assert.equal(claimResponse.outcome, 'queued');
  assert.equal(claimResponse.preAuthRef, undefined);
  assert.equal(pended.timestamp, '2026-12-07T00:00:00.000Z');
  const codes = (r: Json) =>
    r.item.map((i: Json) =>
      i.adjudication[0].extension[0].extension.map(
        (e: Json) => e.valueString ?? e.valueCodeableConcept.coding[0].code,
      ),
    );
  assert.deepEqual(codes(claimResponse), [['A4']]);

  const decidedAtMs = entry.submittedAtMs + 3_600_000;
  const decided = pasResponse(
    parsed,
    { ...entry, decision: { action: 'A1', authNumber: 'AUTH-1', decidedAtMs, height: 9 } },
    'https://h.example/fhir/R4',
  );
  const answered = decided.entry![0]!.resource as Json;
  assert.equal(answered.outcome, 'complete');
  assert.equal(answered.preAuthRef, 'AUTH-1');
  assert.equal(answered.created, new Date(decidedAtMs).toISOString());
  assert.deepEqual(codes(answered), [['AUTH-1', 'A1']]);
  // A denial carries no authorisation number.
  const denied = pasResponse(
    parsed,
    { ...entry, decision: { action: 'A3', authNumber: null, decidedAtMs, height: 9 } },
    'https://h.example/fhir/R4',
  );
  assert.deepEqual(codes(denied.entry![0]!.resource as Json), [['A3']]);
  // Patient, insurer and provider travel with the answer, once each.
  assert.deepEqual(
    decided.entry!.slice(1).map((e) => `${e.resource!.resourceType}/${e.resource!.id}`),
    ['Patient/SubscriberExample', 'Organization/InsurerExample', 'Organization/UMOExample'],
  );
});
