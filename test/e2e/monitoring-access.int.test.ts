// Reads of readings over real HTTP leave a record (DESIGN.md principle 3, issue 18): the doctor's proof of
// a reading and the doctor's Observation search by device are answered only once a monitoring.logAccess
// event naming the doctor, the device, the patient and the released periods is final on chain; the
// patient's own search logs nothing; a refused read logs nothing. The patient lists the events at
// GET /api/v1/monitoring/access-log (nobody else may). Billing facts: a month with no data, recorded by the
// hospital, is served at GET …/billing/:periodStartMs with all 30 day proofs, which verify. (The second
// test uses the first one's device.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { periodStart } from '../../src/app/monitoring/batch.ts';
import { DAY_MS, utcDay, verifyBillingDecision } from '../../src/app/monitoring/billing.ts';
import { monitoringAccessLog } from '../../src/app/monitoring/access.ts';
import { readDevice } from '../../src/app/monitoring/keys.ts';
import { ACCESS_LOG_PATH, BATCHES_PATH } from '../../src/contract/monitoring.ts';
import { fhirKeys, fhirTestNodeForTests, patientPseudonymOfTest } from '../harness/fhir-node.ts';
import { http, postJson } from '../harness/http.ts';
import { closedPeriod, igReadings, oximeter, registerDevice, signedBatch } from '../harness/monitoring.ts';

const t = fhirTestNodeForTests({ chainId: 'carechain-monitoring-access', listen: true });
const PERIOD_MS = 1000;

const get = (path: string, token: string) =>
  http(`${t.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
const iso = (ms: number) => new Date(ms).toISOString();
/** The patient's monitoring access log as committed state has it at this node. */
const logged = () => monitoringAccessLog(t.state(), patientPseudonymOfTest, { offset: 0, limit: 100 });

test('a staff read of readings is released only after its access event is final; the patient lists them', async () => {
  await registerDevice(t, oximeter);
  await t.submit(fhirKeys.patient, 'monitoring.bindDevice', { systemId: oximeter.systemId });
  const boundAtMs = readDevice(t.state(), oximeter.systemId)?.boundAtMs ?? 0;
  const first = await closedPeriod(t, periodStart(boundAtMs, PERIOD_MS) - PERIOD_MS, PERIOD_MS);
  const readings = igReadings(first);
  const batch = signedBatch(t, oximeter, { startMs: first, ms: PERIOD_MS }, readings);
  const sent = await postJson(`${t.url}${BATCHES_PATH}`, batch);
  assert.equal(sent.status, 200, JSON.stringify(sent.body));
  assert.equal(logged().total, 0, 'storing readings is not reading them');

  // The doctor's proof: when the answer arrives, the event is already committed at this node.
  const proofPath = `/api/v1/monitoring/devices/${oximeter.systemId}/readings/${encodeURIComponent(readings[0]!.id)}/proof`;
  const proof = await get(proofPath, t.tokens.doctor);
  assert.equal(proof.status, 200, JSON.stringify(proof.body));
  const afterProof = logged();
  assert.equal(afterProof.total, 1, 'the proof was released with its access event committed');
  assert.deepEqual(
    [
      afterProof.items[0]!.requester,
      afterProof.items[0]!.orgId,
      afterProof.items[0]!.systemId,
      afterProof.items[0]!.firstPeriodStartMs,
      afterProof.items[0]!.lastPeriodStartMs,
    ],
    [fhirKeys.doctor.publicKey, 'hospital', oximeter.systemId, first, first],
  );

  // The doctor's Observation search: one more event; the patient's own search and refusals: none.
  const search = `/fhir/R4/Observation?device=Device/${oximeter.systemId}&date=ge${iso(first)}&date=lt${iso(first + PERIOD_MS)}`;
  const found = await get(search, t.tokens.doctor);
  assert.equal(found.status, 200, JSON.stringify(found.body));
  assert.equal(found.body.entry.length, readings.length);
  assert.equal(logged().total, 2, 'the search was released with its access event committed');
  const own = await get(search, t.tokens.patient);
  assert.deepEqual([own.status, own.body.entry.length], [200, readings.length]);
  assert.equal((await get(search, t.tokens.nurse)).status, 403);
  assert.equal((await get(proofPath, t.tokens.nurse)).status, 403);
  const empty = await get(`${search.split('&date')[0]}&date=ge${iso(first + PERIOD_MS)}`, t.tokens.doctor);
  assert.deepEqual([empty.status, empty.body.entry ?? []], [200, []]);
  assert.equal(logged().total, 2, 'nothing released, nothing logged');

  // The patient sees who read their readings, newest first; staff may not list a patient's log.
  const list = await get(`${ACCESS_LOG_PATH}?limit=10`, t.tokens.patient);
  assert.equal(list.status, 200, JSON.stringify(list.body));
  assert.equal(list.body.total, 2);
  assert.deepEqual(
    list.body.items.map((e: any) => [e.requester, e.requesterRole, e.firstPeriodStartMs]),
    [
      [fhirKeys.doctor.publicKey, logged().items[0]!.requesterRole, first],
      [fhirKeys.doctor.publicKey, logged().items[1]!.requesterRole, first],
    ],
  );
  assert.equal(list.body.items[0].height > list.body.items[1].height, true, 'newest first');
  const refused = await get(ACCESS_LOG_PATH, t.tokens.doctor);
  assert.deepEqual([refused.status, refused.body.error.code], [403, 'monitoring.patient_only']);
  assert.equal((await get(`${ACCESS_LOG_PATH}?limit=0`, t.tokens.patient)).status, 400);
});

test('a recorded month with no data is served with all 30 day proofs, which verify; unknown periods are 404', async () => {
  // The last whole 30-day period that ended before today: no batch can have been committed in it.
  const periodStartMs = (utcDay(Date.now()) - 31) * DAY_MS;
  const payload = { systemId: oximeter.systemId, patient: patientPseudonymOfTest, periodStartMs };
  await t.submit(fhirKeys.hospitalAdmin, 'monitoring.recordBilling', payload);
  const path = `/api/v1/monitoring/devices/${oximeter.systemId}/billing/${periodStartMs}`;
  for (const token of [t.tokens.doctor, t.tokens.nurse, t.tokens.patient]) {
    const answer = await get(path, token);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const { fact, evidence } = answer.body;
    assert.deepEqual(
      [fact.decision, fact.daysWithTransmission, fact.orgId, fact.patient, evidence.length],
      ['not-billable', 0, 'hospital', patientPseudonymOfTest, 30],
    );
    assert.ok(verifyBillingDecision(fact, evidence));
    assert.equal(verifyBillingDecision(fact, evidence.slice(1)), false, 'a shortfall needs every day');
  }
  const other = await get(
    `/api/v1/monitoring/devices/${oximeter.systemId}/billing/${periodStartMs - DAY_MS}`,
    t.tokens.doctor,
  );
  assert.deepEqual([other.status, other.body.error.code], [404, 'monitoring.unknown_billing']);
  assert.equal(
    (await get(`/api/v1/monitoring/devices/${oximeter.systemId}/billing/x`, t.tokens.doctor)).status,
    400,
  );
});
