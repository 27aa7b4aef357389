// Devices and signed batches for the monitoring module's tests (imported by *.test.ts only).
import { toHex } from '../../core/bytes.ts';
import { signMessage } from '../../core/crypto/index.ts';
import { chainId, party, type Outcome, type Party, type TestChain } from '../test-support.ts';
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
