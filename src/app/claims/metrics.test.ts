// Per-payer PA metrics against figures worked by hand for a scripted set of decisions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decidedInTime, decisionDeadlineMs } from './clock.ts';
import { payerMetrics, type PaRequestFacts } from './metrics.ts';

const H = 60 * 60 * 1000;
const T0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

test('the clock: 72 h urgent, 7 days standard; the deadline itself is on time, one ms later is not', () => {
  assert.equal(decisionDeadlineMs('urgent', T0), T0 + 72 * H);
  assert.equal(decisionDeadlineMs('standard', T0), T0 + 168 * H);
  assert.equal(decidedInTime('urgent', T0, T0 + 72 * H), true);
  assert.equal(decidedInTime('urgent', T0, T0 + 72 * H + 1), false);
  assert.equal(decidedInTime('standard', T0, T0 + 168 * H), true);
  assert.equal(decidedInTime('standard', T0, T0 + 168 * H + 1), false);
});

test('metrics reproduce hand-computed figures for a scripted set of decisions', () => {
  const r = (
    payer: string,
    priority: 'urgent' | 'standard',
    hours: number | null,
    action = 'A1',
  ): PaRequestFacts => ({
    payerOrgId: payer,
    priority,
    submittedMs: T0,
    decision: hours === null ? null : { action: action as 'A1', decidedMs: T0 + hours * H },
  });
  const requests = [
    // Payer "ins-a": 5 decided (A1 10 h, A2 20 h, A3 80 h urgent = late, A6 100 h standard, A3 170 h standard
    // = late), one pending urgent past its deadline, one pending standard still in time.
    r('ins-a', 'urgent', 10, 'A1'),
    r('ins-a', 'urgent', 20, 'A2'),
    r('ins-a', 'urgent', 80, 'A3'),
    r('ins-a', 'standard', 100, 'A6'),
    r('ins-a', 'standard', 170, 'A3'),
    r('ins-a', 'urgent', null),
    r('ins-a', 'standard', null),
    // Payer "ins-b": two decided, both on time.
    r('ins-b', 'standard', 1, 'A1'),
    r('ins-b', 'standard', 2, 'A3'),
  ];
  const [a, b] = payerMetrics(requests, T0 + 100 * H);
  // ins-a: approved 3/5 = 6000 bp, denied 2/5 = 4000 bp; mean (10+20+80+100+170)/5 = 76 h; median 80 h;
  // on time: 10, 20, 100 → 3, over decided 5 + overdue 1 (the urgent pending, 100 h > 72 h) = 6 → 5000 bp.
  assert.deepEqual(a, {
    payerOrgId: 'ins-a',
    requests: 7,
    decided: 5,
    approved: 3,
    denied: 2,
    overdue: 1,
    approvalRateBasisPoints: 6000,
    denialRateBasisPoints: 4000,
    meanDecisionMs: 76 * H,
    medianDecisionMs: 80 * H,
    withinDeadlineBasisPoints: 5000,
  });
  // ins-b: 1/2 approved = 5000 bp; mean 1.5 h; median of two = 1.5 h; all on time.
  assert.deepEqual(b, {
    payerOrgId: 'ins-b',
    requests: 2,
    decided: 2,
    approved: 1,
    denied: 1,
    overdue: 0,
    approvalRateBasisPoints: 5000,
    denialRateBasisPoints: 5000,
    meanDecisionMs: 1.5 * H,
    medianDecisionMs: 1.5 * H,
    withinDeadlineBasisPoints: 10_000,
  });
});

test('a payer with nothing decided has null rates and times, not zero and not NaN', () => {
  const [m] = payerMetrics([{ payerOrgId: 'x', priority: 'urgent', submittedMs: T0, decision: null }], T0);
  assert.equal(m!.approvalRateBasisPoints, null);
  assert.equal(m!.meanDecisionMs, null);
  assert.equal(m!.withinDeadlineBasisPoints, null);
});
