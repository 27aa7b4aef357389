// Billing facts: a scripted month with 15 days of data and one with 16 give the two device-supply codes,
// each with evidence that verifies; evidence that is short, repeated, moved or altered does not.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coreErrorCodeOf } from '../../core/test-support.ts';
import {
  DAY_MS,
  dayEvidence,
  transmissionDays,
  transmissionFact,
  verifyBillingDecision,
  type CommittedBatch,
  type TransmissionDay,
} from './billing.ts';

const MONTH = 1_799_971_200_000; // a UTC midnight
const root = (n: number): string => n.toString(16).padStart(64, '0');

/** Batches on the given days (two on each, a minute apart, at 08:00). */
function month(daysWithData: readonly number[]): CommittedBatch[] {
  return daysWithData.flatMap((day, i) => [
    { periodStartMs: MONTH + day * DAY_MS + 8 * 3_600_000, root: root(2 * i + 1) },
    { periodStartMs: MONTH + day * DAY_MS + 8 * 3_600_000 + 60_000, root: root(2 * i + 2) },
  ]);
}

const every = (days: readonly TransmissionDay[]) => days.map((d) => dayEvidence(MONTH, days, d.day));
const range = (n: number, step = 1) => Array.from({ length: n }, (_, i) => i * step);

test('a month with 16 days of data gives 99454, proved by the 16 days alone', () => {
  const days = transmissionDays(MONTH, month(range(16)));
  const fact = transmissionFact(MONTH, days);
  assert.deepEqual([fact.daysWithTransmission, fact.decision], [16, '99454']);
  const withData = days.filter((d) => d.batches > 0).map((d) => dayEvidence(MONTH, days, d.day));
  assert.ok(verifyBillingDecision(fact, withData));
  assert.equal(verifyBillingDecision(fact, withData.slice(1)), false, 'fifteen proved days are not enough');
  assert.equal(
    verifyBillingDecision(fact, [...withData.slice(1), withData[1]!]),
    false,
    'a day counted twice',
  );
});

test('a month with 15 days of data gives 99445, proved only by all 30 days', () => {
  const days = transmissionDays(MONTH, month(range(15, 2)));
  const fact = transmissionFact(MONTH, days);
  assert.deepEqual([fact.daysWithTransmission, fact.decision], [15, '99445']);
  assert.ok(verifyBillingDecision(fact, every(days)));
  assert.equal(verifyBillingDecision(fact, every(days).slice(0, 29)), false, 'a missing day could hide data');
  assert.equal(
    verifyBillingDecision({ ...fact, decision: '99454' }, every(days)),
    false,
    'claimed the higher code',
  );
  assert.equal(
    verifyBillingDecision({ ...fact, daysWithTransmission: 16 }, every(days)),
    false,
    'inflated count',
  );
});

test('one day and no days are not billable; a forged day does not verify', () => {
  for (const data of [[], [3]]) {
    const days = transmissionDays(MONTH, month(data));
    const fact = transmissionFact(MONTH, days);
    assert.equal(fact.decision, 'not-billable');
    assert.ok(verifyBillingDecision(fact, every(days)));
  }
  const days = transmissionDays(MONTH, month(range(15)));
  const fact = transmissionFact(MONTH, days);
  const forged = every(days).map((e) => (e.day.day === 20 ? { ...e, day: { ...e.day, batches: 1 } } : e));
  assert.equal(verifyBillingDecision(fact, forged), false);
  const moved = every(days).map((e) => (e.day.day === 20 ? { ...e, proof: every(days)[21]!.proof } : e));
  assert.equal(verifyBillingDecision(fact, moved), false);
});

test('batches outside the 30 days and a period not at midnight are refused', () => {
  assert.equal(
    coreErrorCodeOf(() => transmissionDays(MONTH, [{ periodStartMs: MONTH + 30 * DAY_MS, root: root(1) }])),
    'monitoring.outside_period',
  );
  assert.equal(
    coreErrorCodeOf(() => transmissionDays(MONTH, [{ periodStartMs: MONTH - 60_000, root: root(1) }])),
    'monitoring.outside_period',
  );
  assert.equal(
    coreErrorCodeOf(() => transmissionDays(MONTH + 1, [])),
    'monitoring.invalid_period',
  );
});
