// The PHD IG upload parser on the IG's own examples (../shared/testdata/fhir/phd, read in place): the
// transaction Bundle, numeric, compound blood pressure, device-alert bits and coincident time stamps with
// and without a clock fault, plus the uploads it must refuse.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { sharedTestdata } from '../../../test/harness/files.ts';
import { batchSummary, periodStart } from './batch.ts';
import { CLOCK_SKEW_FAULT_MS, coincidentClock, eui64, parsePhdUpload } from './phd.ts';

const phd = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(sharedTestdata('fhir', 'phd', name), 'utf8')) as Record<string, unknown>;

/** What the server holds already when a PHG references Devices and time stamps it sent earlier. */
const CONTEXT = readdirSync(sharedTestdata('fhir', 'phd'))
  .filter((name) => /^(phd-|phg-|coin-)/.test(name))
  .map(phd);

type Json = Record<string, unknown>;
const refused = { code: 'monitoring.invalid_upload' };

const PULSE_OXIMETER = '74e8fffeff051c00';
const BP_MONITOR = '711000feff5f49b0';

test('the IG transaction Bundle: SpO2 and pulse rate of the pulse oximeter, its PHG and PHD, nothing lost', () => {
  const parsed = parsePhdUpload(phd('bundle-example-1.json'));
  assert.deepEqual(parsed.devices.map((d) => [d.systemId, d.role, d.typeCode]).sort(), [
    ['001c050400007825', 'device', '528388'],
    ['4c4e49123456ffff', 'gateway', '531981'],
  ]);
  assert.deepEqual(
    parsed.readings.map((r) => [r.kind, r.systemId, r.code, r.value, r.unit]),
    [
      ['numeric', '001c050400007825', '150456', '98', '%'],
      ['numeric', '001c050400007825', '149530', '47', '/min'],
    ],
  );
  assert.deepEqual(
    parsed.setAside.map((s) => s.reason),
    ['patient', 'gateway-device', 'device', 'coincident-timestamp'],
  );
  // PHG 12:40:07.936 read PHD 12:40:09.000: the PHD runs 1.064 s fast, well inside the tolerance.
  for (const reading of parsed.readings) {
    assert.equal(reading.clockSkewMs, -1064);
    assert.equal(reading.clockFault, false);
  }
  assert.equal(parsed.readings[0]!.timeMs, Date.UTC(2019, 8, 20, 16, 40, 16, 936));
});

test('a re-sent Bundle yields the same reading ids, so conditional create stores each reading once', () => {
  const first = parsePhdUpload(phd('bundle-example-1.json')).readings.map((r) => r.id);
  const again = parsePhdUpload(phd('bundle-example-1.json')).readings.map((r) => r.id);
  assert.deepEqual(again, first);
  assert.equal(new Set(first).size, first.length);
  // The same reading at another time is another reading.
  const later = structuredClone(phd('bundle-example-1.json')) as { entry: { resource: Json }[] };
  later.entry[4]!.resource.effectiveDateTime = '2019-09-20T12:41:16.936-04:00';
  assert.notEqual(parsePhdUpload(later).readings[0]!.id, first[0]);
});

test('an identifier the PHG sent is the conditional-create key as it is', () => {
  const [reading] = parsePhdUpload(phd('numeric-spotnumeric.json'), CONTEXT).readings;
  assert.equal(
    reading!.id,
    '74E8FFFEFF051C00-sisansarahId-urn:oid:2.999.1.2.3.4.5.6.7.8.10-149530-20181113175903.00-150588',
  );
  assert.deepEqual([reading!.systemId, reading!.code, reading!.value], [PULSE_OXIMETER, '149530', '48']);
});

test('compound blood pressure: systolic, diastolic and mean as three readings of one observation', () => {
  const parsed = parsePhdUpload(phd('compound-numeric-blood-pressure.json'), CONTEXT);
  assert.deepEqual(
    parsed.readings.map((r) => [r.kind, r.systemId, r.code, r.value, r.unit]),
    [
      ['compound', BP_MONITOR, '150021', '116', 'mm[Hg]'],
      ['compound', BP_MONITOR, '150022', '71', 'mm[Hg]'],
      ['compound', BP_MONITOR, '150023', '86', 'mm[Hg]'],
    ],
  );
  const ids = parsed.readings.map((r) => r.id);
  assert.equal(new Set(ids).size, 3);
  // One period's batch takes all three: they are distinct leaves.
  const start = periodStart(parsed.readings[0]!.timeMs);
  assert.equal(batchSummary(parsed.readings, start).count, 3);
});

test('device-alert bits: one reading per reported bit of the oximeter status', () => {
  const parsed = parsePhdUpload(phd('bits-observation.json'), CONTEXT);
  assert.deepEqual(
    parsed.readings.map((r) => [r.kind, r.code, r.value]),
    ['150604.2', '150604.7', '150604.10', '150604.11', '150604.12'].map((bit) => ['device-alert', bit, '1']),
  );
});

test('a coincident time stamp 5 s off is within tolerance; one beyond it, or without a PHD time, is a fault', () => {
  // coin-example-1: PHG 18:02:35 read PHD 18:02:30, referenced by bits-observation.json.
  const [reading] = parsePhdUpload(phd('bits-observation.json'), CONTEXT).readings;
  assert.deepEqual([reading!.clockSkewMs, reading!.clockFault], [5000, false]);
  const cts = phd('coin-example-1.json');
  const drifted = { ...cts, valueDateTime: '2017-06-02T17:58:30-04:00' };
  assert.deepEqual(coincidentClock(drifted), { skewMs: 245_000, fault: true });
  assert.ok(245_000 > CLOCK_SKEW_FAULT_MS);
  const { valueDateTime: _gone, ...noClock } = cts;
  assert.deepEqual(coincidentClock({ ...noClock, dataAbsentReason: { text: 'no clock' } }), {
    skewMs: null,
    fault: true,
  });
  // The drifted stamp flags every reading that references it.
  const context = CONTEXT.map((r) => (r.id === 'coin-example-1' ? drifted : r));
  const flagged = parsePhdUpload(phd('bits-observation.json'), context).readings;
  assert.ok(flagged.length > 0 && flagged.every((r) => r.clockFault && r.clockSkewMs === 245_000));
});

test('every IG example is accepted: readings or a reason, never an error', () => {
  for (const name of readdirSync(sharedTestdata('fhir', 'phd'))) {
    const resource = phd(name);
    if (resource.resourceType !== 'Bundle' && resource.resourceType !== 'Observation') continue;
    const parsed = parsePhdUpload(resource, CONTEXT);
    assert.ok(parsed.readings.length + parsed.setAside.length > 0, name);
  }
  // Not-a-number and a sampled waveform carry nothing to anchor.
  const nan = parsePhdUpload(phd('numeric-observation-not-a-number.json'), CONTEXT);
  assert.deepEqual(
    nan.setAside.map((s) => s.reason),
    ['no-numeric-value'],
  );
  assert.deepEqual(
    parsePhdUpload(phd('temperature-observation.json'), CONTEXT).readings.map((r) => [r.code, r.value]),
    [['150364', '36.5']],
  );
});

test('uploads that are not PHD uploads are refused; an Observation of an unknown device is set aside', () => {
  assert.throws(() => parsePhdUpload([]), refused);
  assert.throws(() => parsePhdUpload({ resourceType: 'Patient' }), refused);
  assert.throws(() => parsePhdUpload({ resourceType: 'Bundle', type: 'searchset', entry: [] }), refused);
  assert.throws(
    () => parsePhdUpload({ resourceType: 'Bundle', type: 'transaction', entry: [{ fullUrl: 'x' }] }),
    refused,
  );
  const orphan = parsePhdUpload(phd('temperature-observation.json'));
  assert.deepEqual(
    orphan.setAside.map((s) => s.reason),
    ['unknown-device'],
  );
  assert.equal(eui64('74-E8-FF-FE-FF-05-1C-00'), PULSE_OXIMETER);
  assert.equal(eui64('74-E8-FF'), undefined);
});
