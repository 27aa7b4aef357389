// A gateway's compact signed batch over real HTTP at a custodian node (issue 18 §2–3): the PHD IG
// example's readings from a registered and bound pulse oximeter are committed as one Merkle root and
// stored; a reading is proved included in its committed batch; a replayed, unsigned (forged) or
// unbound-device batch is refused with nothing stored; the proof is for the device's organisation only.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { batchSummary, periodStart, verifyReadingProof } from '../../src/app/monitoring/batch.ts';
import { readDevice } from '../../src/app/monitoring/keys.ts';
import { BATCHES_PATH } from '../../src/contract/monitoring.ts';
import type { KeyPair } from '../../src/node/keys.ts';
import { fhirKeys, fhirTestNodeForTests, testKey } from '../harness/fhir-node.ts';
import { http, postJson } from '../harness/http.ts';
import {
  closedPeriod as closedPeriodOf,
  igReadings,
  oximeter,
  registerDevice,
  signedBatch,
  spareOximeter as spare,
  type TestDevice,
} from '../harness/monitoring.ts';

const t = fhirTestNodeForTests({ chainId: 'carechain-monitoring-ingest', listen: true });
const PERIOD_MS = 1000;

const batch = (d: TestDevice, startMs: number, readings: ReturnType<typeof igReadings>, signer?: KeyPair) =>
  signedBatch(t, d, { startMs, ms: PERIOD_MS }, readings, signer);
const register = (d: TestDevice) => registerDevice(t, d);
const closedPeriod = (after: number) => closedPeriodOf(t, after, PERIOD_MS);

const proofUrl = (systemId: string, readingId: string) =>
  `${t.url}/api/v1/monitoring/devices/${systemId}/readings/${encodeURIComponent(readingId)}/proof`;
const getProof = (systemId: string, readingId: string, token: string) =>
  http(proofUrl(systemId, readingId), { headers: { authorization: `Bearer ${token}` } });

test('a bound device’s signed batch is committed and stored; a reading is proved in it; refusals store nothing', async () => {
  await register(oximeter);
  await register(spare);
  await t.submit(fhirKeys.patient, 'monitoring.bindDevice', { systemId: oximeter.systemId });

  const boundAtMs = readDevice(t.state(), oximeter.systemId)?.boundAtMs ?? 0;
  const first = await closedPeriod(periodStart(boundAtMs, PERIOD_MS) - PERIOD_MS);
  const readings = igReadings(first);
  const sent = await postJson(`${t.url}${BATCHES_PATH}`, batch(oximeter, first, readings));
  assert.equal(sent.status, 200, JSON.stringify(sent.body));
  const summary = batchSummary(readings, first, PERIOD_MS);
  assert.deepEqual([sent.body.root, sent.body.count], [summary.root, 2]);

  // Proved included: the proof verifies against the batch as the chain committed it.
  const proved = await getProof(oximeter.systemId, readings[1]!.id, t.tokens.doctor);
  assert.equal(proved.status, 200, JSON.stringify(proved.body));
  assert.equal(proved.body.batch.root, summary.root);
  assert.equal(proved.body.batch.height, sent.body.height);
  assert.ok(verifyReadingProof(readings[1]!, proved.body.proof, { ...proved.body.batch }));
  const altered = { ...readings[1]!, value: '99' };
  assert.equal(verifyReadingProof(altered, proved.body.proof, { ...proved.body.batch }), false);
  // Another organisation's staff (the clinic nurse) gets no proof (and so no reading).
  assert.equal((await getProof(oximeter.systemId, readings[1]!.id, t.tokens.nurse)).status, 403);

  // Replayed as sent: its readings are stored already (conditional create).
  const replay = await postJson(`${t.url}${BATCHES_PATH}`, batch(oximeter, first, readings));
  assert.deepEqual([replay.status, replay.body.error.code], [422, 'monitoring.duplicate_reading']);

  const refusals: [string, unknown, string][] = [];
  // The same period again with new readings: the chain refuses a period at or before the last one.
  const again = igReadings(first, '-again');
  refusals.push(['replay', batch(oximeter, first, again), 'monitoring.batch_replayed']);
  // A later period, but signed by someone who is not the device (an unsigned batch in effect).
  const later = await closedPeriod(first);
  const forged = igReadings(later, '-forged');
  refusals.push([
    'forged',
    batch(oximeter, later, forged, testKey('forger')),
    'monitoring.bad_batch_signature',
  ]);
  // A registered device no patient has bound.
  const unbound = igReadings(later, '-unbound');
  refusals.push(['unbound', batch(spare, later, unbound), 'monitoring.device_unbound']);
  for (const [what, body, code] of refusals) {
    const answer = await postJson(`${t.url}${BATCHES_PATH}`, body);
    assert.deepEqual([what, answer.status, answer.body.error.code], [what, 422, code]);
  }
  // Nothing of them is stored: none of their readings can be found.
  for (const [systemId, reading] of [
    [oximeter.systemId, again[0]!],
    [oximeter.systemId, forged[0]!],
    [spare.systemId, unbound[0]!],
  ] as const) {
    const answer = await getProof(systemId, reading.id, t.tokens.doctor);
    assert.deepEqual([answer.status, answer.body.error.code], [422, 'monitoring.unknown_reading']);
  }
});

test('two batches sent at once with a reading in common: one is committed and provable, the other refused', async () => {
  // After every period the first test sent (the chain refuses a period at or before the last one).
  const p1 = await closedPeriod(periodStart(Date.now(), PERIOD_MS));
  const p2 = await closedPeriod(p1);
  const first = igReadings(p1, '-race');
  // The second period's readings, one of them carrying an id the first batch has too.
  const second = igReadings(p2, '-race2').map((r, i) => (i === 0 ? { ...r, id: first[0]!.id } : r));
  const answers = await Promise.all(
    [batch(oximeter, p1, first), batch(oximeter, p2, second)].map((body) =>
      postJson(`${t.url}${BATCHES_PATH}`, body),
    ),
  );
  const codes = answers.map((a) => (a.status === 200 ? 'ok' : `${a.status} ${a.body.error?.code}`)).sort();
  assert.deepEqual(
    codes,
    ['422 monitoring.duplicate_reading', 'ok'],
    JSON.stringify(answers.map((a) => a.body)),
  );
  // What was committed can be proved: its readings were stored, none lost to the other batch.
  const committed = answers[0]!.status === 200 ? first : second;
  const proved = await getProof(oximeter.systemId, committed[1]!.id, t.tokens.doctor);
  assert.equal(proved.status, 200, JSON.stringify(proved.body));
});
