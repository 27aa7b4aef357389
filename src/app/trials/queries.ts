// Read-side views of a trial, computed from public state: the outcome verdict against the registration in
// force at the first enrolment (each with its Merkle proof), the clocks (results due 12 months after
// primary completion, SAE deadlines), and every allocation recomputed from the revealed seed.
import type { StateReader } from '../state.ts';
import { allocatedArm } from './allocation.ts';
import { compareOutcomes, type OutcomeComparison } from './compare.ts';
import {
  enrolment,
  results,
  sae,
  saeCount,
  siteCounts,
  trial,
  trialSites,
  trialVersion,
  type SaeRecord,
  type SiteCounts,
  type TrialRecord,
} from './store.ts';

export interface TrialVerdict extends OutcomeComparison {
  /** The version whose outcomes were pre-specified: the one in force at the first enrolment. */
  readonly baselineVersion: number;
}

/** The COMPare verdict of the posted results, or undefined when none are posted. */
export function trialVerdict(state: StateReader, record: TrialRecord): TrialVerdict | undefined {
  const posted = results(state, record.id);
  if (posted === undefined) return undefined;
  const baselineVersion = record.baselineVersion ?? record.version;
  const registered = trialVersion(state, record.id, baselineVersion)!.registration.outcomes;
  return { baselineVersion, ...compareOutcomes(registered, posted.outcomes) };
}

export type ResultsClock = 'no_date' | 'pending' | 'posted' | 'posted_late' | 'overdue';

/** FDAAA 801: results due 12 months after primary completion; overdue once that passes unposted. */
export function resultsClock(state: StateReader, record: TrialRecord, nowMs: number): ResultsClock {
  const posted = results(state, record.id);
  if (record.resultsDueMs === null) return posted === undefined ? 'no_date' : 'posted';
  if (posted !== undefined) return posted.timeMs > record.resultsDueMs ? 'posted_late' : 'posted';
  return nowMs > record.resultsDueMs ? 'overdue' : 'pending';
}

export interface SaeView extends SaeRecord {
  readonly index: number;
}

/** Every committed SAE report, with those reported after their 7- or 15-day deadline flagged late. */
export function trialSaes(state: StateReader, id: string): SaeView[] {
  return Array.from({ length: saeCount(state, id) }, (_, index) => ({ index, ...sae(state, id, index)! }));
}

export function countsBySite(state: StateReader, id: string): { siteOrgId: string; counts: SiteCounts }[] {
  return trialSites(state, id).map((siteOrgId) => ({ siteOrgId, counts: siteCounts(state, id, siteOrgId) }));
}

export interface AllocationView {
  readonly enrolTxHash: string;
  readonly siteOrgId: string;
  readonly allocatedHeight: number | null;
  /** The arm label, recomputed from the revealed seed; null while the trial is blind. */
  readonly arm: string | null;
}

/** The enrolments in chain order, each with its arm once the seed is revealed. */
export function allocations(state: StateReader, record: TrialRecord): AllocationView[] {
  const arms = trialVersion(state, record.id, record.version)!.registration.arms;
  return Array.from({ length: record.enrolments }, (_, n) => {
    const entry = enrolment(state, record.id, n)!;
    const seed = record.unblinding?.seed;
    const arm = seed === undefined ? null : arms[allocatedArm(seed, entry.enrolTxHash, arms.length)]!.label;
    return {
      enrolTxHash: entry.enrolTxHash,
      siteOrgId: entry.siteOrgId,
      allocatedHeight: entry.allocatedHeight,
      arm,
    };
  });
}

export { trial };
