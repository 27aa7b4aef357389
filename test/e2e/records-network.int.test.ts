// Issue 4 end to end on a real four-validator network (separate `carechain node` processes on
// loopback), across two organisations' nodes, driven with a real FHIR client (fhir-kit-client):
//   - the hospital imports a Synthea patient (transaction Bundle); a clinic practitioner reading through
//     the CLINIC's node is refused 403, and the denial is on chain in the patient's access log;
//   - the patient grants the clinic read for TREAT; the clinic reads, vreads, searches and lists history
//     through its own node (forwarded to the hospital, answered encrypted to the clinic's node);
//   - the patient sees those accesses; revokes; the clinic is refused again;
//   - break-glass through the clinic's node works, is flagged to the patient and to the hospital's
//     privacy officer with the reason;
//   - erasure makes the record unreadable from every node, and `carechain verify` passes on all four.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Client } from 'fhir-kit-client';
import { syntheaBundles } from '../../src/services/fhir/fhir-testdata.ts';
import { PATIENT_PSEUDONYM_SYSTEM } from '../../src/services/records/gateway.ts';
import { patientPseudonym } from '../../src/app/membership/index.ts';
import { toHex } from '../../src/core/bytes.ts';
import { generateKeyPair, type KeyPair } from '../../src/node/keys.ts';
import { randomBytes } from 'node:crypto';
import { postJson } from '../harness/http.ts';
import { requestErasureOfAll, startNetwork, type Org, type RunningNetwork } from '../harness/network.ts';
import { observationReadGrant } from '../harness/fhir-client.ts';

type Json = any; // resources and API answers read by field
let network: RunningNetwork;
const url = (org: Org) => network.url(org);
const doctor = generateKeyPair(); // hospital physician
const physician = generateKeyPair(); // clinic physician
const pharmacist = generateKeyPair();
const privacyOfficer = generateKeyPair(); // hospital
const patient = generateKeyPair();
const pseudonym = patientPseudonym(patient.publicKey);
const tokens: Record<string, string> = {};

async function getJsonAs(target: string, token: string): Promise<{ status: number; body: Json }> {
  const response = await fetch(target, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: await response.json() };
}

const fhir = (org: Org, token: string) => new Client({ baseUrl: `${url(org)}/fhir/R4`, bearerToken: token });

async function statusOf(call: Promise<unknown>): Promise<{ status: number; data: Json }> {
  try {
    const data = await call;
    return { status: 200, data };
  } catch (err) {
    const response = (err as { response?: { status: number; data: Json } }).response;
    if (response !== undefined) return response;
    throw err;
  }
}

const accessLog = async (): Promise<Json[]> => {
  const { status, body } = await getJsonAs(
    `${url('hospital')}/api/v1/patients/me/access-log?_count=100`,
    tokens.patient!,
  );
  assert.equal(status, 200, JSON.stringify(body));
  return body.items ?? body.entries ?? body;
};

before(async () => {
  network = await startNetwork('carechain-records-net-');
  const staff: [Org, KeyPair, 'physician' | 'privacy-officer' | 'pharmacist'][] = [
    ['hospital', doctor, 'physician'],
    ['hospital', privacyOfficer, 'privacy-officer'],
    ['clinic', physician, 'physician'],
    ['pharmacy', pharmacist, 'pharmacist'],
  ];
  for (const [org, key, role] of staff) {
    tokens[key.publicKey] = await network.registerPractitioner(org, key, role);
  }
  tokens.patient = await network.registerPatient('hospital', patient);
});

after(() => network?.stop('SIGKILL'));

const tokenOf = (key: KeyPair) => tokens[key.publicKey]!;
let patientId = '';
let observation: Json;
const consentId = toHex(new Uint8Array(randomBytes(32)));

test('the hospital imports a Synthea patient; the clinic, through its own node, is denied and the denial is on chain', async () => {
  const bundle: Json = structuredClone(syntheaBundles().find((b) => b.file.startsWith('Buster'))!.json);
  const patientEntry = bundle.entry.find((e: Json) => e.resource.resourceType === 'Patient');
  patientEntry.resource.identifier.push({ system: PATIENT_PSEUDONYM_SYSTEM, value: pseudonym });
  const response: Json = await fhir('hospital', tokenOf(doctor)).transaction({ body: bundle });
  const location = (type: string) =>
    response.entry
      .find((e: Json) => e.response.location.startsWith(`${type}/`))
      .response.location.split('/')[1];
  patientId = location('Patient');
  observation = await fhir('hospital', tokens.patient!).read({
    resourceType: 'Observation',
    id: location('Observation'),
  });

  const denied = await statusOf(
    fhir('clinic', tokenOf(physician)).read({ resourceType: 'Observation', id: observation.id }),
  );
  assert.equal(denied.status, 403, JSON.stringify(denied.data));
  assert.equal(denied.data.resourceType, 'OperationOutcome');
  const log = await accessLog();
  assert.ok(
    log.some(
      (e: Json) =>
        e.outcome === 'denied' && e.requesterOrgId === 'clinic' && e.requester === physician.publicKey,
    ),
    JSON.stringify(log),
  );
});

test('after the patient grants the clinic read for TREAT, the clinic reads, vreads, searches and lists history through its own node', async () => {
  await network.commit(url('hospital'), patient, 'consent.grant', observationReadGrant(consentId));
  const clinic = fhir('clinic', tokenOf(physician));
  // The clinic's node may be a block behind the grant; the read is decided at the custodian anyway.
  const read = await clinic.read({ resourceType: 'Observation', id: observation.id });
  assert.deepEqual(read, observation);
  assert.deepEqual(
    await clinic.vread({ resourceType: 'Observation', id: observation.id, version: '1' }),
    observation,
  );
  const history: Json = await clinic.history({ resourceType: 'Observation', id: observation.id });
  assert.deepEqual(
    history.entry.map((e: Json) => e.resource),
    [observation],
  );
  const found: Json = await clinic.search({
    resourceType: 'Observation',
    searchParams: { subject: `Patient/${patientId}`, _count: '5' },
  });
  assert.equal(found.entry.length, 5);
  assert.ok(found.total >= 5);
  // Another type than the consent names stays closed.
  const patientRead = await statusOf(clinic.read({ resourceType: 'Patient', id: patientId }));
  assert.equal(patientRead.status, 403);

  const granted = (await accessLog()).filter(
    (e: Json) => e.outcome === 'granted' && e.requesterOrgId === 'clinic',
  );
  assert.ok(granted.length >= 4, JSON.stringify(granted));
  assert.ok(granted.some((e: Json) => e.records.length === 5));
});

test('after the patient revokes, the clinic is denied again', async () => {
  await network.commit(url('hospital'), patient, 'consent.revoke', { consentId });
  const denied = await statusOf(
    fhir('clinic', tokenOf(physician)).read({ resourceType: 'Observation', id: observation.id }),
  );
  assert.equal(denied.status, 403);
});

test('break-glass through the clinic’s node releases the record, flagged to the patient and the hospital’s privacy officer', async () => {
  const reason = 'Unconscious patient in the emergency department; allergy history needed';
  const glass = await postJson(
    `${url('clinic')}/api/v1/records/break-glass`,
    { resourceType: 'Observation', id: observation.id, purpose: 'ETREAT', reason },
    tokenOf(physician),
  );
  assert.equal(glass.status, 200, JSON.stringify(glass.body));
  assert.deepEqual(glass.body.resource, observation);
  const flagged = (await accessLog()).filter((e: Json) => e.isBreakGlass);
  assert.equal(flagged.length, 1);
  assert.equal(flagged[0].requesterOrgId, 'clinic');
  const officer = await getJsonAs(`${url('hospital')}/api/v1/records/break-glass`, tokenOf(privacyOfficer));
  assert.equal(officer.status, 200, JSON.stringify(officer.body));
  const events = officer.body.items;
  assert.equal(events.length, 1);
  assert.equal(events[0].reason, reason);
  assert.equal(events[0].reasonMatchesCommitment, true);
  // A break-glass without a reason is refused before anything is asked of the custodian.
  const noReason = await postJson(
    `${url('clinic')}/api/v1/records/break-glass`,
    { resourceType: 'Observation', id: observation.id, purpose: 'ETREAT', reason: ' ' },
    tokenOf(physician),
  );
  assert.equal(noReason.status, 400);
});

test('erasure makes the record unreadable from every node, and verify passes on every node', async () => {
  const erased = await requestErasureOfAll(network, url('hospital'), patient, tokens.patient!);
  assert.equal(erased.status, 200, JSON.stringify(erased.body));
  const reads = [
    fhir('hospital', tokens.patient!),
    fhir('hospital', tokenOf(doctor)),
    fhir('clinic', tokenOf(physician)),
    fhir('pharmacy', tokenOf(pharmacist)),
  ].map((client) => statusOf(client.read({ resourceType: 'Observation', id: observation.id })));
  for (const { status, data } of await Promise.all(reads)) {
    assert.equal(status, 410, JSON.stringify(data));
    assert.equal(data.issue[0].code, 'deleted');
  }
  for (const node of network.nodes) {
    node.child.kill('SIGTERM');
    await node.exited;
  }
  for (const dir of network.dirs) {
    const result = spawnSync(
      process.execPath,
      ['bin/carechain.mjs', 'verify', '--data', join(dir, 'data'), '--quiet'],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(result.status, 0, result.stdout + result.stderr);
  }
});
