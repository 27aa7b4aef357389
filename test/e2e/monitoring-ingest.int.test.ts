// A gateway's compact signed batch over real HTTP at a custodian node (issue 18 §2–3): the PHD IG
// example's readings from a registered and bound pulse oximeter are committed as one Merkle root and
// stored; a reading is proved included in its committed batch; a replayed, unsigned (forged) or
// unbound-device batch is refused with nothing stored; the proof is for the device's organisation only.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  batchSummary,
  periodStart,
  verifyReadingProof,
  type Reading,
} from '../../src/app/monitoring/batch.ts';
import { batchStatementBytes } from '../../src/app/monitoring/commitments.ts';
import { readDevice } from '../../src/app/monitoring/keys.ts';
import { parsePhdUpload } from '../../src/app/monitoring/phd.ts';
import { toHex } from '../../src/core/bytes.ts';
import { signMessage } from '../../src/core/crypto/index.ts';
import { BATCHES_PATH } from '../../src/contract/monitoring.ts';
import type { KeyPair } from '../../src/node/keys.ts';
import { sharedTestdata } from '../harness/files.ts';
import { fhirKeys, fhirTestNodeForTests, patientPseudonymOfTest, testKey } from '../harness/fhir-node.ts';
import { http, postJson, waitFor } from '../harness/http.ts';

const t = fhirTestNodeForTests({ chainId: 'carechain-monitoring-ingest', listen: true });
const PERIOD_MS = 1000;

const oximeter = { systemId: '001c050400007825', device: testKey('oximeter'), gateway: testKey('phg') };
const spare = { systemId: '001c050400007826', device: testKey('spare oximeter'), gateway: testKey('phg') };
type Device = typeof oximeter;

/** The IG Bundle's readings, moved into `periodStartMs` as a gateway would send them live. */
function igReadings(periodStartMs: number, tag = ''): Reading[] {
  const bundle: unknown = JSON.parse(
    readFileSync(sharedTestdata('fhir', 'phd', 'bundle-example-1.json'), 'utf8'),
  );
  return parsePhdUpload(bundle).readings.map(({ id, code, value, unit }, i) => ({
    id: `${id}${tag}`,
    code,
    value,
    unit,
    timeMs: periodStartMs + i,
  }));
}

/** The compact batch for `readings`, signed by `signer` (the device itself unless a forger is named). */
function batch(d: Device, periodStartMs: number, readings: Reading[], signer: KeyPair = d.device) {
  const { root, count } = batchSummary(readings, periodStartMs, PERIOD_MS);
  const statement = {
    systemId: d.systemId,
    patient: patientPseudonymOfTest,
    periodStartMs,
    periodMs: PERIOD_MS,
    root,
    count,
  };
  const signature = toHex(
    signMessage(signer.seed, 'device-batch', t.chainId, batchStatementBytes(statement)),
  );
  return {
    systemId: d.systemId,
    periodStartMs,
    periodMs: PERIOD_MS,
    signedBy: 'device',
    signature,
    readings,
  };
}

async function register(d: Device): Promise<void> {
  await t.submit(fhirKeys.hospitalAdmin, 'monitoring.registerDevice', {
    systemId: d.systemId,
    typeCode: '528388',
    gatewayId: '4c4e49123456ffff',
    gatewayKey: d.gateway.publicKey,
    deviceKey: d.device.publicKey,
  });
}

/** The period after `after`, once the chain's clock has passed its end (a gateway sends closed periods). */
async function closedPeriod(after: number): Promise<number> {
  const start = after + PERIOD_MS;
  const passed = () => (t.node.ledger.tip().header?.timeMs ?? 0) >= start + PERIOD_MS;
  assert.ok(await waitFor(passed, 120_000), 'the chain’s clock passed the period');
  return start;
}

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
