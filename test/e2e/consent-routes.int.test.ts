// The read-only consent views the web app uses (src/api/routes/consents.ts), over real HTTP: a patient
// lists their own consents; a practitioner learns only their own verdict per resource type, which
// follows the patient's grant and revocation; nobody else's consents leak, and bad input is a 400.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFhirValidator } from '../../src/services/fhir/validate.ts';
import { toHex } from '../../src/core/bytes.ts';
import { seedOf } from '../harness/chain.ts';
import { observationReadGrant } from '../harness/fhir-client.ts';
import { fhirKeys, fhirTestNodeForTests, patientPseudonymOfTest as pseudonym } from '../harness/fhir-node.ts';

const testNode = fhirTestNodeForTests({ chainId: 'carechain-consent-routes-test', listen: true });

async function get(path: string, who?: 'doctor' | 'nurse' | 'patient') {
  const response = await fetch(`${testNode.url}${path}`, {
    headers: who === undefined ? {} : { authorization: `Bearer ${testNode.tokens[who]}` },
  });
  return { status: response.status, body: (await response.json()) as any };
}

const allowedFor = (types: string) =>
  `/api/v1/consents/allowed?patient=${pseudonym}&resourceType=${types}&purpose=TREAT&action=read`;
const consentId = toHex(seedOf('consent routes 1'));

test('a practitioner sees only their own verdicts, following the patient’s grant and revocation', async () => {
  const before = await get(allowedFor('Observation,Condition'), 'nurse');
  assert.equal(before.status, 200, JSON.stringify(before.body));
  assert.deepEqual(
    before.body.decisions.map((d: { decision: string }) => d.decision),
    ['deny', 'deny'],
  );
  await testNode.submit(fhirKeys.patient, 'consent.grant', observationReadGrant(consentId, 'clinic'));
  const granted = await get(allowedFor('Observation,Condition'), 'nurse');
  assert.deepEqual(
    granted.body.decisions.map((d: { resourceType: string; decision: string }) => [
      d.resourceType,
      d.decision,
    ]),
    [
      ['Observation', 'permit'],
      ['Condition', 'deny'],
    ],
  );
  assert.equal(JSON.stringify(granted.body).includes(consentId), false, 'the consent itself is not shown');
  await testNode.submit(fhirKeys.patient, 'consent.revoke', { consentId });
  const revoked = await get(allowedFor('Observation'), 'nurse');
  assert.equal(revoked.body.decisions[0].decision, 'deny');
});

test('the patient lists their own consents; nobody else can', async () => {
  const mine = await get('/api/v1/patients/me/consents', 'patient');
  assert.equal(mine.status, 200);
  assert.equal(mine.body.consents.length, 1);
  assert.equal(mine.body.consents[0].consentId, consentId);
  assert.notEqual(mine.body.consents[0].revokedAtHeight, null);
  // The same consents as FHIR R4 Consent resources, valid against the official schema.
  const fhir = await get('/api/v1/patients/me/consents/fhir', 'patient');
  assert.equal(fhir.status, 200);
  assert.equal(fhir.body.resourceType, 'Bundle');
  assert.equal(fhir.body.total, 1);
  const consent = fhir.body.entry[0].resource;
  assert.equal(consent.resourceType, 'Consent');
  assert.equal(consent.id, consentId);
  assert.deepEqual(createFhirValidator().validateResource(consent).issues, []);
  assert.equal((await get('/api/v1/patients/me/consents/fhir', 'nurse')).status, 403);
  assert.equal((await get('/api/v1/patients/me/consents', 'nurse')).status, 403);
  assert.equal((await get('/api/v1/patients/me/consents')).status, 401);
  assert.equal((await get('/api/v1/patients/me/consent-requests', 'patient')).status, 200);
  assert.equal((await get(allowedFor('Observation'), 'patient')).status, 403);
});

test('bad questions are a 400 naming the problem; an unknown patient is a 404', async () => {
  for (const path of [
    '/api/v1/consents/allowed?patient=nope&resourceType=Observation',
    `/api/v1/consents/allowed?patient=${pseudonym}&resourceType=`,
    `/api/v1/consents/allowed?patient=${pseudonym}&resourceType=observation`,
    `/api/v1/consents/allowed?patient=${pseudonym}&resourceType=Observation&purpose=SPY`,
    '/api/v1/patients/me/consent-requests?_offset=-1',
  ]) {
    const answer = await get(path, path.includes('/me/') ? 'patient' : 'nurse');
    assert.equal(answer.status, 400, path);
    assert.equal(answer.body.error.code, 'request.invalid', path);
  }
  const unknown = await get(
    `/api/v1/consents/allowed?patient=${'0'.repeat(64)}&resourceType=Observation`,
    'nurse',
  );
  assert.equal(unknown.status, 404);
});
