// The sponsor's txs (issue 16 §1, §2, §4–§6): register, amend, commit the randomisation seed, record an
// allocation, lock, unblind, report an SAE, post results and link a reported outcome to a registered one.
// Each is signed by a node key or an active practitioner of a research-sponsor organisation; after
// registration, only of the trial's own sponsor. The acting organisation comes from the signer, never the
// payload. Order is enforced here: seed before the first enrolment, lock before unblinding, unblinding
// before results, and no amendment or enrolment once the database is locked.
import type { CanonicalValue } from '../../core/canonical.ts';
import { CoreError } from '../../core/errors.ts';
import { actorOf, organisation } from '../membership/queries.ts';
import type { TxContext, TxHandler } from '../module.ts';
import { enumField, hexField, invalidPayload, rejected, safeIntegerField } from '../payload.ts';
import type { PayloadObject } from '../payload.ts';
import { encodeStateValue, writeStateValue } from '../state.ts';
import { allocatedArm, seedCommitment } from './allocation.ts';
import { outcomeDiff } from './amendment.ts';
import { compareOutcomes } from './compare.ts';
import { OUTCOMES_MAX } from './ctgov.ts';
import { outcomesRoot } from './outcome-tree.ts';
import { dateField, parseRegistration, reportedOutcome, resultsDueMs, textField } from './registration.ts';
import {
  COUNT_KEY,
  enrolment,
  enrolmentIndex,
  enrolmentKey,
  indexKey,
  nctKey,
  results,
  resultsKey,
  sae,
  saeCount,
  saeCountKey,
  saeKey,
  trial,
  trialByNct,
  trialCount,
  trialKey,
  trialVersion,
  versionKey,
  type ResultsRecord,
  type SaeSeverity,
  type TrialRecord,
  type TrialVersion,
} from './store.ts';
import type { ReportedOutcome } from './types.ts';

const DAY_MS = 86_400_000;
/** ICH E2A / 21 CFR 312.32: fatal or life-threatening unexpected reactions in 7 days, others in 15. */
export const SAE_DEADLINE_DAYS: Readonly<Record<SaeSeverity, number>> = {
  fatal_or_life_threatening: 7,
  other: 15,
};
const SAE_SEVERITIES = Object.keys(SAE_DEADLINE_DAYS) as SaeSeverity[];

/** The research-sponsor organisation the signer acts for. */
function sponsorOrg(ctx: TxContext): string {
  const actor = actorOf(ctx.state, ctx.signer);
  const active = actor.kind === 'node' || (actor.kind === 'practitioner' && actor.status === 'active');
  const orgId = active ? actor.orgId : undefined;
  if (orgId === undefined || organisation(ctx.state, orgId)?.type !== 'research-sponsor') {
    throw rejected('trials.not_sponsor', 'trial txs are signed by a research sponsor’s node or staff');
  }
  return orgId;
}

export function trialIdField(value: CanonicalValue | undefined): string {
  return hexField(value, 'trialId', 32);
}

export function existingTrial(ctx: TxContext, id: string): TrialRecord {
  const found = trial(ctx.state, id);
  if (found === undefined) throw rejected('trials.unknown_trial', 'no trial is registered with this id');
  return found;
}

/** The trial, when the signer acts for its sponsor. */
function ownTrial(ctx: TxContext, id: string): TrialRecord {
  const org = sponsorOrg(ctx);
  const found = existingTrial(ctx, id);
  if (found.sponsorOrgId !== org)
    throw rejected('trials.not_sponsor', 'only the trial’s sponsor may do this');
  return found;
}

function requireUnlocked(record: TrialRecord): void {
  if (record.lock !== null) throw rejected('trials.locked', 'the trial’s database is locked');
}

function save(ctx: TxContext, record: TrialRecord): void {
  writeStateValue(ctx.state, trialKey(record.id), record);
}

function applyRegister(ctx: TxContext, p: PayloadObject): void {
  const registration = parseRegistration(p.registration);
  const primaryCompletionDate = dateField(p.primaryCompletionDate, 'primaryCompletionDate');
  const sponsorOrgId = sponsorOrg(ctx);
  const nct = registration.identifiers.nct;
  // One registry number, one trial: a second registration would be a history that could be swapped.
  if (nct !== undefined && trialByNct(ctx.state, nct) !== undefined) {
    throw rejected('trials.already_registered', 'a trial with this NCT number is already registered');
  }
  const id = ctx.txHash;
  const record: TrialRecord = {
    id,
    sponsorOrgId,
    registeredBy: ctx.signer,
    height: ctx.height,
    timeMs: ctx.timeMs,
    version: 1,
    materialVersion: 1,
    baselineVersion: null,
    primaryCompletionDate,
    resultsDueMs: primaryCompletionDate === null ? null : resultsDueMs(primaryCompletionDate),
    seedCommitment: null,
    enrolments: 0,
    lock: null,
    unblinding: null,
  };
  const version: TrialVersion = {
    version: 1,
    registration,
    outcomesRoot: outcomesRoot(registration.outcomes),
    height: ctx.height,
    timeMs: ctx.timeMs,
    txHash: ctx.txHash,
    reason: null,
    diff: null,
  };
  save(ctx, record);
  writeStateValue(ctx.state, versionKey(id, 1), version);
  if (nct !== undefined) writeStateValue(ctx.state, nctKey(nct), id);
  const n = trialCount(ctx.state);
  writeStateValue(ctx.state, indexKey(n), id);
  writeStateValue(ctx.state, COUNT_KEY, n + 1);
}

function applyAmend(ctx: TxContext, p: PayloadObject): void {
  const record = ownTrial(ctx, trialIdField(p.trialId));
  requireUnlocked(record);
  const registration = parseRegistration(p.registration);
  const reason = textField(p.reason, 'reason');
  const previous = trialVersion(ctx.state, record.id, record.version)!;
  // The registry numbers name the trial: an amendment may not turn it into another one.
  if (encodeStateValue(registration.identifiers) !== encodeStateValue(previous.registration.identifiers)) {
    throw invalidPayload('an amendment keeps the trial’s identifiers', { field: 'registration.identifiers' });
  }
  const diff = outcomeDiff(previous.registration.outcomes, registration.outcomes);
  const version = record.version + 1;
  const primaryCompletionDate =
    p.primaryCompletionDate === undefined
      ? record.primaryCompletionDate
      : dateField(p.primaryCompletionDate, 'primaryCompletionDate');
  writeStateValue(ctx.state, versionKey(record.id, version), {
    version,
    registration,
    outcomesRoot: outcomesRoot(registration.outcomes),
    height: ctx.height,
    timeMs: ctx.timeMs,
    txHash: ctx.txHash,
    reason,
    diff,
  } satisfies TrialVersion);
  save(ctx, {
    ...record,
    version,
    materialVersion: diff.material ? version : record.materialVersion,
    primaryCompletionDate,
    resultsDueMs: primaryCompletionDate === null ? null : resultsDueMs(primaryCompletionDate),
  });
}

function applyCommitSeed(ctx: TxContext, p: PayloadObject): void {
  const record = ownTrial(ctx, trialIdField(p.trialId));
  const commitment = hexField(p.seedCommitment, 'seedCommitment', 32);
  if (record.seedCommitment !== null || record.enrolments > 0) {
    throw rejected('trials.seed_fixed', 'the seed is committed once, before the first enrolment');
  }
  save(ctx, { ...record, seedCommitment: commitment });
}

/** Records that a participant was allocated (the arm stays blind until the seed is revealed). */
function applyAllocate(ctx: TxContext, p: PayloadObject): void {
  const record = ownTrial(ctx, trialIdField(p.trialId));
  requireUnlocked(record);
  const n = enrolmentIndex(ctx.state, record.id, hexField(p.enrolTxHash, 'enrolTxHash', 32));
  if (n === undefined)
    throw rejected('trials.unknown_enrolment', 'no enrolment in this trial has this tx hash');
  const entry = enrolment(ctx.state, record.id, n)!;
  if (entry.allocatedHeight !== null)
    throw rejected('trials.already_allocated', 'this participant is allocated');
  writeStateValue(ctx.state, enrolmentKey(record.id, n), { ...entry, allocatedHeight: ctx.height });
}

function applyLock(ctx: TxContext, p: PayloadObject): void {
  const record = ownTrial(ctx, trialIdField(p.trialId));
  requireUnlocked(record);
  const databaseDigest = hexField(p.databaseDigest, 'databaseDigest', 32);
  save(ctx, { ...record, lock: { height: ctx.height, timeMs: ctx.timeMs, databaseDigest } });
}

function applyUnblind(ctx: TxContext, p: PayloadObject): void {
  const record = ownTrial(ctx, trialIdField(p.trialId));
  const seed = hexField(p.seed, 'seed', 32);
  if (record.lock === null)
    throw rejected('trials.not_locked', 'lock the SAP and database before unblinding');
  if (record.unblinding !== null)
    throw rejected('trials.already_unblinded', 'the trial is already unblinded');
  if (record.seedCommitment === null || seedCommitment(seed) !== record.seedCommitment) {
    throw rejected('trials.seed_mismatch', 'the seed does not open the committed seed');
  }
  const arms = trialVersion(ctx.state, record.id, record.version)!.registration.arms.length;
  const armCounts = new Array<number>(arms).fill(0);
  for (let n = 0; n < record.enrolments; n++) {
    armCounts[allocatedArm(seed, enrolment(ctx.state, record.id, n)!.enrolTxHash, arms)]! += 1;
  }
  save(ctx, { ...record, unblinding: { height: ctx.height, timeMs: ctx.timeMs, seed, armCounts } });
}

function applySae(ctx: TxContext, p: PayloadObject): void {
  const record = ownTrial(ctx, trialIdField(p.trialId));
  const digest = hexField(p.digest, 'digest', 32);
  const severity = enumField(p.severity, 'severity', SAE_SEVERITIES);
  const awareAtMs = safeIntegerField(p.awareAtMs, 'awareAtMs', 0);
  if (awareAtMs > ctx.timeMs) throw invalidPayload('awareAtMs is in the future', { field: 'awareAtMs' });
  const deadlineMs = awareAtMs + SAE_DEADLINE_DAYS[severity] * DAY_MS;
  const n = saeCount(ctx.state, record.id);
  for (let i = 0; i < n; i++) {
    if (sae(ctx.state, record.id, i)!.digest === digest) {
      throw rejected('trials.duplicate_sae', 'this adverse event report is already committed');
    }
  }
  writeStateValue(ctx.state, saeKey(record.id, n), {
    digest,
    severity,
    awareAtMs,
    reportedAtMs: ctx.timeMs,
    deadlineMs,
    late: ctx.timeMs > deadlineMs,
    height: ctx.height,
  });
  writeStateValue(ctx.state, saeCountKey(record.id), n + 1);
}

/** The registered outcomes results are judged against: those in force at the first enrolment. */
export function baselineOutcomes(ctx: Pick<TxContext, 'state'>, record: TrialRecord) {
  return trialVersion(ctx.state, record.id, record.baselineVersion ?? record.version)!.registration.outcomes;
}

/** Every explicit link names a registered outcome no other link took, or the verdict could not be computed. */
function requireLinksResolve(
  ctx: TxContext,
  record: TrialRecord,
  outcomes: readonly ReportedOutcome[],
): void {
  try {
    compareOutcomes(baselineOutcomes(ctx, record), outcomes);
  } catch (err) {
    if (!(err instanceof CoreError)) throw err;
    throw rejected('trials.unknown_outcome', 'a link names no registered outcome, or one already linked');
  }
}

function applyResults(ctx: TxContext, p: PayloadObject): void {
  const record = ownTrial(ctx, trialIdField(p.trialId));
  if (!Array.isArray(p.outcomes) || p.outcomes.length === 0 || p.outcomes.length > OUTCOMES_MAX) {
    throw invalidPayload(`outcomes must be a list of 1 to ${OUTCOMES_MAX} entries`, { field: 'outcomes' });
  }
  const outcomes = (p.outcomes as CanonicalValue[]).map(reportedOutcome);
  const resultsDigest = hexField(p.resultsDigest, 'resultsDigest', 32);
  if (record.unblinding === null) throw rejected('trials.not_unblinded', 'results follow unblinding');
  if (results(ctx.state, record.id) !== undefined) {
    throw rejected('trials.results_posted', 'results are posted once; link outcomes with trials.link');
  }
  requireLinksResolve(ctx, record, outcomes);
  const posted: ResultsRecord = {
    outcomes,
    resultsDigest,
    height: ctx.height,
    timeMs: ctx.timeMs,
    links: [],
  };
  writeStateValue(ctx.state, resultsKey(record.id), posted);
}

/** The sponsor's explicit link from a reported outcome to a registered one, recorded with its height. */
function applyLink(ctx: TxContext, p: PayloadObject): void {
  const record = ownTrial(ctx, trialIdField(p.trialId));
  const reportedMeasure = textField(p.reportedMeasure, 'reportedMeasure');
  const registeredMeasure = textField(p.registeredMeasure, 'registeredMeasure');
  const posted = results(ctx.state, record.id);
  if (posted === undefined) throw rejected('trials.no_results', 'no results are posted for this trial');
  const index = posted.outcomes.findIndex((o) => o.measure === reportedMeasure);
  if (index < 0) throw rejected('trials.unknown_outcome', 'no reported outcome has this measure');
  const outcomes = posted.outcomes.map((o, i) => (i === index ? { ...o, registeredMeasure } : o));
  requireLinksResolve(ctx, record, outcomes);
  const links = [...posted.links, { reportedMeasure, registeredMeasure, height: ctx.height }];
  writeStateValue(ctx.state, resultsKey(record.id), { ...posted, outcomes, links });
}

export const sponsorHandlers: readonly TxHandler[] = [
  {
    type: 'trials.register',
    fields: ['registration'],
    optionalFields: ['primaryCompletionDate'],
    apply: applyRegister,
  },
  {
    type: 'trials.amend',
    fields: ['trialId', 'registration', 'reason'],
    optionalFields: ['primaryCompletionDate'],
    apply: applyAmend,
  },
  { type: 'trials.commitSeed', fields: ['trialId', 'seedCommitment'], apply: applyCommitSeed },
  { type: 'trials.allocate', fields: ['trialId', 'enrolTxHash'], apply: applyAllocate },
  { type: 'trials.lock', fields: ['trialId', 'databaseDigest'], apply: applyLock },
  { type: 'trials.unblind', fields: ['trialId', 'seed'], apply: applyUnblind },
  { type: 'trials.sae', fields: ['trialId', 'digest', 'severity', 'awareAtMs'], apply: applySae },
  { type: 'trials.results', fields: ['trialId', 'outcomes', 'resultsDigest'], apply: applyResults },
  { type: 'trials.link', fields: ['trialId', 'reportedMeasure', 'registeredMeasure'], apply: applyLink },
];
