// Finding 7 (issue 10): erasure across custodians, on a real four-node network of `carechain node`
// processes. A patient registered at the hospital has records at the hospital AND at the clinic. One
// signed erasure request, sent to the hospital's node, must reach both:
//   - the hospital shreds its copy and commits its receipt before answering;
//   - the clinic's node, started with a crash injected after it shreds and before its receipt
//     (CARECHAIN_TEST_ERASURE_CRASH=shredded, cli/test-hooks.ts), dies there; the patient sees the
//     clinic's share pending; restarted without the hook, the clinic resumes from committed state and
//     commits its receipt; then both records answer 410 at their custodians.
// Before the fix the request reached only the node it was sent to: the clinic never shredded, never
// crashed, and the patient had no per-custodian status (this test failed waiting for the clinic).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { toHex } from '../../src/core/bytes.ts';
import { PATIENT_PSEUDONYM_SYSTEM } from '../../src/services/records/gateway.ts';
import { patientPseudonym } from '../../src/app/membership/index.ts';
import { ERASURE_CRASH_ENV } from '../../src/cli/test-hooks.ts';
import { generateKeyPair } from '../../src/node/keys.ts';
import { organisationGrant } from '../harness/fhir-client.ts';
import { http, waitFor } from '../harness/http.ts';
import {
  requestErasureOfAll,
  startNetwork,
  staffClient,
  type RunningNetwork,
  type Staff,
} from '../harness/network.ts';
import { startNodeProcess } from '../harness/process.ts';

type Json = any; // API answers read by field
let network: RunningNetwork;
let hospitalDoctor: Staff;
let clinicDoctor: Staff;
let patientToken = '';
const patient = generateKeyPair();
const pseudonym = patientPseudonym(patient.publicKey);
const ids: Record<'hospital' | 'clinic', string> = { hospital: '', clinic: '' };

before(async () => {
  network = await startNetwork('carechain-finding07-');
  hospitalDoctor = await network.registerStaff('hospital', 'physician');
  clinicDoctor = await network.registerStaff('clinic', 'physician');
  patientToken = await network.registerPatient('hospital', patient);
  // The hospital is the patient's custodian; the clinic writes about the patient under a write consent
  // (finding 12), as a second institution would.
  const consentId = toHex(new Uint8Array(randomBytes(32)));
  const grant = organisationGrant(consentId, 'clinic', ['Patient'], ['write']);
  await network.commit(network.url('hospital'), patient, 'consent.grant', grant);
});

after(() => network?.stop('SIGKILL'));

/** Restarts one member's node process, with extra environment (a crash hook) or without. */
async function restart(org: string, env?: Record<string, string>): Promise<void> {
  const i = network.names.indexOf(org);
  const old = network.nodes[i]!;
  if (old.child.exitCode === null && old.child.signalCode === null) old.child.kill('SIGKILL');
  await old.exited;
  network.nodes[i] = await startNodeProcess(network.dirs[i]!, undefined, env);
}

const status = async (): Promise<Json[]> => {
  const answer = await http(`${network.url('hospital')}/api/v1/patients/me/erasure`, {
    headers: { authorization: `Bearer ${patientToken}` },
  });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body.custodians;
};
const of = (custodians: Json[], org: string): Json => custodians.find((c) => c.custodianOrgId === org);

test('the hospital and the clinic each hold a record of the patient', async () => {
  for (const staff of [hospitalDoctor, clinicDoctor]) {
    const resource = {
      resourceType: 'Patient',
      identifier: [{ system: PATIENT_PSEUDONYM_SYSTEM, value: pseudonym }],
      gender: 'female',
    };
    let created = await staffClient(staff).post('/fhir/R4/Patient', resource, 'application/fhir+json');
    // The clinic's node may be a block behind the write consent: retry while it still refuses.
    await waitFor(async () => {
      if (created.status !== 403) return true;
      created = await staffClient(staff).post('/fhir/R4/Patient', resource, 'application/fhir+json');
      return created.status !== 403;
    }, 10_000);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    ids[staff.orgId as 'hospital' | 'clinic'] = created.body.id;
  }
  // The status is read at the hospital's node, which may be a block behind the clinic's write.
  let custodians: Json[] = [];
  await waitFor(async () => (custodians = await status()).length === 2, 10_000);
  assert.deepEqual(
    custodians.map((c) => [c.custodianOrgId, c.records, c.requested, c.pending]),
    [
      ['clinic', 1, 0, 0],
      ['hospital', 1, 0, 0],
    ],
  );
});

test('one request reaches the hospital and the clinic, and the clinic recovers from a crash before its receipt', async () => {
  await restart('clinic', { [ERASURE_CRASH_ENV]: 'shredded' });
  const clinic = network.nodes[network.names.indexOf('clinic')]!;
  const erased = await requestErasureOfAll(network, network.url('hospital'), patient, patientToken);
  assert.equal(erased.status, 200, JSON.stringify(erased.body));
  // The hospital's share is done before it answers: one receipt naming its record.
  assert.equal(erased.body.receipts.length, 1);
  assert.deepEqual(erased.body.receipts[0].recordIds, [ids.hospital]);
  assert.equal(of(erased.body.custodians, 'hospital').pending, 0);

  // The clinic's node picked the request up from the chain, shredded, and died before its receipt.
  const crashed = await waitFor(
    () => clinic.child.exitCode !== null || clinic.child.signalCode !== null,
    120_000,
  );
  assert.ok(crashed, 'the clinic never reached its shred: the request did not reach it');
  assert.equal(clinic.child.signalCode, 'SIGKILL', clinic.output());
  const midway = of(await status(), 'clinic');
  assert.deepEqual([midway.requested, midway.erased, midway.pending], [1, 0, 1]);

  // Restarted without the hook, it resumes from committed state and commits its receipt.
  await restart('clinic');
  let custodians: Json[] = [];
  const done = await waitFor(async () => {
    custodians = await status();
    return custodians.every((c) => c.pending === 0);
  }, 120_000);
  assert.ok(done, JSON.stringify(custodians));
  assert.deepEqual(
    custodians.map((c) => [c.custodianOrgId, c.records, c.erased, c.receipts.length]),
    [
      ['clinic', 1, 1, 1],
      ['hospital', 1, 1, 1],
    ],
  );

  // Gone at both custodians, for their own staff too.
  for (const staff of [hospitalDoctor, clinicDoctor]) {
    const read = await staffClient(staff).get(
      `/fhir/R4/Patient/${ids[staff.orgId as 'hospital' | 'clinic']}`,
    );
    assert.equal(read.status, 410, JSON.stringify(read.body));
  }
});
