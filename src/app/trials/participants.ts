// The patient's txs (issue 16 §3): enrol, re-consent and withdraw, each signed by the patient (or an
// appointed proxy) with their own key, as consents are. Enrolment is the research consent (purpose
// HRESCH, to the trial's sponsor) and names the protocol version it consents to. It is refused for an
// unknown trial, before the registration is final (a later block than the registration's), before the
// sponsor committed the randomisation seed, and once the database is locked. Counts per site are public;
// which patient enrolled is not answered by the API.
import type { CanonicalValue } from '../../core/canonical.ts';
import { requirePatientSigner } from '../consent/grant.ts';
import { organisation } from '../membership/queries.ts';
import type { TxContext, TxHandler } from '../module.ts';
import { orgIdField, rejected, safeIntegerField, type PayloadObject } from '../payload.ts';
import { writeStateValue, type StateReader } from '../state.ts';
import { existingTrial, trialIdField } from './sponsor.ts';
import {
  countAtSite,
  enrolmentByTxKey,
  enrolmentKey,
  participant,
  participantKey,
  trialKey,
  type ParticipantRecord,
  type TrialRecord,
} from './store.ts';

function currentVersionField(record: TrialRecord, value: CanonicalValue | undefined): number {
  const version = safeIntegerField(value, 'version', 1);
  if (version !== record.version) {
    throw rejected('trials.stale_version', 'consent names the trial’s current protocol version', {
      expected: record.version,
      actual: version,
    });
  }
  return version;
}

function applyEnrol(ctx: TxContext, p: PayloadObject): void {
  const pseudonym = requirePatientSigner(ctx);
  const record = existingTrial(ctx, trialIdField(p.trialId));
  const siteOrgId = orgIdField(p.siteOrgId, 'siteOrgId');
  // Final means committed in an earlier block: in the registration's own block it could still be
  // reordered around the enrolment, so the protocol would not provably come first.
  if (ctx.height <= record.height) {
    throw rejected('trials.registration_not_final', 'enrolment waits for the registration’s block to commit');
  }
  if (record.seedCommitment === null) {
    throw rejected('trials.no_seed', 'the sponsor commits the randomisation seed before the first enrolment');
  }
  if (record.lock !== null) throw rejected('trials.locked', 'the trial’s database is locked');
  const version = currentVersionField(record, p.version);
  if (organisation(ctx.state, siteOrgId) === undefined) {
    throw rejected('trials.unknown_site', 'the site is not a member organisation', { orgId: siteOrgId });
  }
  if (participant(ctx.state, record.id, pseudonym) !== undefined) {
    throw rejected('trials.already_enrolled', 'the patient has already enrolled in this trial');
  }
  const entry: ParticipantRecord = {
    siteOrgId,
    consentedVersion: version,
    enrolTxHash: ctx.txHash,
    enrolledHeight: ctx.height,
    status: 'enrolled',
    withdrawnHeight: null,
  };
  writeStateValue(ctx.state, participantKey(record.id, pseudonym), entry);
  const n = record.enrolments;
  writeStateValue(ctx.state, enrolmentKey(record.id, n), {
    enrolTxHash: ctx.txHash,
    siteOrgId,
    height: ctx.height,
    allocatedHeight: null,
  });
  writeStateValue(ctx.state, enrolmentByTxKey(record.id, ctx.txHash), n);
  writeStateValue(ctx.state, trialKey(record.id), {
    ...record,
    enrolments: n + 1,
    baselineVersion: record.baselineVersion ?? record.version,
  });
  countAtSite(ctx.state, record.id, siteOrgId, 'enrolled');
}

function activeParticipant(ctx: TxContext, record: TrialRecord, pseudonym: string): ParticipantRecord {
  const entry = participant(ctx.state, record.id, pseudonym);
  if (entry === undefined) throw rejected('trials.not_enrolled', 'the patient is not enrolled in this trial');
  if (entry.status === 'withdrawn')
    throw rejected('trials.withdrawn', 'the patient has withdrawn from this trial');
  return entry;
}

function applyReconsent(ctx: TxContext, p: PayloadObject): void {
  const pseudonym = requirePatientSigner(ctx);
  const record = existingTrial(ctx, trialIdField(p.trialId));
  const version = currentVersionField(record, p.version);
  const entry = activeParticipant(ctx, record, pseudonym);
  if (entry.consentedVersion >= version) {
    throw rejected('trials.already_consented', 'the patient already consents to this version');
  }
  writeStateValue(ctx.state, participantKey(record.id, pseudonym), { ...entry, consentedVersion: version });
  countAtSite(ctx.state, record.id, entry.siteOrgId, 'reconsented');
}

function applyWithdraw(ctx: TxContext, p: PayloadObject): void {
  const pseudonym = requirePatientSigner(ctx);
  const record = existingTrial(ctx, trialIdField(p.trialId));
  const entry = activeParticipant(ctx, record, pseudonym);
  writeStateValue(ctx.state, participantKey(record.id, pseudonym), {
    ...entry,
    status: 'withdrawn',
    withdrawnHeight: ctx.height,
  });
  countAtSite(ctx.state, record.id, entry.siteOrgId, 'withdrawn');
}

/**
 * Does the participant's data flow to the sponsor now? Only while enrolled, and only when their consent
 * covers the latest material amendment: until they re-consent, nothing flows under the new version.
 */
export function dataFlows(state: StateReader, record: TrialRecord, pseudonym: string): boolean {
  const entry = participant(state, record.id, pseudonym);
  return (
    entry !== undefined && entry.status === 'enrolled' && entry.consentedVersion >= record.materialVersion
  );
}

export const participantHandlers: readonly TxHandler[] = [
  { type: 'trials.enrol', fields: ['trialId', 'siteOrgId', 'version'], apply: applyEnrol },
  { type: 'trials.reconsent', fields: ['trialId', 'version'], apply: applyReconsent },
  { type: 'trials.withdraw', fields: ['trialId'], apply: applyWithdraw },
];
