// The base policy of genesis (issue 13) on real node processes: under treatment-relationship the
// hospital's own physician reads what the hospital holds and a second institution (the clinic) writes
// its own records about the patient without consent; under opt-out the clinic's nurse reads the hospital's
// records too, and an insurer never does; under both, the patient's signed deny wins. Every read, granted
// or refused, is in the patient's access log with the reason the chain re-decided.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, test } from 'node:test';
import { toHex } from '../../src/core/bytes.ts';
import type { BasePolicy } from '../../src/app/records/policy.ts';
import type { Staff } from '../harness/network.ts';
import { waitFor } from '../harness/http.ts';
import {
  accessLogOf,
  CLINIC,
  fhirCall,
  HOSPITAL,
  INSURER,
  startRecordsNetwork,
  type RecordsNetwork,
  writeAsSecondCustodian,
} from '../harness/records-network.ts';

const running: RecordsNetwork[] = [];
after(async () => {
  for (const records of running) await records.network.stop('SIGKILL');
});

/** Hospital (imports the patient), clinic and a non-voting insurer, under `basePolicy`. */
async function start(basePolicy: BasePolicy): Promise<RecordsNetwork> {
  const records = await startRecordsNetwork(
    `carechain-policy-${basePolicy}-`,
    [HOSPITAL, CLINIC, INSURER],
    { hospital: ['physician', 'privacy-officer'], clinic: ['nurse'], insurer: ['claims-officer'] },
    { basePolicy },
  );
  running.push(records);
  return records;
}

const observationOf = (records: RecordsNetwork): string =>
  records.locations.find((l) => l.startsWith('Observation/'))!;

/** `who` reads `location` at their own node (forwarded to the custodian when it is another). */
const readAs = (records: RecordsNetwork, who: Staff, location: string) =>
  fhirCall(records.network.url(who.orgId), who.token).get(`/fhir/R4/${location}`);

/** The patient signs a deny of reads (and writes) by everyone at `orgId`, committed at the hospital. */
async function deny(records: RecordsNetwork, orgId: string): Promise<void> {
  await records.network.commit(records.network.url('hospital'), records.patient, 'consent.grant', {
    consentId: toHex(new Uint8Array(randomBytes(32))),
    grantee: { kind: 'organisation', orgId },
    resourceTypes: ['*'],
    purposes: ['TREAT'],
    actions: ['read', 'write'],
    period: { startMs: 0, endMs: null },
    provision: 'deny',
  });
}

/** What the patient's consent and the base policy allow `who` of Observations `custodian` keeps. */
async function allowedOf(records: RecordsNetwork, who: Staff, custodian: string): Promise<string[]> {
  const query = `patient=${records.pseudonym}&resourceType=Observation&custodian=${custodian}`;
  const answer = await fhirCall(records.network.url(who.orgId), who.token).get(
    `/api/v1/consents/allowed?${query}`,
  );
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body.decisions.map((d: any) => `${d.decision} ${d.reason}`);
}

/** The patient's access log once it lists `count` events (each node commits its own). */
async function logOfAtLeast(records: RecordsNetwork, count: number): Promise<any[]> {
  let log: any[] = [];
  await waitFor(async () => (log = await accessLogOf(records)).length >= count, 15_000);
  return log;
}

/** Retries while the answer is `from` (a node a block behind a consent answers as before it). */
async function settled(call: () => Promise<{ status: number; body: any }>, from: number) {
  let answer = await call();
  await waitFor(async () => {
    if (answer.status !== from) return true;
    answer = await call();
    return answer.status !== from;
  }, 15_000);
  return answer;
}

test('treatment-relationship: each custodian’s clinicians read and write their own records; a deny wins', async () => {
  const records = await start('treatment-relationship');
  const [physician, officer, nurse, claims] = records.staff as [Staff, Staff, Staff, Staff];
  const observation = observationOf(records);

  const own = await readAs(records, physician, observation);
  assert.equal(own.status, 200, JSON.stringify(own.body));
  // The clinician's screen asks GET /api/v1/consents/allowed, which must say what the read decides: the
  // base policy grants the hospital's own physician the hospital's records (it answered consent.none).
  assert.deepEqual(await allowedOf(records, physician, 'hospital'), ['permit policy.treatment-relationship']);
  assert.deepEqual(await allowedOf(records, nurse, 'hospital'), ['deny consent.none']);
  for (const outsider of [officer, nurse, claims]) {
    const refused = await readAs(records, outsider, observation);
    assert.equal(refused.status, 403, `${outsider.orgId} ${JSON.stringify(refused.body)}`);
  }

  // The clinic becomes a second custodian: it writes its own Patient and Observation, no consent asked.
  const [, clinicRecord] = await writeAsSecondCustodian(records, nurse);
  assert.equal((await readAs(records, nurse, clinicRecord)).status, 200);
  // Each institution's clinicians read their own: the hospital's physician not the clinic's record.
  assert.equal((await readAs(records, physician, clinicRecord)).status, 403);

  const log = await logOfAtLeast(records, 6);
  const reasons = (requester: string) =>
    log.filter((e) => e.requester === requester).map((e) => `${e.outcome} ${e.reasonCode}`);
  assert.deepEqual(reasons(physician.key.publicKey), [
    'denied consent.none',
    'granted policy.treatment-relationship',
  ]);
  assert.deepEqual(reasons(nurse.key.publicKey), [
    'granted policy.treatment-relationship',
    'denied consent.none',
  ]);
  assert.deepEqual(reasons(officer.key.publicKey), ['denied consent.none']);

  // The patient denies the hospital: its own physician is refused from then on.
  await deny(records, 'hospital');
  const denied = await settled(() => readAs(records, physician, observation), 200);
  assert.equal(denied.status, 403, JSON.stringify(denied.body));
  assert.match(JSON.stringify(denied.body), /consent\.denied/);
  assert.equal((await accessLogOf(records))[0].reasonCode, 'consent.denied');
});

test('opt-out: every hospital’s and clinic’s clinicians read for treatment, an insurer never; a deny wins', async () => {
  const records = await start('opt-out');
  const [physician, officer, nurse, claims] = records.staff as [Staff, Staff, Staff, Staff];
  const observation = observationOf(records);

  assert.equal((await readAs(records, physician, observation)).status, 200);
  const forwarded = await readAs(records, nurse, observation);
  assert.equal(forwarded.status, 200, JSON.stringify(forwarded.body));
  assert.equal((await readAs(records, claims, observation)).status, 403);
  assert.equal((await readAs(records, officer, observation)).status, 403);
  const log = await logOfAtLeast(records, 4);
  assert.equal(log.find((e) => e.requester === nurse.key.publicKey)?.reasonCode, 'policy.opt-out');
  assert.equal(
    log.find((e) => e.requester === physician.key.publicKey)?.reasonCode,
    'policy.treatment-relationship',
  );
  assert.equal(log.find((e) => e.requester === claims.key.publicKey)?.reasonCode, 'consent.none');

  // The patient opts out of the clinic: the clinic's nurse is refused, the hospital still reads.
  await deny(records, 'clinic');
  const denied = await settled(() => readAs(records, nurse, observation), 200);
  assert.equal(denied.status, 403, JSON.stringify(denied.body));
  assert.match(JSON.stringify(denied.body), /consent\.denied/);
  assert.equal((await readAs(records, physician, observation)).status, 200);
});
