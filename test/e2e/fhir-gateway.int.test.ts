// The first end-to-end path of patient-controlled records on one custodian node (issue 4): a real
// solo CarechainNode with its vault, the FHIR routes over Fastify inject, and tokens minted in-process.
// A hospital practitioner writes a Patient and an Observation; the patient reads their own; a clinic
// practitioner is refused with the denial on chain, then reads once the patient's consent is committed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accessLog, recordsOfPatient } from '../../src/app/records/index.ts';
import { toHex } from '../../src/core/bytes.ts';
import { seedOf } from '../harness/chain.ts';
import {
  fhirKeys,
  fhirTestNodeForTests,
  injectJson,
  patientPseudonymOfTest as pseudonym,
  type FhirTestNode,
} from '../harness/fhir-node.ts';
import { chalmersPatient, heartRateObservation, observationReadGrant } from '../harness/fhir-client.ts';

const CHAIN_ID = 'carechain-fhir-test';
const { nurse, patient } = fhirKeys;

const testNode = fhirTestNodeForTests({ chainId: CHAIN_ID });

async function fhir(
  method: 'GET' | 'POST',
  path: string,
  who: keyof FhirTestNode['tokens'] | null,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const token = who === null ? null : testNode.tokens[who];
  const contentType = 'application/fhir+json';
  return injectJson(testNode.app, { method, url: `/fhir/R4/${path}`, token, body, headers, contentType });
}

const patientResource = chalmersPatient(pseudonym);
const observation = heartRateObservation;

let patientId = '';
let observationBody: Record<string, unknown> = {};

test('metadata is a CapabilityStatement', async () => {
  const { status, headers, body } = await fhir('GET', 'metadata', null);
  assert.equal(status, 200);
  assert.match(String(headers['content-type']), /^application\/fhir\+json/);
  assert.equal(body.resourceType, 'CapabilityStatement');
});

test('SMART discovery names the token endpoints, and the JWKS carries the node key that signs tokens', async () => {
  const discovery = await testNode.app.inject({
    method: 'GET',
    url: '/fhir/R4/.well-known/smart-configuration',
  });
  assert.equal(discovery.statusCode, 200);
  const config = discovery.json();
  assert.equal(config.issuer, 'https://hospital.test');
  assert.equal(config.token_endpoint, 'https://hospital.test/auth/token');
  assert.ok(config.capabilities.includes('permission-v2'));
  const keys = (await testNode.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json().keys;
  assert.equal(keys.length, 1);
  assert.equal(keys[0].kid, testNode.node.key.publicKey);
  assert.equal(keys[0].crv, 'Ed25519');
});

test('a hospital practitioner creates a Patient and an Observation', async () => {
  const created = await fhir('POST', 'Patient', 'doctor', patientResource);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.match(created.body.id, /^[0-9a-f]{64}$/);
  assert.equal(created.body.meta.versionId, '1');
  assert.match(String(created.headers.location), new RegExp(`/Patient/${created.body.id}/_history/1$`));
  patientId = created.body.id;

  const obs = await fhir('POST', 'Observation', 'doctor', observation(patientId));
  assert.equal(obs.status, 201, JSON.stringify(obs.body));
  assert.match(String(obs.headers['content-type']), /^application\/fhir\+json/);
  assert.equal(obs.body.valueQuantity.value, 72.5);
  observationBody = obs.body;
  const records = recordsOfPatient(testNode.state(), pseudonym, { offset: 0, limit: 10 });
  assert.deepEqual(
    records.items.map((r) => [r.recordId, r.resourceType, r.custodianOrgId]),
    [
      [patientId, 'Patient', 'hospital'],
      [obs.body.id, 'Observation', 'hospital'],
    ],
  );
});

test('the patient reads their own Observation, without an access event', async () => {
  const read = await fhir('GET', `Observation/${String(observationBody.id)}`, 'patient');
  assert.equal(read.status, 200, JSON.stringify(read.body));
  assert.deepEqual(read.body, observationBody);
  assert.equal(read.headers['cache-control'], 'no-store');
  assert.equal(accessLog(testNode.state(), pseudonym, { offset: 0, limit: 10 }).total, 0);
});

test('the clinic is denied without consent, and the denial is on chain first', async () => {
  const read = await fhir('GET', `Observation/${String(observationBody.id)}`, 'nurse');
  assert.equal(read.status, 403);
  assert.equal(read.body.resourceType, 'OperationOutcome');
  assert.equal(read.body.issue[0].code, 'forbidden');
  const log = accessLog(testNode.state(), pseudonym, { offset: 0, limit: 10 });
  assert.equal(log.total, 1);
  const event = log.items[0]!;
  assert.equal(event.outcome, 'denied');
  assert.equal(event.reasonCode, 'consent.none');
  assert.equal(event.requester, nurse.publicKey);
  assert.equal(event.requesterOrgId, 'clinic');
  assert.equal(event.purpose, 'TREAT');
  assert.deepEqual(event.records, [
    { recordId: observationBody.id, version: 1, resourceType: 'Observation' },
  ]);
});

test('after the patient grants the clinic read for TREAT, the clinic reads and it is logged', async () => {
  const consentId = toHex(seedOf('consent 1'));
  await testNode.submit(patient, 'consent.grant', observationReadGrant(consentId));
  const read = await fhir('GET', `Observation/${String(observationBody.id)}`, 'nurse', undefined, {
    'x-purpose-of-use': 'TREAT',
  });
  assert.equal(read.status, 200, JSON.stringify(read.body));
  assert.deepEqual(read.body, observationBody);
  const log = accessLog(testNode.state(), pseudonym, { offset: 0, limit: 10 });
  assert.equal(log.total, 2);
  const event = log.items[0]!;
  assert.equal(event.outcome, 'granted');
  assert.equal(event.reasonCode, 'consent.permit');
  assert.deepEqual(event.consentIds, [consentId]);

  // The consent covers Observation for TREAT only: another purpose is denied, and logged as such.
  const research = await fhir('GET', `Observation/${String(observationBody.id)}`, 'nurse', undefined, {
    'x-purpose-of-use': 'HRESCH',
  });
  assert.equal(research.status, 403);
  assert.equal(accessLog(testNode.state(), pseudonym, { offset: 0, limit: 1 }).items[0]!.purpose, 'HRESCH');
});

test('patient login: a token for a registered patient only, each challenge once', async () => {
  const login = await testNode.patientLogin(patient);
  assert.equal(login.status, 200);
  assert.equal(login.body.token_type, 'Bearer');
  assert.equal(login.body.patient, pseudonym);
  assert.equal(login.headers['cache-control'], 'no-store');
  const replay = await testNode.app.inject({ method: 'POST', url: '/auth/token', payload: login.payload });
  assert.equal(replay.statusCode, 400);
  assert.equal(replay.json().error.code, 'auth.challenge_replayed');
  const stranger = await testNode.patientLogin(nurse);
  assert.equal(stranger.status, 403);
  const forged = await testNode.patientLogin(patient, (s) => ({ ...s, publicKey: nurse.publicKey }));
  assert.equal(forged.status, 400);
  assert.equal(forged.body.error.code, 'auth.challenge_bad_signature');
});

test('without a token the answer is 401 with a challenge', async () => {
  const read = await fhir('GET', `Observation/${String(observationBody.id)}`, null);
  assert.equal(read.status, 401);
  assert.match(String(read.headers['www-authenticate']), /^Bearer realm=/);
  assert.equal(read.body.resourceType, 'OperationOutcome');
  const create = await fhir('POST', 'Observation', null, observation(patientId));
  assert.equal(create.status, 401);
});

test('an invalid resource is refused with an OperationOutcome and nothing is registered', async () => {
  const before = recordsOfPatient(testNode.state(), pseudonym, { offset: 0, limit: 10 }).total;
  const bad = { ...observation(patientId), status: 'not-a-status' };
  const refused = await fhir('POST', 'Observation', 'doctor', bad);
  assert.equal(refused.status, 400);
  assert.equal(refused.body.resourceType, 'OperationOutcome');
  const orphan = await fhir('POST', 'Observation', 'doctor', observation('0'.repeat(64)));
  assert.equal(orphan.status, 422);
  const malformed = await testNode.app.inject({
    method: 'POST',
    url: '/fhir/R4/Observation',
    headers: { authorization: `Bearer ${testNode.tokens.doctor}`, 'content-type': 'application/fhir+json' },
    payload: '{"resourceType": "Observation", "status": "fin',
  });
  assert.equal(malformed.statusCode, 400);
  assert.doesNotMatch(malformed.body, /fin/);
  assert.equal(recordsOfPatient(testNode.state(), pseudonym, { offset: 0, limit: 10 }).total, before);
});

test('only the custodian’s practitioners write, and a record held elsewhere is 404', async () => {
  const clinicWrite = await fhir('POST', 'Observation', 'nurse', observation(patientId));
  assert.equal(clinicWrite.status, 403);
  const missing = await fhir('GET', `Observation/${'ab'.repeat(32)}`, 'patient');
  assert.equal(missing.status, 404);
  assert.equal(missing.body.resourceType, 'OperationOutcome');
});
