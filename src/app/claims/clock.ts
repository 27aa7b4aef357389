// The prior-authorisation decision clock (CMS-0057-F, from January 2026): a payer decides an expedited
// (urgent) request within 72 hours and a standard one within 7 calendar days. Both ends are block times
// on chain, so whether a decision met its deadline is provable by anyone, not asserted by the payer.

export const PA_PRIORITIES = ['urgent', 'standard'] as const;
export type PaPriority = (typeof PA_PRIORITIES)[number];

const HOUR_MS = 60 * 60 * 1000;
export const PA_DECISION_WINDOW_MS: Readonly<Record<PaPriority, number>> = {
  urgent: 72 * HOUR_MS,
  standard: 7 * 24 * HOUR_MS,
};

/** The latest block time at which a decision on a request submitted at submittedMs is still on time. */
export function decisionDeadlineMs(priority: PaPriority, submittedMs: number): number {
  return submittedMs + PA_DECISION_WINDOW_MS[priority];
}

/** Exactly at the deadline is on time; one millisecond later is not. */
export function decidedInTime(priority: PaPriority, submittedMs: number, decidedMs: number): boolean {
  return decidedMs <= decisionDeadlineMs(priority, submittedMs);
}
