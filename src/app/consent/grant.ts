// consent.grant and consent.revoke: only the patient, or a proxy the patient appointed, signs them
// (docs/DESIGN.md principle 2), so no institution can forge or withdraw a patient's consent.
import { organisation, patientActingAs, practitioner } from '../membership/queries.ts';
import type { TxContext, TxHandler } from '../module.ts';
import { enumField, rejected, type PayloadObject } from '../payload.ts';
import { encodeStateValue, type StateReader } from '../state.ts';
import { idField, parseAccessTerms, parseGrantee } from './parse.ts';
import {
  CONSENTS_PER_PATIENT_MAX,
  consentCount,
  consentCountKey,
  consentIndexKey,
  consentKey,
  consentRecord,
  unrevokedCount,
  unrevokedCountKey,
  unrevokedKey,
  unrevokedSlotKey,
} from './store.ts';
import { PROVISION_TYPES, type ConsentRecord, type Grantee } from './types.ts';

/** The pseudonym of the patient the signer acts for (as the patient or as an unrevoked proxy). */
export function requirePatientSigner(ctx: TxContext): string {
  const pseudonym = patientActingAs(ctx.state, ctx.signer);
  if (pseudonym === undefined) {
    throw rejected('consent.not_patient', 'only the patient or an appointed proxy may sign this');
  }
  return pseudonym;
}

/** A grantee must exist now: a consent to nobody would lie in wait for whoever registers that name. */
function requireGranteeExists(state: StateReader, grantee: Grantee): void {
  if (grantee.kind === 'practitioner') {
    if (practitioner(state, grantee.key) === undefined) {
      throw rejected('consent.unknown_practitioner', 'the grantee is not a registered practitioner');
    }
  } else if (organisation(state, grantee.orgId) === undefined) {
    throw rejected('consent.unknown_org', 'the grantee organisation does not exist', {
      orgId: grantee.orgId,
    });
  }
}

/** Writes a new consent and appends it to the patient's index; shared with request approval. */
export function recordConsent(ctx: TxContext, record: ConsentRecord): void {
  const pseudonym = record.patientPseudonym;
  if (consentRecord(ctx.state, pseudonym, record.consentId) !== undefined) {
    throw rejected('consent.duplicate_id', 'this patient already has a consent with this id');
  }
  // The cap counts unrevoked consents only: revoking one makes room (finding 15).
  const held = unrevokedCount(ctx.state, pseudonym);
  if (held >= CONSENTS_PER_PATIENT_MAX) {
    throw rejected('consent.too_many', 'the patient holds the most unrevoked consents allowed', {
      expected: CONSENTS_PER_PATIENT_MAX,
      actual: held,
    });
  }
  const n = consentCount(ctx.state, pseudonym);
  ctx.state.set(consentKey(pseudonym, record.consentId), encodeStateValue(record));
  ctx.state.set(consentIndexKey(pseudonym, n), encodeStateValue(record.consentId));
  ctx.state.set(consentCountKey(pseudonym), encodeStateValue(n + 1));
  ctx.state.set(unrevokedKey(pseudonym, held), encodeStateValue(record.consentId));
  ctx.state.set(unrevokedSlotKey(pseudonym, record.consentId), encodeStateValue(held));
  ctx.state.set(unrevokedCountKey(pseudonym), encodeStateValue(held + 1));
}

/** Takes a revoked consent out of the unrevoked list: the last one moves into its slot. */
function dropUnrevoked(ctx: TxContext, pseudonym: string, consentId: string): void {
  const slotKey = unrevokedSlotKey(pseudonym, consentId);
  const slotValue = ctx.state.get(slotKey);
  if (slotValue === undefined) return;
  const slot = JSON.parse(slotValue) as number;
  const last = unrevokedCount(ctx.state, pseudonym) - 1;
  if (slot !== last) {
    const moved = JSON.parse(ctx.state.get(unrevokedKey(pseudonym, last))!) as string;
    ctx.state.set(unrevokedKey(pseudonym, slot), encodeStateValue(moved));
    ctx.state.set(unrevokedSlotKey(pseudonym, moved), encodeStateValue(slot));
  }
  ctx.state.delete(unrevokedKey(pseudonym, last));
  ctx.state.delete(slotKey);
  ctx.state.set(unrevokedCountKey(pseudonym), encodeStateValue(last));
}

function applyGrant(ctx: TxContext, p: PayloadObject): void {
  const consentId = idField(p.consentId, 'consentId');
  const grantee = parseGrantee(p.grantee);
  const terms = parseAccessTerms(p);
  const provision = enumField(p.provision, 'provision', PROVISION_TYPES);
  const pseudonym = requirePatientSigner(ctx);
  requireGranteeExists(ctx.state, grantee);
  recordConsent(ctx, {
    consentId,
    patientPseudonym: pseudonym,
    grantee,
    ...terms,
    provision,
    grantedBy: ctx.signer,
    requestId: null,
    height: ctx.height,
    timeMs: ctx.timeMs,
    revokedAtHeight: null,
    revokedBy: null,
  });
}

/** Takes effect from this block on: evaluation at this height or later no longer counts the consent. */
function applyRevoke(ctx: TxContext, p: PayloadObject): void {
  const consentId = idField(p.consentId, 'consentId');
  const pseudonym = requirePatientSigner(ctx);
  const record = consentRecord(ctx.state, pseudonym, consentId);
  if (record === undefined) throw rejected('consent.unknown', 'the patient has no consent with this id');
  if (record.revokedAtHeight !== null) {
    throw rejected('consent.already_revoked', 'this consent is already revoked', {
      revokedAtHeight: record.revokedAtHeight,
    });
  }
  const revoked: ConsentRecord = { ...record, revokedAtHeight: ctx.height, revokedBy: ctx.signer };
  ctx.state.set(consentKey(pseudonym, consentId), encodeStateValue(revoked));
  dropUnrevoked(ctx, pseudonym, consentId);
}

export const grantHandlers: readonly TxHandler[] = [
  {
    type: 'consent.grant',
    fields: ['consentId', 'grantee', 'resourceTypes', 'purposes', 'actions', 'period', 'provision'],
    apply: applyGrant,
  },
  { type: 'consent.revoke', fields: ['consentId'], apply: applyRevoke },
];
