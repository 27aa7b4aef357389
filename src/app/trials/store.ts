// The trials module's state (issue 16). Everything here is public on chain: registrations, versions,
// counts per site, allocation order, SAE timing and results. A participant's entry is keyed by the
// patient's pseudonym, as consents are; the API answers counts, never the list of participants.
import {
  readStateCount,
  readStateValue,
  writeStateValue,
  type StateOverlay,
  type StateReader,
} from '../state.ts';
import type { OutcomeDiff } from './amendment.ts';
import type { ReportedOutcome, TrialRegistration } from './types.ts';

export const TRIALS_PREFIX = 'trials/';

export interface TrialRecord {
  readonly id: string;
  readonly sponsorOrgId: string;
  readonly registeredBy: string;
  readonly height: number;
  readonly timeMs: number;
  /** The current protocol version (1 = the registration). */
  readonly version: number;
  /** The latest version whose amendment was material: consent to an earlier one no longer lets data flow. */
  readonly materialVersion: number;
  /** The version in force at the first enrolment: results are judged against its outcomes. */
  readonly baselineVersion: number | null;
  readonly primaryCompletionDate: string | null;
  readonly resultsDueMs: number | null;
  readonly seedCommitment: string | null;
  readonly enrolments: number;
  readonly lock: { readonly height: number; readonly timeMs: number; readonly databaseDigest: string } | null;
  readonly unblinding: {
    readonly height: number;
    readonly timeMs: number;
    readonly seed: string;
    readonly armCounts: readonly number[];
  } | null;
}

export interface TrialVersion {
  readonly version: number;
  readonly registration: TrialRegistration;
  readonly outcomesRoot: string;
  readonly height: number;
  readonly timeMs: number;
  readonly txHash: string;
  /** Why the protocol was amended (null for the registration itself). */
  readonly reason: string | null;
  readonly diff: OutcomeDiff | null;
}

export type ParticipantStatus = 'enrolled' | 'withdrawn';

export interface ParticipantRecord {
  readonly siteOrgId: string;
  readonly consentedVersion: number;
  readonly enrolTxHash: string;
  readonly enrolledHeight: number;
  readonly status: ParticipantStatus;
  readonly withdrawnHeight: number | null;
}

/** One enrolment, in chain order: what allocation is derived from. */
export interface EnrolmentEntry {
  readonly enrolTxHash: string;
  readonly siteOrgId: string;
  readonly height: number;
  readonly allocatedHeight: number | null;
}

export interface SiteCounts {
  readonly enrolled: number;
  readonly withdrawn: number;
  readonly reconsented: number;
}

/** ICH E2A: a fatal or life-threatening unexpected reaction is reported faster than any other. */
export type SaeSeverity = 'fatal_or_life_threatening' | 'other';

export interface SaeRecord {
  readonly digest: string;
  readonly severity: SaeSeverity;
  readonly awareAtMs: number;
  readonly reportedAtMs: number;
  readonly deadlineMs: number;
  readonly late: boolean;
  readonly height: number;
}

export interface OutcomeLink {
  readonly reportedMeasure: string;
  readonly registeredMeasure: string;
  readonly height: number;
}

export interface ResultsRecord {
  readonly outcomes: readonly ReportedOutcome[];
  readonly resultsDigest: string;
  readonly height: number;
  readonly timeMs: number;
  readonly links: readonly OutcomeLink[];
}

export const trialKey = (id: string): string => `trials/trial/${id}`;
export const versionKey = (id: string, version: number): string => `trials/version/${id}/${version}`;
export const nctKey = (nct: string): string => `trials/nct/${nct}`;
export const indexKey = (n: number): string => `trials/index/${n}`;
export const COUNT_KEY = 'trials/count';
export const participantKey = (id: string, pseudonym: string): string =>
  `trials/participant/${id}/${pseudonym}`;
export const enrolmentKey = (id: string, n: number): string => `trials/enrolment/${id}/${n}`;
export const enrolmentByTxKey = (id: string, txHash: string): string => `trials/enrolment-tx/${id}/${txHash}`;
export const sitesKey = (id: string): string => `trials/sites/${id}`;
export const siteKey = (id: string, site: string): string => `trials/site/${id}/${site}`;
export const saeKey = (id: string, n: number): string => `trials/sae/${id}/${n}`;
export const saeCountKey = (id: string): string => `trials/sae-count/${id}`;
export const resultsKey = (id: string): string => `trials/results/${id}`;

export const trial = (s: StateReader, id: string) => readStateValue<TrialRecord>(s, trialKey(id));
export const trialVersion = (s: StateReader, id: string, v: number) =>
  readStateValue<TrialVersion>(s, versionKey(id, v));
export const trialByNct = (s: StateReader, nct: string) => readStateValue<string>(s, nctKey(nct));
export const trialCount = (s: StateReader) => readStateCount(s, COUNT_KEY);
export const trialIdAt = (s: StateReader, n: number) => readStateValue<string>(s, indexKey(n));
export const participant = (s: StateReader, id: string, pseudonym: string) =>
  readStateValue<ParticipantRecord>(s, participantKey(id, pseudonym));
export const enrolment = (s: StateReader, id: string, n: number) =>
  readStateValue<EnrolmentEntry>(s, enrolmentKey(id, n));
export const enrolmentIndex = (s: StateReader, id: string, txHash: string) =>
  readStateValue<number>(s, enrolmentByTxKey(id, txHash));
export const trialSites = (s: StateReader, id: string) => readStateValue<string[]>(s, sitesKey(id)) ?? [];
export const EMPTY_COUNTS: SiteCounts = { enrolled: 0, withdrawn: 0, reconsented: 0 };
export const siteCounts = (s: StateReader, id: string, site: string) =>
  readStateValue<SiteCounts>(s, siteKey(id, site)) ?? EMPTY_COUNTS;
export const saeCount = (s: StateReader, id: string) => readStateCount(s, saeCountKey(id));
export const sae = (s: StateReader, id: string, n: number) => readStateValue<SaeRecord>(s, saeKey(id, n));
export const results = (s: StateReader, id: string) => readStateValue<ResultsRecord>(s, resultsKey(id));

/** Adds to one site's public counts, listing the site the first time it is counted. */
export function countAtSite(state: StateOverlay, id: string, site: string, field: keyof SiteCounts): void {
  const sites = trialSites(state, id);
  if (!sites.includes(site)) writeStateValue(state, sitesKey(id), [...sites, site].sort());
  const counts = siteCounts(state, id, site);
  writeStateValue(state, siteKey(id, site), { ...counts, [field]: counts[field] + 1 });
}
