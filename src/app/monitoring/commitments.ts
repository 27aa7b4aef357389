// Batch commitments (issue 18 §3): per device and period, one tx carries the Merkle root and count of the
// period's readings, signed by the device or its gateway. The custodian's node submits it; the readings
// stay in its vault. Periods only move forward per device, so a replayed or re-ordered batch is refused.
import { fromHex } from '../../core/bytes.ts';
import { canonicalBytes } from '../../core/canonical.ts';
import { verifyMessage } from '../../core/crypto/index.ts';
import type { TxContext } from '../module.ts';
import { enumField, hexField, invalidPayload, rejected, safeIntegerField } from '../payload.ts';
import type { PayloadObject } from '../payload.ts';
import { readStateValue, writeStateValue } from '../state.ts';
import { BATCH_READINGS_MAX } from './batch.ts';
import { DAY_MS, EMPTY_DAY_DIGEST, nextDayDigest, utcDay } from './billing.ts';
import { existingDevice, signingOrg, systemIdField } from './devices.ts';
import { batchKey, dayKey, deviceKey, type BatchRecord, type DayRecord } from './keys.ts';

export const BATCH_SIGNERS = ['device', 'gateway'] as const;
export type BatchSigner = (typeof BATCH_SIGNERS)[number];
/** Periods from one second to one hour that divide a day, so no period straddles two billing days. */
const PERIOD_MS_MIN = 1000;
export const PERIOD_MS_MAX = 3_600_000;

export interface BatchStatement {
  readonly systemId: string;
  readonly patient: string;
  readonly periodStartMs: number;
  readonly periodMs: number;
  readonly root: string;
  readonly count: number;
}

/** What the device or gateway signs (purpose 'device-batch', bound to the chain id). */
export function batchStatementBytes(statement: BatchStatement): Uint8Array {
  const { systemId, patient, periodStartMs, periodMs, root, count } = statement;
  return canonicalBytes({ systemId, patient, periodStartMs, periodMs, root, count });
}

const COMMIT_BATCH_FIELDS = [
  'systemId',
  'periodStartMs',
  'periodMs',
  'root',
  'count',
  'signedBy',
  'signature',
];

function parseCommit(p: PayloadObject) {
  const periodMs = safeIntegerField(p.periodMs, 'periodMs', PERIOD_MS_MIN);
  if (periodMs > PERIOD_MS_MAX || DAY_MS % periodMs !== 0) {
    throw invalidPayload('periodMs must divide a day and be at most an hour', { field: 'periodMs' });
  }
  const periodStartMs = safeIntegerField(p.periodStartMs, 'periodStartMs', 0);
  if (periodStartMs % periodMs !== 0) {
    throw invalidPayload('periodStartMs must be a multiple of periodMs', { field: 'periodStartMs' });
  }
  const count = safeIntegerField(p.count, 'count', 1);
  if (count > BATCH_READINGS_MAX) throw invalidPayload('count is above the batch limit', { field: 'count' });
  return {
    systemId: systemIdField(p.systemId),
    periodStartMs,
    periodMs,
    root: hexField(p.root, 'root', 32),
    count,
    signedBy: enumField(p.signedBy, 'signedBy', BATCH_SIGNERS),
    signature: hexField(p.signature, 'signature', 64),
  };
}

function applyCommit(ctx: TxContext, payload: PayloadObject): void {
  const commit = parseCommit(payload);
  const device = existingDevice(ctx.state, commit.systemId, signingOrg(ctx.state, ctx.signer));
  if (device.status !== 'active') throw rejected('monitoring.device_revoked', 'the device is revoked');
  if (device.patient === null || device.boundAtMs === null) {
    throw rejected('monitoring.device_unbound', 'the device is not bound to a patient');
  }
  if (device.lastPeriodStartMs !== null && commit.periodStartMs <= device.lastPeriodStartMs) {
    throw rejected('monitoring.batch_replayed', 'a batch for this or a later period is committed already');
  }
  if (commit.periodStartMs + commit.periodMs <= device.boundAtMs || commit.periodStartMs > ctx.timeMs) {
    throw rejected('monitoring.period_out_of_binding', 'the period is before the binding or in the future');
  }
  const key = commit.signedBy === 'device' ? device.deviceKey : device.gatewayKey;
  const statement = batchStatementBytes({ ...commit, patient: device.patient });
  const signature = fromHex(commit.signature);
  if (!verifyMessage(fromHex(key), 'device-batch', ctx.chainId, statement, signature)) {
    throw rejected('monitoring.bad_batch_signature', 'the batch is not signed by the device or its gateway');
  }
  const batch: BatchRecord = {
    patient: device.patient,
    periodMs: commit.periodMs,
    root: commit.root,
    count: commit.count,
    signedBy: commit.signedBy,
    height: ctx.height,
    timeMs: ctx.timeMs,
  };
  writeStateValue(ctx.state, batchKey(commit.systemId, commit.periodStartMs), batch);
  writeStateValue(ctx.state, deviceKey(commit.systemId), {
    ...device,
    lastPeriodStartMs: commit.periodStartMs,
  });
  const day = dayKey(commit.systemId, device.patient, utcDay(commit.periodStartMs));
  const before = readStateValue<DayRecord>(ctx.state, day) ?? {
    batches: 0,
    batchRootsDigest: EMPTY_DAY_DIGEST,
  };
  const after: DayRecord = {
    batches: before.batches + 1,
    batchRootsDigest: nextDayDigest(before.batchRootsDigest, commit.root),
  };
  writeStateValue(ctx.state, day, after);
}

export const COMMITMENT_HANDLERS = [
  { type: 'monitoring.commitBatch', fields: COMMIT_BATCH_FIELDS, apply: applyCommit },
] as const;
