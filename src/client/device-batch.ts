// What a PHD gateway sends (issue 18 §2–3): one device's readings of one period as a compact batch,
// signed by the device (or its gateway) over the statement the chain checks (app/monitoring/commitments.ts:
// system id, bound patient, period, Merkle root, count). `carechain devices simulate`, the bench and the
// tests all sign batches here, so they fold the readings exactly as the node does.
import { batchSummary, type Reading } from '../app/monitoring/batch.ts';
import { batchStatementBytes, type BatchSigner } from '../app/monitoring/commitments.ts';
import { toHex } from '../core/bytes.ts';
import { signMessage } from '../core/crypto/index.ts';
import type { CompactBatchBody } from '../contract/monitoring.ts';

export interface BatchSigning {
  readonly chainId: string;
  readonly systemId: string;
  /** The pseudonym of the patient the device is bound to. */
  readonly patient: string;
  readonly periodStartMs: number;
  readonly periodMs: number;
  /** The device's (or, with signedBy 'gateway', the gateway's) Ed25519 seed. */
  readonly seed: Uint8Array;
  readonly signedBy?: BatchSigner;
}

/** The compact batch of `readings` (POST /api/v1/monitoring/batches), signed over its root. */
export function signCompactBatch(s: BatchSigning, readings: readonly Reading[]): CompactBatchBody {
  const { systemId, patient, periodStartMs, periodMs } = s;
  const { root, count } = batchSummary(readings, periodStartMs, periodMs);
  const statement = { systemId, patient, periodStartMs, periodMs, root, count };
  const signature = toHex(signMessage(s.seed, 'device-batch', s.chainId, batchStatementBytes(statement)));
  return {
    systemId,
    periodStartMs,
    periodMs,
    signedBy: s.signedBy ?? 'device',
    signature,
    readings: readings.map(({ id, code, value, unit, timeMs }) => ({ id, code, value, unit, timeMs })),
  };
}
