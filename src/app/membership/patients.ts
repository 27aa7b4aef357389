// Patients enrol themselves: the key pair is made on the patient's side and the registration is signed
// by it, so no institution can create or take over a patient identity. Nothing about the person is on
// chain: the payload carries at most the id of the organisation the patient names as custodian.
import { fromHex } from '../../core/bytes.ts';
import { canonicalBytes, type CanonicalValue } from '../../core/canonical.ts';
import { verifyMessage } from '../../core/crypto/index.ts';
import type { TxContext, TxHandler } from '../module.ts';
import { enumField, hexField, orgIdField, rejected, usableKeyField, type PayloadObject } from '../payload.ts';
import { encodeStateValue } from '../state.ts';
import { keyEntryKey, patientKey, proxyKey } from './keys.ts';
import { keyEntry, organisation, patientByKey, patientRecord, proxyRecord } from './queries.ts';
import { keyRotationMessage, patientPseudonym, proxyAcceptanceMessage } from './pseudonym.ts';
import { PROXY_RELATIONSHIPS, type KeyEntry, type PatientRecord, type ProxyRecord } from './types.ts';

function requireUnusedKey(ctx: TxContext, key: string): void {
  if (keyEntry(ctx.state, key) !== undefined) {
    throw rejected('membership.key_in_use', 'this key is already registered');
  }
}

/** Only the patient's current key may manage the identity itself; a proxy acts on consents, not on this. */
function requirePatient(ctx: TxContext): string {
  const pseudonym = patientByKey(ctx.state, ctx.signer);
  if (pseudonym === undefined) {
    throw rejected('membership.not_patient', 'the signer is not a registered patient’s current key');
  }
  return pseudonym;
}

/**
 * Proof that the holder of `key` signed `message` for this chain. Required wherever a tx names a key
 * other than its signer's: otherwise anyone watching the mempool could claim a key about to be
 * registered (keys are single-use) and block its owner.
 */
function requirePossession(ctx: TxContext, key: string, message: CanonicalValue, signature: string): void {
  const ok = verifyMessage(fromHex(key), 'receipt', ctx.chainId, canonicalBytes(message), fromHex(signature));
  if (!ok) throw rejected('membership.bad_key_proof', 'the new key’s signature does not verify');
}

function applyRegisterPatient(ctx: TxContext, p: PayloadObject): void {
  const custodianOrgId =
    p.custodianOrgId === undefined ? null : orgIdField(p.custodianOrgId, 'custodianOrgId');
  if (custodianOrgId !== null && organisation(ctx.state, custodianOrgId) === undefined) {
    throw rejected('membership.unknown_org', 'no such organisation', { orgId: custodianOrgId });
  }
  requireUnusedKey(ctx, ctx.signer);
  const pseudonym = patientPseudonym(ctx.signer);
  // Unreachable while the signer's key is unused (the first key's entry is never removed); kept as the
  // rule it protects: one pseudonym, one patient.
  if (patientRecord(ctx.state, pseudonym) !== undefined) {
    throw rejected('membership.patient_exists', 'this patient is already registered');
  }
  const entry: KeyEntry = { kind: 'patient', pseudonym };
  const record: PatientRecord = {
    currentKey: ctx.signer,
    custodianOrgId,
    registeredAtHeight: ctx.height,
    keyRotatedAtHeight: null,
  };
  ctx.state.set(keyEntryKey(ctx.signer), encodeStateValue(entry));
  ctx.state.set(patientKey(pseudonym), encodeStateValue(record));
}

/** The pseudonym stays (it names the patient in every consent and record); only the acting key moves. */
function applyRotateKey(ctx: TxContext, p: PayloadObject): void {
  const newKey = usableKeyField(p.newKey, 'newKey');
  const signature = hexField(p.newKeySignature, 'newKeySignature', 64);
  const pseudonym = requirePatient(ctx);
  requireUnusedKey(ctx, newKey);
  requirePossession(ctx, newKey, keyRotationMessage(pseudonym, ctx.signer, newKey), signature);
  const record = patientRecord(ctx.state, pseudonym)!;
  const next: PatientRecord = { ...record, currentKey: newKey, keyRotatedAtHeight: ctx.height };
  const entry: KeyEntry = { kind: 'patient', pseudonym };
  ctx.state.set(keyEntryKey(newKey), encodeStateValue(entry));
  ctx.state.set(patientKey(pseudonym), encodeStateValue(next));
}

function applyAppointProxy(ctx: TxContext, p: PayloadObject): void {
  const key = usableKeyField(p.proxyKey, 'proxyKey');
  const relationship = enumField(p.relationship, 'relationship', PROXY_RELATIONSHIPS);
  const signature = hexField(p.proxySignature, 'proxySignature', 64);
  const pseudonym = requirePatient(ctx);
  requireUnusedKey(ctx, key);
  requirePossession(ctx, key, proxyAcceptanceMessage(pseudonym, key, relationship), signature);
  const entry: KeyEntry = { kind: 'proxy', pseudonym };
  const record: ProxyRecord = { relationship, appointedAtHeight: ctx.height, revokedAtHeight: null };
  ctx.state.set(keyEntryKey(key), encodeStateValue(entry));
  ctx.state.set(proxyKey(pseudonym, key), encodeStateValue(record));
}

/** Revocation is final for that key (keys are single-use); a new appointment takes a new key. */
function applyRevokeProxy(ctx: TxContext, p: PayloadObject): void {
  const key = hexField(p.proxyKey, 'proxyKey', 32);
  const pseudonym = requirePatient(ctx);
  const record = proxyRecord(ctx.state, pseudonym, key);
  if (record === undefined) throw rejected('membership.unknown_proxy', 'this key is not the patient’s proxy');
  if (record.revokedAtHeight !== null) {
    throw rejected('membership.proxy_revoked', 'this proxy is already revoked');
  }
  const next: ProxyRecord = { ...record, revokedAtHeight: ctx.height };
  ctx.state.set(proxyKey(pseudonym, key), encodeStateValue(next));
}

export const patientHandlers: readonly TxHandler[] = [
  {
    type: 'membership.registerPatient',
    fields: [],
    optionalFields: ['custodianOrgId'],
    apply: applyRegisterPatient,
  },
  { type: 'membership.rotatePatientKey', fields: ['newKey', 'newKeySignature'], apply: applyRotateKey },
  {
    type: 'membership.appointProxy',
    fields: ['proxyKey', 'proxySignature', 'relationship'],
    apply: applyAppointProxy,
  },
  { type: 'membership.revokeProxy', fields: ['proxyKey'], apply: applyRevokeProxy },
];
