// Per-payer prior-authorisation metrics (CMS-0057-F §II.F asks payers to publish them), computed from the
// chain's decisions alone: approval and denial rates, mean and median decision time, and the share decided
// within the deadline. Rates are integer basis points and times integer milliseconds, rounded the same way
// at every node, so a published figure can be recomputed exactly.
import { BASIS_POINTS } from './types.ts';
import { decidedInTime, decisionDeadlineMs, type PaPriority } from './clock.ts';

/**
 * X12 306 (Health Care Services Review Decision Reason / action codes) as Da Vinci PAS uses them:
 * A1 certified in total, A2 certified partial, A3 not certified, A4 pended, A6 modified, C cancelled.
 */
export const REVIEW_ACTIONS = ['A1', 'A2', 'A3', 'A4', 'A6', 'C'] as const;
export type ReviewAction = (typeof REVIEW_ACTIONS)[number];
/** Final decisions that approve (wholly, partly or modified) and that deny. A4 pends: not a decision. */
export const APPROVING_ACTIONS: readonly ReviewAction[] = ['A1', 'A2', 'A6'];
export const DENYING_ACTIONS: readonly ReviewAction[] = ['A3'];

export interface PaRequestFacts {
  readonly payerOrgId: string;
  readonly priority: PaPriority;
  readonly submittedMs: number;
  /** The final decision (A1, A2, A3, A6) with its block time, or null while undecided or pended. */
  readonly decision: { readonly action: ReviewAction; readonly decidedMs: number } | null;
}

export interface PayerMetrics {
  readonly payerOrgId: string;
  readonly requests: number;
  readonly decided: number;
  readonly approved: number;
  readonly denied: number;
  /** Undecided requests whose deadline had passed at asOfMs. */
  readonly overdue: number;
  readonly approvalRateBasisPoints: number | null;
  readonly denialRateBasisPoints: number | null;
  readonly meanDecisionMs: number | null;
  readonly medianDecisionMs: number | null;
  /** Decided on time, over decided plus overdue (a late pending request already missed its deadline). */
  readonly withinDeadlineBasisPoints: number | null;
}

/** part/whole in basis points, rounded half up, in integers; null for an empty whole. */
export function basisPointsOf(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.floor((2 * part * BASIS_POINTS + whole) / (2 * whole));
}

function median(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : Math.floor((sorted[mid - 1]! + sorted[mid]!) / 2);
}

function metricsOf(payerOrgId: string, requests: readonly PaRequestFacts[], asOfMs: number): PayerMetrics {
  const decided = requests.filter((r) => r.decision !== null);
  const times = decided.map((r) => r.decision!.decidedMs - r.submittedMs).sort((a, b) => a - b);
  const approved = decided.filter((r) => APPROVING_ACTIONS.includes(r.decision!.action)).length;
  const denied = decided.filter((r) => DENYING_ACTIONS.includes(r.decision!.action)).length;
  const onTime = decided.filter((r) =>
    decidedInTime(r.priority, r.submittedMs, r.decision!.decidedMs),
  ).length;
  const overdue = requests.filter(
    (r) => r.decision === null && asOfMs > decisionDeadlineMs(r.priority, r.submittedMs),
  ).length;
  return {
    payerOrgId,
    requests: requests.length,
    decided: decided.length,
    approved,
    denied,
    overdue,
    approvalRateBasisPoints: basisPointsOf(approved, decided.length),
    denialRateBasisPoints: basisPointsOf(denied, decided.length),
    meanDecisionMs: times.length === 0 ? null : Math.floor(times.reduce((a, b) => a + b, 0) / times.length),
    medianDecisionMs: median(times),
    withinDeadlineBasisPoints: basisPointsOf(onTime, decided.length + overdue),
  };
}

/** One entry per payer, in payer id order. */
export function payerMetrics(requests: readonly PaRequestFacts[], asOfMs: number): PayerMetrics[] {
  const byPayer = new Map<string, PaRequestFacts[]>();
  for (const r of requests) {
    const list = byPayer.get(r.payerOrgId);
    if (list === undefined) byPayer.set(r.payerOrgId, [r]);
    else list.push(r);
  }
  return [...byPayer.keys()].sort().map((payer) => metricsOf(payer, byPayer.get(payer)!, asOfMs));
}
