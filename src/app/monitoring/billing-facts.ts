// The committed billing fact (issue 18 §5): once a 30-day period has ended, the device's organisation
// records the days with at least one committed batch for the patient, the code it supports, and flags
// when another organisation, or another device of the same one, billed the same patient for an
// overlapping period. The claims module can reference the fact by device and period.
import type { TxContext } from '../module.ts';
import { hexField, invalidPayload, rejected, safeIntegerField, type PayloadObject } from '../payload.ts';
import { readStateValue, writeStateValue, type StateReader } from '../state.ts';
import {
  BILLING_PERIOD_DAYS,
  DAY_MS,
  EMPTY_DAY_DIGEST,
  transmissionFact,
  utcDay,
  type TransmissionDay,
} from './billing.ts';
import { existingDevice, signingOrg, systemIdField } from './devices.ts';
import {
  billedKey,
  billingKey,
  dayKey,
  type BilledEntry,
  type BillingFlag,
  type BillingRecord,
  type DayRecord,
} from './keys.ts';

const PERIOD_MS = BILLING_PERIOD_DAYS * DAY_MS;
/** The per-patient index keeps the periods that could still overlap a new one, and at most this many. */
const BILLED_ENTRIES_MAX = 64;

/** The 30 days of a period, as the chain's day records give them. */
export function committedDays(
  state: StateReader,
  systemId: string,
  patient: string,
  periodStartMs: number,
): TransmissionDay[] {
  const first = utcDay(periodStartMs);
  return Array.from({ length: BILLING_PERIOD_DAYS }, (_, day) => {
    const record = readStateValue<DayRecord>(state, dayKey(systemId, patient, first + day));
    return {
      day,
      batches: record?.batches ?? 0,
      batchRootsDigest: record?.batchRootsDigest ?? EMPTY_DAY_DIGEST,
    };
  });
}

/** Overlapping periods billed for the patient by another organisation or another device. */
export function billingFlags(earlier: readonly BilledEntry[], entry: BilledEntry): BillingFlag[] {
  const overlapping = earlier.filter((e) => Math.abs(e.periodStartMs - entry.periodStartMs) < PERIOD_MS);
  const flags: BillingFlag[] = [];
  if (overlapping.some((e) => e.orgId !== entry.orgId)) flags.push('another-organisation');
  if (overlapping.some((e) => e.orgId === entry.orgId && e.systemId !== entry.systemId))
    flags.push('second-device');
  return flags;
}

const RECORD_BILLING_FIELDS = ['systemId', 'patient', 'periodStartMs'];

function applyRecordBilling(ctx: TxContext, p: PayloadObject): void {
  const systemId = systemIdField(p.systemId);
  const patient = hexField(p.patient, 'patient', 32);
  const periodStartMs = safeIntegerField(p.periodStartMs, 'periodStartMs', 0);
  if (periodStartMs % DAY_MS !== 0) {
    throw invalidPayload('a billing period starts at a UTC midnight', { field: 'periodStartMs' });
  }
  const orgId = signingOrg(ctx.state, ctx.signer);
  existingDevice(ctx.state, systemId, orgId);
  if (periodStartMs + PERIOD_MS > ctx.timeMs)
    throw rejected('monitoring.period_open', 'the period has not ended');
  if (ctx.state.get(billingKey(systemId, periodStartMs)) !== undefined) {
    throw rejected('monitoring.billing_exists', 'this device and period are recorded already');
  }
  const fact = transmissionFact(periodStartMs, committedDays(ctx.state, systemId, patient, periodStartMs));
  const entry: BilledEntry = { orgId, systemId, periodStartMs };
  const earlier = readStateValue<BilledEntry[]>(ctx.state, billedKey(patient)) ?? [];
  const record: BillingRecord = {
    orgId,
    patient,
    daysRoot: fact.daysRoot,
    daysWithTransmission: fact.daysWithTransmission,
    decision: fact.decision,
    flags: fact.decision === 'not-billable' ? [] : billingFlags(earlier, entry),
    height: ctx.height,
  };
  writeStateValue(ctx.state, billingKey(systemId, periodStartMs), record);
  if (fact.decision !== 'not-billable') {
    const recent = earlier.filter((e) => e.periodStartMs > periodStartMs - 2 * PERIOD_MS);
    writeStateValue(ctx.state, billedKey(patient), [...recent, entry].slice(-BILLED_ENTRIES_MAX));
  }
}

export const BILLING_HANDLERS = [
  { type: 'monitoring.recordBilling', fields: RECORD_BILLING_FIELDS, apply: applyRecordBilling },
] as const;
