// Remote monitoring end to end on real processes (issue 18, Done when): four validator nodes with mutual
// TLS and SQLite. The hospital's administrator registers a pulse oximeter, the patient binds it with her
// own key, and the gateway streams the PHD IG example's readings to the hospital's node as a signed
// batch; a reading is proved in its committed batch (the doctor's read in the patient's access log), and
// the patient finds her readings by FHIR search.
// A replayed, forged or unbound-device batch is refused with nothing stored. A deteriorating vital-signs
// set opens an escalation that reaches the doctor's alert stream; the doctor's acknowledgement is final
// on every node, its response time on chain.
// Then the PHD IG's examples, as a gateway uploads them: the IG's transaction Bundle for alice's oximeter
// and, for the IG's pulse oximeter and blood-pressure monitor (registered, bound to alice), their
// stand-alone example Observations in one transaction Bundle each, are accepted at POST
// /fhir/R4/$phd-upload, committed on every node and found by alice; each Bundle re-sent stores nothing.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { batchSummary, verifyReadingProof } from '../../src/app/monitoring/batch.ts';
import { patientPseudonym } from '../../src/app/membership/index.ts';
import { parsePhdUpload } from '../../src/app/monitoring/phd.ts';
import { ACCESS_LOG_PATH, BATCH_TX_HEADER, BATCHES_PATH } from '../../src/contract/monitoring.ts';
import { ADMIN_KEY_FILE } from '../../src/node/config.ts';
import { readKeyFile } from '../../src/node/keys.ts';
import { testKey } from '../harness/fhir-node.ts';
import { http, openEventStream, postJson, waitFor } from '../harness/http.ts';
import {
  closedPeriod,
  DETERIORATING_VITALS,
  igBundleAt,
  igExamplesBundleAt,
  igReadings,
  oximeter,
  phdUpload,
  registrationOf,
  signedBatch,
  spareOximeter,
  type TestDevice,
} from '../harness/monitoring.ts';
import { startNetwork, type RunningNetwork, type Staff } from '../harness/network.ts';

const PERIOD_MS = 1000;
const alice = testKey('monitored patient alice');
let net: RunningNetwork;
/** Alice's token and her oximeter's last committed period, from the first test for the second. */
let aliceToken = '';
let oximeterLastPeriodMs = 0;

before(async () => {
  net = await startNetwork('carechain-monitoring-net-');
});
after(() => net?.stop('SIGKILL'));

const asStaff = (staff: Staff) => ({ authorization: `Bearer ${staff.token}` });
const iso = (ms: number) => new Date(ms).toISOString();

test('a bound device streams signed readings through its gateway; proofs, refusals and an escalation with its clock', async () => {
  const hospital = net.url('hospital');
  const admin = readKeyFile(join(net.dir('hospital'), ADMIN_KEY_FILE));
  await net.commit(hospital, admin, 'monitoring.registerDevice', registrationOf(oximeter));
  await net.commit(hospital, admin, 'monitoring.registerDevice', registrationOf(spareOximeter));
  aliceToken = await net.registerPatient('hospital', alice);
  const bound = await net.commit(hospital, alice, 'monitoring.bindDevice', { systemId: oximeter.systemId });
  const [doctor, nurse] = await Promise.all([
    net.registerStaff('hospital', 'physician'),
    net.registerStaff('clinic', 'nurse'),
  ]);

  // The first period that starts after the binding's block, once the chain's clock has closed it.
  const boundAtMs = (await http(`${hospital}/api/v1/blocks/${bound.height}`)).body.header.timeMs as number;
  const first = await closedPeriod({ apiUrl: hospital }, boundAtMs - (boundAtMs % PERIOD_MS), PERIOD_MS);
  const context = { chainId: net.chainId, patient: patientPseudonym(alice.publicKey) };
  const readings = igReadings(first);
  const batch = signedBatch(context, oximeter, { startMs: first, ms: PERIOD_MS }, readings);
  const sent = await postJson(`${hospital}${BATCHES_PATH}`, batch);
  assert.equal(sent.status, 200, JSON.stringify(sent.body));
  assert.equal(sent.body.root, batchSummary(readings, first, PERIOD_MS).root);
  oximeterLastPeriodMs = first;
  // The commitment is final on every node, not only the custodian's.
  for (const url of net.apiUrls) {
    assert.ok(
      await waitFor(async () => (await http(`${url}/api/v1/txs/${sent.body.txHash}`)).status === 200, 60_000),
    );
  }

  const proofPath = `/api/v1/monitoring/devices/${oximeter.systemId}/readings/${encodeURIComponent(readings[0]!.id)}/proof`;
  const proved = await http(`${hospital}${proofPath}`, { headers: asStaff(doctor) });
  assert.equal(proved.status, 200, JSON.stringify(proved.body));
  assert.ok(verifyReadingProof(readings[0]!, proved.body.proof, proved.body.batch));
  assert.equal(
    verifyReadingProof({ ...readings[0]!, value: '12' }, proved.body.proof, proved.body.batch),
    false,
  );

  // No read without a record: the doctor's read is in the patient's own access log.
  const readLogged = async () => {
    const log = await http(`${hospital}${ACCESS_LOG_PATH}`, {
      headers: { authorization: `Bearer ${aliceToken}` },
    });
    return log.status === 200 && log.body.items.some((e: any) => e.requester === doctor.key.publicKey);
  };
  assert.ok(await waitFor(readLogged, 60_000), 'the doctor’s read is in the patient’s access log');

  const search = `Observation?device=Device/${oximeter.systemId}`;
  const mine = await http(`${hospital}/fhir/R4/${search}`, {
    headers: { authorization: `Bearer ${aliceToken}` },
  });
  assert.equal(mine.status, 200, JSON.stringify(mine.body));
  assert.deepEqual(
    mine.body.entry.map((e: any) => e.resource.identifier[0].value).sort(),
    readings.map((r) => r.id).sort(),
  );

  // Refused with nothing stored: replayed, forged (not the device's key), from a device nobody bound.
  const later = await closedPeriod({ apiUrl: hospital }, first, PERIOD_MS);
  oximeterLastPeriodMs = later;
  const refusals: [string, unknown, string][] = [
    ['replayed', batch, 'monitoring.duplicate_reading'],
    [
      'forged',
      signedBatch(
        context,
        oximeter,
        { startMs: later, ms: PERIOD_MS },
        igReadings(later, '-f'),
        testKey('forger'),
      ),
      'monitoring.bad_batch_signature',
    ],
    [
      'unbound',
      signedBatch(context, spareOximeter, { startMs: later, ms: PERIOD_MS }, igReadings(later, '-u')),
      'monitoring.device_unbound',
    ],
  ];
  for (const [what, body, code] of refusals) {
    const answer = await postJson(`${hospital}${BATCHES_PATH}`, body);
    assert.deepEqual([what, answer.status, answer.body.error?.code], [what, 422, code]);
  }
  const afterRefusals = await http(`${hospital}/fhir/R4/${search}`, { headers: asStaff(doctor) });
  assert.equal(afterRefusals.body.entry.length, readings.length, 'nothing of the refused batches is stored');

  // A deteriorating set: the escalation reaches the doctor's screen; the doctor's acknowledgement is final.
  const alerts = await openEventStream<any>(
    `${hospital}/api/v1/monitoring/alerts`,
    'escalation',
    doctor.token,
  );
  try {
    assert.equal(alerts.status, 200);
    const deteriorating = DETERIORATING_VITALS;
    const refused = await postJson(
      `${net.url('clinic')}/api/v1/monitoring/devices/${oximeter.systemId}/vitals`,
      deteriorating,
      nurse.token,
    );
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
    const assessed = await postJson(
      `${hospital}/api/v1/monitoring/devices/${oximeter.systemId}/vitals`,
      deteriorating,
      doctor.token,
    );
    assert.equal(assessed.status, 200, JSON.stringify(assessed.body));
    const { escalationId } = assessed.body.escalation;
    assert.ok(await waitFor(() => alerts.events.some((e) => e.kind === 'escalation.opened'), 60_000));
    const acked = await net.commit(hospital, doctor.key, 'monitoring.ackEscalation', { escalationId });
    for (const url of net.apiUrls) {
      assert.ok(
        await waitFor(async () => (await http(`${url}/api/v1/txs/${acked.hash}`)).status === 200, 60_000),
      );
    }
    const record = await http(`${hospital}/api/v1/monitoring/escalations/${escalationId}`, {
      headers: asStaff(doctor),
    });
    assert.deepEqual(
      [record.body.ackedBy, record.body.responseMs, record.body.late],
      [doctor.key.publicKey, record.body.ackedAtMs - record.body.openedAtMs, false],
    );
    assert.ok(await waitFor(() => alerts.events.some((e) => e.kind === 'escalation.acknowledged'), 60_000));
  } finally {
    alerts.close();
  }
});

/** The IG's stand-alone examples of its pulse oximeter and its blood-pressure monitor, each device's own. */
const IG_UPLOADS: { device: TestDevice; examples: string[] }[] = [
  {
    device: { systemId: '74e8fffeff051c00', device: testKey('IG pulse oximeter'), gateway: testKey('phg') },
    examples: [
      'phd-74E8FFFEFF051C00.001C05FFE874.json',
      'phg-ecde3d4e58532d31.000000000000.json',
      'coin-example-1.json',
      'coin-20181119174911.json',
      'coin-20181119202022.json',
      'numeric-spotnumeric.json',
      'numeric-observation-not-a-number.json',
      'bits-observation.json',
      'bpm-status.json',
      'glucose-observation.json',
      'temperature-observation.json',
    ],
  },
  {
    device: { systemId: '711000feff5f49b0', device: testKey('IG BP monitor'), gateway: testKey('phg') },
    examples: [
      'phd-711000FEFF5F49B0.B0495F001071.json',
      'phg-ecde3d4e58532d31.000000000000.json',
      'coin-20181119174911.json',
      'compound-numeric-blood-pressure.json',
      'compound-observation-glucose.json',
    ],
  },
];

test('the PHD IG examples are accepted at $phd-upload from a bound device’s gateway; a re-sent Bundle stores nothing new', async () => {
  assert.ok(oximeterLastPeriodMs > 0, 'the first test bound alice’s oximeter and committed a period');
  const hospital = net.url('hospital');
  const admin = readKeyFile(join(net.dir('hospital'), ADMIN_KEY_FILE));
  for (const { device } of IG_UPLOADS) {
    await net.commit(hospital, admin, 'monitoring.registerDevice', registrationOf(device));
  }
  let boundAtMs = 0;
  for (const { device } of IG_UPLOADS) {
    const bound = await net.commit(hospital, alice, 'monitoring.bindDevice', { systemId: device.systemId });
    boundAtMs = (await http(`${hospital}/api/v1/blocks/${bound.height}`)).body.header.timeMs as number;
  }
  // One period for every device, after the last binding and after the oximeter's last period.
  const after = Math.max(boundAtMs - (boundAtMs % PERIOD_MS), oximeterLastPeriodMs);
  const startMs = await closedPeriod({ apiUrl: hospital }, after, PERIOD_MS);
  const period = { startMs, ms: PERIOD_MS };
  const context = { chainId: net.chainId, patient: patientPseudonym(alice.publicKey) };
  // The IG's transaction Bundle (alice's oximeter), and each IG device's examples in one Bundle.
  const uploads = [
    { device: oximeter, bundle: igBundleAt(startMs + 100) },
    ...IG_UPLOADS.map(({ device, examples }) => ({
      device,
      bundle: igExamplesBundleAt(examples, startMs + 200),
    })),
  ];
  // SpO2 and pulse; a spot pulse, five alert bits, two status bits, glucose and temperature; BP's three.
  assert.deepEqual(
    uploads.map(({ bundle }) => parsePhdUpload(bundle).readings.length),
    [2, 10, 3],
  );
  const readingsOf = async (device: TestDevice) => {
    const found = await http(
      `${hospital}/fhir/R4/Observation?device=Device/${device.systemId}` +
        `&date=ge${iso(startMs)}&date=lt${iso(startMs + PERIOD_MS)}`,
      { headers: { authorization: `Bearer ${aliceToken}` } },
    );
    assert.equal(found.status, 200, JSON.stringify(found.body));
    return (found.body.entry ?? []).map((e: any) => e.resource.identifier[0].value).sort();
  };

  for (const { device, bundle } of uploads) {
    const expected = parsePhdUpload(bundle).readings.map((r) => r.id);
    assert.ok(expected.length > 0, `the ${device.systemId} examples carry readings`);
    const accepted = await phdUpload(hospital, context, device, period, bundle);
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    assert.equal(accepted.body.type, 'transaction-response');
    assert.equal(accepted.body.entry.length, bundle.entry.length);
    // The commitment is final on every node; the readings appear in the patient's own search.
    const txHash = accepted.headers.get(BATCH_TX_HEADER) ?? '';
    for (const url of net.apiUrls) {
      assert.ok(
        await waitFor(async () => (await http(`${url}/api/v1/txs/${txHash}`)).status === 200, 60_000),
      );
    }
    assert.deepEqual(await readingsOf(device), [...expected].sort());

    // Conditional create on the PHD identifier: the same Bundle again is refused and stores nothing new.
    const again = await phdUpload(hospital, context, device, period, bundle);
    assert.deepEqual([again.status, again.body.resourceType], [422, 'OperationOutcome']);
    assert.deepEqual(await readingsOf(device), [...expected].sort());
  }
});
