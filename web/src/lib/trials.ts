// Clinical trials from the node's public registry (issue 16), and the checks the browser makes itself:
// each verdict's proof against the outcome root, and that root recomputed from the registered outcomes of
// the version the verdict is judged against. The patient's own trials and their signed re-consent and
// withdrawal go through the patient client, signed with the key held in this page.
import {
  outcomesRoot,
  verifyOutcomeProof,
  type OutcomeDiff,
  type OutcomeVerdictEntry,
  type RegisteredOutcome,
  type SaeView,
} from '../../../src/app/trials/index.ts';
import type {
  MyTrialsAnswer,
  RegistryAnswer,
  TrialCommitted,
  TrialPageAnswer,
  VerdictAnswer,
} from '../../../src/contract/trials.ts';
import { request } from './http.ts';
import { signOnly } from './ledger.ts';

export const registry = () => request<RegistryAnswer>('/api/v1/trials');
export const trialPage = (id: string) => request<TrialPageAnswer>(`/api/v1/trials/${id}`);
export const trialVerdict = (id: string) => request<VerdictAnswer>(`/api/v1/trials/${id}/verdict`);

export async function myTrials(token: string): Promise<MyTrialsAnswer['trials']> {
  return (await request<MyTrialsAnswer>('/api/v1/patients/me/trials', { token })).trials;
}

/** Is this entry's registered outcome proven under the root? An unregistered (added) one has nothing to prove. */
export function proofHolds(entry: OutcomeVerdictEntry, root: string): boolean | undefined {
  if (entry.registered === undefined) return undefined;
  return entry.proof !== undefined && verifyOutcomeProof(entry.registered, entry.proof, root);
}

/** The verdict's root is the hash of the outcomes the page shows for its baseline version. */
export function rootMatches(verdict: VerdictAnswer, page: TrialPageAnswer): boolean {
  const baseline = page.versions.find((v) => v.version === verdict.baselineVersion);
  const outcomes: readonly RegisteredOutcome[] | undefined = baseline?.registration.outcomes;
  return outcomes !== undefined && outcomesRoot(outcomes) === verdict.outcomesRoot;
}

/** Signs the patient's re-consent to `version` here and posts it to the trial's route (answers once committed). */
export async function reconsent(seed: Uint8Array, trialId: string, version: number): Promise<TrialCommitted> {
  const tx = await signOnly(seed, 'trials.reconsent', { trialId, version });
  return request<TrialCommitted>(`/api/v1/trials/${trialId}/reconsents`, { body: { tx } });
}

/** Signs the patient's withdrawal here: no further data flows to the sponsor. */
export async function withdraw(seed: Uint8Array, trialId: string): Promise<TrialCommitted> {
  const tx = await signOnly(seed, 'trials.withdraw', { trialId });
  return request<TrialCommitted>(`/api/v1/trials/${trialId}/withdrawals`, { body: { tx } });
}

/** What an amendment changed in the outcomes, in words, and whether participants must re-consent. */
export function diffWords(diff: OutcomeDiff): string {
  const counts = [
    [diff.added.length, 'added'],
    [diff.removed.length, 'removed'],
    [diff.reworded.length, 'reworded'],
    [diff.timeFrameChanged.length, 'time frames changed'],
    [diff.switched.length, 'primary↔secondary'],
  ] as const;
  const said = counts.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`);
  const changes = said.length === 0 ? 'no outcome changed' : said.join(', ');
  return diff.material ? `${changes} (participants re-consent)` : changes;
}

export const VERDICT_WORDS: Readonly<Record<OutcomeVerdictEntry['verdict'], string>> = {
  prespecified: 'Reported as pre-specified',
  not_reported: 'Not reported',
  added: 'Newly added (never registered)',
  timeframe_changed: 'Time frame changed',
  switched: 'Primary ↔ secondary switched',
};

export const SEVERITY_WORDS: Readonly<Record<SaeView['severity'], string>> = {
  fatal_or_life_threatening: 'Fatal or life-threatening',
  other: 'Other serious',
};

export const CLOCK_WORDS: Readonly<Record<TrialPageAnswer['resultsClock'], string>> = {
  no_date: 'No primary completion date registered',
  pending: 'Results not due yet',
  posted: 'Results posted on time',
  posted_late: 'Results posted late',
  overdue: 'Results overdue (due 12 months after primary completion)',
};
