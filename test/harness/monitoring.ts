// A monitored patient for tests (issue 18): test devices, the PHD IG example's readings moved into a live
// period, the compact batch a gateway signs, device registration at the hospital of a FHIR test node, and
// the wait for a period the chain's clock has closed, for in-process test nodes and node processes alike.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Reading } from '../../src/app/monitoring/batch.ts';
import type { News2Vitals } from '../../src/app/monitoring/news2.ts';
import { parsePhdUpload } from '../../src/app/monitoring/phd.ts';
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

/** The IG Bundle's readings, moved into `periodStartMs` as a gateway would send them live. */
export function igReadings(periodStartMs: number, tag = ''): Reading[] {
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
