// Devices and signed batches for the monitoring module's tests (imported by *.test.ts only).
import assert from 'node:assert/strict';
import { toHex } from '../../core/bytes.ts';
import { signMessage } from '../../core/crypto/index.ts';
import {
  alice,
  alicePseudonym,
  chainId,
  hospitalNode,
  party,
  TestChain,
  type Outcome,
  type Party,
} from '../test-support.ts';
import { DAY_MS } from './billing.ts';
import { batchStatementBytes, type BatchSigner } from './commitments.ts';
import type { News2Vitals } from './news2.ts';

export interface TestDevice {
  readonly systemId: string;
  readonly device: Party;
  readonly gateway: Party;
}

/** A pulse oximeter behind its own gateway; `n` tells devices apart. */
export function testDevice(n: number): TestDevice {
  return {
    systemId: `74e8fffeff051c${n.toString(16).padStart(2, '0')}`,
    device: party(`oximeter ${n}`),
    gateway: party(`gateway ${n}`),
  };
}

export function registerPayload(d: TestDevice) {
  return {
    systemId: d.systemId,
    typeCode: '528388',
    gatewayId: `ecde3d4e58532d${d.systemId.slice(-2)}`,
    gatewayKey: d.gateway.key,
    deviceKey: d.device.key,
  };
}

export interface BatchOptions {
  readonly periodStartMs: number;
  readonly periodMs?: number;
  readonly root?: string;
  readonly count?: number;
  readonly signedBy?: BatchSigner;
  /** Who really signs (default: the party signedBy names); another party forges. */
  readonly signer?: Party;
  /** The patient the signer believes the device is bound to. */
  readonly patient: string;
}

/** The custodian `submitter` commits a batch of device `d`, signed as the options say: the outcome. */
export function commitBatch(chain: TestChain, submitter: Party, d: TestDevice, o: BatchOptions): Outcome {
  const { periodStartMs, periodMs = 60_000, root = 'ab'.repeat(32), count = 60, signedBy = 'device' } = o;
  const signer = o.signer ?? (signedBy === 'device' ? d.device : d.gateway);
  const statement = { systemId: d.systemId, patient: o.patient, periodStartMs, periodMs, root, count };
  const signature = toHex(signMessage(signer.seed, 'device-batch', chainId, batchStatementBytes(statement)));
  const payload = { systemId: d.systemId, periodStartMs, periodMs, root, count, signedBy, signature };
  return chain.submit(submitter, 'monitoring.commitBatch', payload);
}

/** A vital-signs set that scores 0 on every parameter. */
export const NORMAL_VITALS: News2Vitals = {
  respiratoryRate: 16,
  spo2: 97,
  spo2Scale: 1,
  onOxygen: false,
  systolicBP: 120,
  pulse: 70,
  consciousness: 'A',
  temperatureC: 37,
};

/** St Mary's pulse oximeter, registered by its node and bound by Alice in chainWithBoundDevice. */
export const oximeter = testDevice(1);

export function chainWithBoundDevice(): TestChain {
  const chain = new TestChain();
  assert.equal(chain.submit(alice, 'membership.registerPatient', {}), 'ok');
  assert.equal(chain.submit(hospitalNode, 'monitoring.registerDevice', registerPayload(oximeter)), 'ok');
  assert.equal(chain.submit(alice, 'monitoring.bindDevice', { systemId: oximeter.systemId }), 'ok');
  chain.commit();
  return chain;
}

/** The start of the current one-minute period. */
export const minute = (chain: TestChain): number => Math.floor(chain.timeMs / 60_000) * 60_000;

export interface Stream {
  readonly custodian: Party;
  readonly device: TestDevice;
  readonly days: readonly number[];
}

/** Walks the 30 days from `periodStartMs`; on each stream's days its custodian commits one batch for Alice. */
export function transmit(chain: TestChain, periodStartMs: number, streams: readonly Stream[]): void {
  for (let day = 0; day < 30; day++) {
    chain.advance(periodStartMs + day * DAY_MS + 3_600_000 - chain.timeMs);
    for (const { custodian, device } of streams.filter((s) => s.days.includes(day))) {
      const batch = { periodStartMs: minute(chain), patient: alicePseudonym };
      assert.equal(commitBatch(chain, custodian, device, batch), 'ok');
    }
  }
}
