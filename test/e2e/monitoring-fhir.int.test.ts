// Remote monitoring on the FHIR boundary over real HTTP (issue 18 §6): Device search by the PHD IG's
// system id identifier, Observation search by device and period answered from the sealed readings, each
// only to whom it belongs (staff of the device's organisation, the bound patient); every refusal and bad
// parameter an OperationOutcome; an Observation search without `device` stays the records gateway's.
// The PHD IG's example transaction Bundle, moved into a live period and signed by the device, is accepted
// at POST /fhir/R4/$phd-upload, and its readings are found; a re-sent, unsigned or two-device upload is
// refused with an OperationOutcome and stores nothing. (The second test uses the first one's device.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { periodStart } from '../../src/app/monitoring/batch.ts';
import { readDevice } from '../../src/app/monitoring/keys.ts';
import { BATCH_TX_HEADER, BATCHES_PATH, PHD_UPLOAD_PATH } from '../../src/contract/monitoring.ts';
import type { KeyPair } from '../../src/node/keys.ts';
import { EUI64_SYSTEM } from '../../src/services/monitoring/fhir.ts';
import { fhirKeys, fhirTestNodeForTests, patientPseudonymOfTest, testKey } from '../harness/fhir-node.ts';
import { http, postJson } from '../harness/http.ts';
import {
  closedPeriod,
  igBundleAt,
  igReadings,
  oximeter,
  phdUpload,
  registerDevice,
  signedBatch,
  spareOximeter,
} from '../harness/monitoring.ts';

const t = fhirTestNodeForTests({ chainId: 'carechain-monitoring-fhir', listen: true });
const PERIOD_MS = 1000;

const fhirGet = (path: string, token: string) =>
  http(`${t.url}/fhir/R4/${path}`, { headers: { authorization: `Bearer ${token}` } });
const iso = (ms: number) => new Date(ms).toISOString();
/** The last period the first test committed, for the second to continue after. */
let lastPeriodMs = 0;

test('Device and Observation search by device and period, for the device’s staff and patient only', async () => {
  await registerDevice(t, oximeter);
  await registerDevice(t, spareOximeter);
  await t.submit(fhirKeys.patient, 'monitoring.bindDevice', { systemId: oximeter.systemId });
  const boundAtMs = readDevice(t.state(), oximeter.systemId)?.boundAtMs ?? 0;
  const first = await closedPeriod(t, periodStart(boundAtMs, PERIOD_MS) - PERIOD_MS, PERIOD_MS);
  const readings = igReadings(first);
  const sent = await postJson(
    `${t.url}${BATCHES_PATH}`,
    signedBatch(t, oximeter, { startMs: first, ms: PERIOD_MS }, readings),
  );
  assert.equal(sent.status, 200, JSON.stringify(sent.body));
  lastPeriodMs = first;

  // Device: the PHD gateway's conditional-create search, dashed upper-case EUI-64 as the IG writes it.
  const devices = await fhirGet(
    `Device?identifier=${encodeURIComponent(`${EUI64_SYSTEM}|00-1C-05-04-00-00-78-25`)}`,
    t.tokens.doctor,
  );
  assert.equal(devices.status, 200, JSON.stringify(devices.body));
  assert.equal(devices.body.total, 1);
  const device = devices.body.entry[0].resource;
  assert.deepEqual(
    [device.id, device.identifier[0].value, device.patient.identifier.value, device.status],
    [oximeter.systemId, '00-1C-05-04-00-00-78-25', patientPseudonymOfTest, 'active'],
  );
  const none = await fhirGet(
    `Device?identifier=${encodeURIComponent(`${EUI64_SYSTEM}|00-00-00-00-00-00-00-01`)}`,
    t.tokens.doctor,
  );
  assert.deepEqual([none.status, none.body.total], [200, 0]);

  // Observation: the period's readings, oldest first, to the doctor and to the patient alike.
  const period = `device=Device/${oximeter.systemId}&date=ge${iso(first)}&date=lt${iso(first + PERIOD_MS)}`;
  for (const token of [t.tokens.doctor, t.tokens.patient]) {
    const found = await fhirGet(`Observation?${period}`, token);
    assert.equal(found.status, 200, JSON.stringify(found.body));
    const observations = found.body.entry.map((e: any) => e.resource);
    assert.deepEqual(
      observations.map((o: any) => [
        o.identifier[0].value,
        o.code.coding[0].code,
        o.valueQuantity.value,
        o.effectiveDateTime,
        o.device.reference,
        o.subject.identifier.value,
      ]),
      readings.map((r) => [
        r.id,
        r.code,
        Number(r.value),
        iso(r.timeMs),
        `Device/${oximeter.systemId}`,
        patientPseudonymOfTest,
      ]),
    );
  }
  const later = await fhirGet(
    `Observation?device=Device/${oximeter.systemId}&date=ge${iso(first + PERIOD_MS)}`,
    t.tokens.doctor,
  );
  assert.deepEqual([later.status, later.body.entry ?? []], [200, []]);
  const one = await fhirGet(`Observation?${period}&_count=1`, t.tokens.doctor);
  assert.equal(one.body.entry.length, 1);

  // Refusals, each an OperationOutcome: another organisation's nurse, a patient for a device not bound to
  // her, the patient at the staff-only registry, and bad parameters, decided before anything is read.
  const refusals: [string, string, number][] = [
    [`Observation?${period}`, t.tokens.nurse, 403],
    [`Observation?device=Device/${spareOximeter.systemId}`, t.tokens.patient, 403],
    [`Observation?device=Device/0000000000000001`, t.tokens.doctor, 403],
    [`Device?identifier=${encodeURIComponent(`${EUI64_SYSTEM}|00-1C`)}`, t.tokens.doctor, 400],
    [
      `Device?identifier=${encodeURIComponent(`${EUI64_SYSTEM}|00-1C-05-04-00-00-78-25`)}`,
      t.tokens.patient,
      403,
    ],
    ['Observation?device=Device/zz', t.tokens.doctor, 400],
    [`Observation?${period}&device=Device/${spareOximeter.systemId}`, t.tokens.doctor, 400],
    [`Observation?${period}&code=150456`, t.tokens.doctor, 400],
    [`Observation?${period}&_count=0`, t.tokens.doctor, 400],
    [`Observation?${period}&_count=1001`, t.tokens.doctor, 400],
    [`Observation?device=Device/${oximeter.systemId}&date=sa2026`, t.tokens.doctor, 400],
    [`Observation?device=Device/${oximeter.systemId}&date=notadate`, t.tokens.doctor, 400],
  ];
  for (const [path, token, status] of refusals) {
    const answer = await fhirGet(path, token);
    assert.deepEqual([path, answer.status, answer.body.resourceType], [path, status, 'OperationOutcome']);
  }

  // Without `device`, an Observation search is the records gateway's, as before (no reading in it).
  const records = await fhirGet(`Observation?subject=Patient/${patientPseudonymOfTest}`, t.tokens.doctor);
  assert.notEqual(
    records.body.issue?.[0]?.diagnostics ?? '',
    'a search by device takes device, date and _count only, not subject',
  );
  for (const entry of records.body.entry ?? []) {
    assert.notEqual(entry.resource.device?.reference, `Device/${oximeter.systemId}`);
  }
});

/**
 * Uploads `bundle` for the period, signed over the readings the PHD parser derives from `signedOver` (the
 * bundle itself unless a test sends something other than what was signed).
 */
const upload = (bundle: unknown, startMs: number, signer: KeyPair = oximeter.device, signedOver = bundle) =>
  phdUpload(t.url, t, oximeter, { startMs, ms: PERIOD_MS }, bundle, signer, signedOver);

test('the PHD IG example Bundle is accepted at $phd-upload and found; re-sent, forged or mixed uploads store nothing', async () => {
  assert.ok(lastPeriodMs > 0, 'the first test bound the oximeter and committed a period');
  const startMs = await closedPeriod(t, lastPeriodMs, PERIOD_MS);
  const bundle = igBundleAt(startMs + 100);
  const accepted = await upload(bundle, startMs);
  assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
  assert.equal(accepted.body.type, 'transaction-response');
  // Patient, PHG, PHD and the coincident time stamp are accepted and kept nowhere; two readings created.
  assert.deepEqual(
    accepted.body.entry.map((e: any) => e.response.status),
    ['200 OK', '200 OK', '200 OK', '200 OK', '201 Created', '201 Created'],
  );
  assert.match(accepted.headers.get(BATCH_TX_HEADER) ?? '', /^[0-9a-f]{64}$/);
  const found = await fhirGet(
    `Observation?device=Device/${oximeter.systemId}&date=ge${iso(startMs)}&date=lt${iso(startMs + PERIOD_MS)}`,
    t.tokens.doctor,
  );
  const byCode = (a: any[], b: any[]) => (a[0] < b[0] ? -1 : 1);
  assert.deepEqual(
    found.body.entry
      .map((e: any) => [e.resource.code.coding[0].code, e.resource.valueQuantity.value])
      .sort(byCode),
    [
      ['149530', 47],
      ['150456', 98],
    ],
  );

  const later = await closedPeriod(t, startMs, PERIOD_MS);
  const twoDevices = igBundleAt(later + 100);
  const spare = twoDevices.entry.find((e: any) => e.resource.id === 'phd-001').resource;
  twoDevices.entry.push({
    resource: {
      ...structuredClone(spare),
      id: 'phd-002',
      identifier: [{ ...spare.identifier[0], value: '00-1C-05-04-00-00-78-26' }],
    },
    request: { method: 'POST', url: 'Device' },
  });
  const secondReading = structuredClone(twoDevices.entry[4]);
  secondReading.resource.device = { reference: 'Device/phd-002' };
  twoDevices.entry.push(secondReading);
  const refusals: [string, () => Promise<any>, number][] = [
    ['re-sent', () => upload(bundle, startMs), 422],
    ['forged', () => upload(igBundleAt(later + 200), later, testKey('forger')), 422],
    ['two devices', () => upload(twoDevices, later), 400],
    [
      'outside its period',
      () => upload(igBundleAt(later + PERIOD_MS + 5), later, oximeter.device, igBundleAt(later + 5)),
      422,
    ],
  ];
  for (const [what, send, status] of refusals) {
    const { status: actual, body } = await send();
    assert.deepEqual([what, actual, body.resourceType], [what, status, 'OperationOutcome']);
  }
  const unsigned = await http(`${t.url}${PHD_UPLOAD_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/fhir+json' },
    body: JSON.stringify(igBundleAt(later + 300)),
  });
  assert.deepEqual([unsigned.status, unsigned.body.resourceType], [400, 'OperationOutcome']);
  const nothing = await fhirGet(
    `Observation?device=Device/${oximeter.systemId}&date=ge${iso(later)}`,
    t.tokens.doctor,
  );
  assert.deepEqual(nothing.body.entry ?? [], []);
});
