// A monitored patient for tests (issue 18): test devices, the PHD IG example's readings moved into a live
// period, the compact batch a gateway signs, device registration at the hospital of a FHIR test node, and
// the wait for a period the chain's clock has closed, for in-process test nodes and node processes alike.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Reading } from '../../src/app/monitoring/batch.ts';
import type { News2Vitals } from '../../src/app/monitoring/news2.ts';
import { parsePhdUpload } from '../../src/app/monitoring/phd.ts';
import {
  BATCH_PERIOD_HEADER,
  BATCH_SIGNATURE_HEADER,
  PHD_UPLOAD_PATH,
} from '../../src/contract/monitoring.ts';
import { NORMAL_VITALS } from '../../src/app/monitoring/test-fixtures.ts';
import { signCompactBatch } from '../../src/client/device-batch.ts';
import type { KeyPair } from '../../src/node/keys.ts';
import { sharedTestdata } from './files.ts';
import { fhirKeys, patientPseudonymOfTest, testKey, type FhirTestNode } from './fhir-node.ts';
import { http, waitFor } from './http.ts';

export interface TestDevice {
  readonly systemId: string;
  readonly device: KeyPair;
  readonly gateway: KeyPair;
}

/** The PHD IG example's pulse oximeter (00-1C-05-04-00-00-78-25) and a spare one. */
export const oximeter: TestDevice = {
  systemId: '001c050400007825',
  device: testKey('oximeter'),
  gateway: testKey('phg'),
};
export const spareOximeter: TestDevice = {
  systemId: '001c050400007826',
  device: testKey('spare oximeter'),
  gateway: testKey('phg'),
};

/** One of the PHD IG's examples, read in place (../shared/testdata/fhir/phd). */
export function phdExample(name: string): any {
  return JSON.parse(readFileSync(sharedTestdata('fhir', 'phd', name), 'utf8'));
}

/** The IG Bundle's readings, moved into `periodStartMs` as a gateway would send them live. */
export function igReadings(periodStartMs: number, tag = ''): Reading[] {
  return parsePhdUpload(phdExample('bundle-example-1.json')).readings.map(({ id, code, value, unit }, i) => ({
    id: `${id}${tag}`,
    code,
    value,
    unit,
    timeMs: periodStartMs + i,
  }));
}

/** The chain a batch is signed for, and the patient the device is bound to (the FHIR test node's by default). */
export interface BatchContext {
  readonly chainId: string;
  readonly patient?: string;
}

/** The compact batch for `readings`, signed by `signer` (the device itself unless a forger is named). */
export function signedBatch(
  t: BatchContext,
  d: TestDevice,
  period: { startMs: number; ms: number },
  readings: readonly Reading[],
  signer: KeyPair = d.device,
) {
  return signCompactBatch(
    {
      chainId: t.chainId,
      systemId: d.systemId,
      patient: t.patient ?? patientPseudonymOfTest,
      periodStartMs: period.startMs,
      periodMs: period.ms,
      seed: signer.seed,
    },
    readings,
  );
}

/** The hospital registers the device (its administrator signs). */
export async function registerDevice(t: FhirTestNode, d: TestDevice): Promise<void> {
  await t.submit(fhirKeys.hospitalAdmin, 'monitoring.registerDevice', registrationOf(d));
}

/** The monitoring.registerDevice payload of a test device (a pulse oximeter behind the IG's PHG). */
export const registrationOf = (d: TestDevice) => ({
  systemId: d.systemId,
  typeCode: '528388',
  gatewayId: '4c4e49123456ffff',
  gatewayKey: d.gateway.publicKey,
  deviceKey: d.device.publicKey,
});

/** The chain's clock: the last block's time, at an in-process node or a node process's status. */
export type ChainClock = FhirTestNode | { readonly apiUrl: string };

async function chainTimeMs(clock: ChainClock): Promise<number> {
  if ('node' in clock) return clock.node.ledger.tip().header?.timeMs ?? 0;
  return (await http(`${clock.apiUrl}/api/v1/status`)).body.lastBlockTimeMs as number;
}

/** The period after `after`, once the chain's clock has passed its end (a gateway sends closed periods). */
export async function closedPeriod(clock: ChainClock, after: number, periodMs: number): Promise<number> {
  const start = after + periodMs;
  const passed = async () => (await chainTimeMs(clock)) >= start + periodMs;
  assert.ok(await waitFor(passed, 120_000), 'the chain’s clock passed the period');
  return start;
}

/** RR 25 (3), SpO2 91 on scale 1 (3), on oxygen (2), pulse 112 (2): NEWS2 10, high risk. */
export const DETERIORATING_VITALS: News2Vitals = {
  ...NORMAL_VITALS,
  respiratoryRate: 25,
  spo2: 91,
  onOxygen: true,
  pulse: 112,
};

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * `bundle` (a PHD transaction Bundle) moved to `atMs`, as a gateway would send it live: every measurement
 * at `atMs`, each coincident time stamp moved whole, so the PHD's clock skew it records stays what the IG
 * example has. Changes the Bundle in place and answers it.
 */
export function movedTo(bundle: any, atMs: number): any {
  for (const { resource } of bundle.entry) {
    if (resource.resourceType !== 'Observation' || resource.effectiveDateTime === undefined) continue;
    if (resource.valueDateTime !== undefined) {
      const skewMs = Date.parse(resource.effectiveDateTime) - Date.parse(resource.valueDateTime);
      resource.valueDateTime = iso(atMs - skewMs);
    }
    resource.effectiveDateTime = iso(atMs);
  }
  return bundle;
}

/** The IG's example transaction Bundle with its Observations moved to `atMs` (the coincident time stamp too). */
export const igBundleAt = (atMs: number): any => movedTo(phdExample('bundle-example-1.json'), atMs);

/**
 * The IG's stand-alone examples `names` (Devices, coincident time stamps, Observations) as the one
 * transaction Bundle a gateway uploads, each entry a POST of its resource, moved to `atMs`.
 */
export function igExamplesBundleAt(names: readonly string[], atMs: number): any {
  const entry = names.map((name) => {
    const resource = phdExample(name);
    return { resource, request: { method: 'POST', url: resource.resourceType } };
  });
  return movedTo({ resourceType: 'Bundle', type: 'transaction', entry }, atMs);
}

/**
 * POSTs `bundle` to the node's $phd-upload for the period, its batch signature in the headers, signed by
 * `signer` over the readings the PHD parser derives from `signedOver` (the Bundle itself unless a test
 * sends something other than what was signed).
 */
export function phdUpload(
  apiUrl: string,
  t: BatchContext,
  d: TestDevice,
  period: { startMs: number; ms: number },
  bundle: unknown,
  signer: KeyPair = d.device,
  signedOver: unknown = bundle,
) {
  const { readings } = parsePhdUpload(signedOver);
  const { signature } = signedBatch(t, d, period, readings, signer);
  return http(`${apiUrl}${PHD_UPLOAD_PATH}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/fhir+json',
      [BATCH_PERIOD_HEADER]: `${period.startMs}/${period.ms}`,
      [BATCH_SIGNATURE_HEADER]: `device ${signature}`,
    },
    body: JSON.stringify(bundle),
  });
}
