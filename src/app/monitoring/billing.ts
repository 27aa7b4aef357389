// The billing fact of one patient, device and 30-day period (issue 18 §5): for each day, whether at least
// one batch was committed, folded into an RFC 9162 root with one leaf per day. A payer or auditor checks
// the decision between the device-supply codes (CPT 99454: data on 16–30 days; CPT 99445: 2–15 days)
// from day leaves and their proofs alone: no reading, and no batch root beyond a per-day digest.
import { toHex } from '../../core/bytes.ts';
import { canonicalBytes } from '../../core/canonical.ts';
import { CoreError } from '../../core/errors.ts';
import { domainHash, hashCanonical } from '../../core/hash.ts';
import * as merkle from '../../core/merkle/index.ts';

export const BILLING_PERIOD_DAYS = 30;
export const DAY_MS = 86_400_000;
/** Days with data needed for each device-supply code. */
export const FULL_SUPPLY_DAYS_MIN = 16;
export const SHORT_SUPPLY_DAYS_MIN = 2;

export type BillingDecision = '99454' | '99445' | 'not-billable';

/** A committed batch, as the chain holds it: only when and what root. */
export interface CommittedBatch {
  readonly periodStartMs: number;
  readonly root: string;
}

/** One day of the billing period: how many batches were committed, and a digest of their roots. */
export interface TransmissionDay {
  readonly day: number;
  readonly batches: number;
  /** A hash chain over the day's batch roots in time order (nextDayDigest); ties the day to the chain. */
  readonly batchRootsDigest: string;
}

export interface TransmissionFact {
  readonly periodStartMs: number;
  /** RFC 9162 root over the 30 day leaves, in hex. */
  readonly daysRoot: string;
  readonly daysWithTransmission: number;
  readonly decision: BillingDecision;
}

export interface DayEvidence {
  readonly day: TransmissionDay;
  readonly proof: merkle.InclusionProofHex;
}

/** The digest of a day with no batch; each committed batch extends it (O(1) state per batch). */
export const EMPTY_DAY_DIGEST = hashCanonical('monitoring-day-roots', []);

export function nextDayDigest(previous: string, batchRoot: string): string {
  return hashCanonical('monitoring-day-roots', [previous, batchRoot]);
}

/** The UTC day number (days since the epoch) of a time. */
export function utcDay(timeMs: number): number {
  return Math.floor(timeMs / DAY_MS);
}

export function billingDecision(daysWithTransmission: number): BillingDecision {
  if (daysWithTransmission >= FULL_SUPPLY_DAYS_MIN) return '99454';
  if (daysWithTransmission >= SHORT_SUPPLY_DAYS_MIN) return '99445';
  return 'not-billable';
}

export function dayLeaf(periodStartMs: number, day: TransmissionDay): Uint8Array {
  const { day: index, batches, batchRootsDigest } = day;
  return merkle.leafHash(
    domainHash('monitoring-day', canonicalBytes({ periodStartMs, day: index, batches, batchRootsDigest })),
  );
}

/** The 30 days of the period starting at `periodStartMs` (a UTC midnight), from the batches committed in it. */
export function transmissionDays(
  periodStartMs: number,
  batches: readonly CommittedBatch[],
): TransmissionDay[] {
  if (!Number.isSafeInteger(periodStartMs) || periodStartMs % DAY_MS !== 0) {
    throw new CoreError('monitoring.invalid_period', 'a billing period starts at a UTC midnight', {});
  }
  const roots: string[][] = Array.from({ length: BILLING_PERIOD_DAYS }, () => []);
  const inOrder = [...batches].sort((a, b) => a.periodStartMs - b.periodStartMs);
  for (const [position, batch] of inOrder.entries()) {
    const day = Math.floor((batch.periodStartMs - periodStartMs) / DAY_MS);
    if (!Number.isSafeInteger(batch.periodStartMs) || day < 0 || day >= BILLING_PERIOD_DAYS) {
      throw new CoreError('monitoring.outside_period', 'a batch lies outside the billing period', {
        position,
      });
    }
    roots[day]!.push(batch.root);
  }
  return roots.map((dayRoots, day) => ({
    day,
    batches: dayRoots.length,
    batchRootsDigest: dayRoots.reduce(nextDayDigest, EMPTY_DAY_DIGEST),
  }));
}

export function transmissionFact(periodStartMs: number, days: readonly TransmissionDay[]): TransmissionFact {
  const daysWithTransmission = days.filter((d) => d.batches > 0).length;
  return {
    periodStartMs,
    daysRoot: toHex(merkle.merkleRoot(days.map((d) => dayLeaf(periodStartMs, d)))),
    daysWithTransmission,
    decision: billingDecision(daysWithTransmission),
  };
}

/** The proof of one day against the fact's root. */
export function dayEvidence(
  periodStartMs: number,
  days: readonly TransmissionDay[],
  day: number,
): DayEvidence {
  const leaves = days.map((d) => dayLeaf(periodStartMs, d));
  return { day: days[day]!, proof: merkle.listInclusionProof(leaves, day) };
}

/**
 * Does the evidence prove the fact's decision? Every day shown must verify against the root at its own
 * index, once. The full-supply code needs 16 proved days with data; the others need all 30 days proved
 * (a shortfall can only be shown by showing every day), and the count must match. Never throws.
 */
export function verifyBillingDecision(fact: TransmissionFact, evidence: readonly DayEvidence[]): boolean {
  const seen = new Set<number>();
  let withData = 0;
  for (const { day, proof } of evidence) {
    if (!Number.isSafeInteger(day.day) || seen.has(day.day)) return false;
    seen.add(day.day);
    const leaf = toHex(dayLeaf(fact.periodStartMs, day));
    const ok =
      proof.leafIndex === day.day &&
      proof.treeSize === BILLING_PERIOD_DAYS &&
      proof.leafHash === leaf &&
      merkle.verifyInclusionHex(proof, fact.daysRoot);
    if (!ok) return false;
    if (day.batches > 0) withData++;
  }
  if (billingDecision(fact.daysWithTransmission) !== fact.decision) return false;
  if (fact.decision === '99454') return withData >= FULL_SUPPLY_DAYS_MIN;
  return seen.size === BILLING_PERIOD_DAYS && withData === fact.daysWithTransmission;
}
