// Patients onboarded before they have a key (issue 13): an EHR import must not wait for each patient to
// make one. A custodian's node pre-registers the patient as a custodial identity: a pseudonym derived
// from a salted commitment to the custodian's own identifier for them (no PHI on chain), with no key at
// all, so nobody (the custodian included) can sign consents, proxies or erasures for them; the base
// policy of genesis alone decides who reads. Later the patient claims it with a key of their own: the
// claim tx is signed by that key (proving control) and carries the custodian's attestation naming that
// key (the custodian vouches that its holder is this patient, as it does when it hands out an MRN). From
// the claim on, the identity is an ordinary patient's: their consents and denies apply, they rotate keys.
import { fromHex } from '../../core/bytes.ts';
import { canonicalBytes } from '../../core/canonical.ts';
import { verifyMessage } from '../../core/crypto/index.ts';
import type { TxContext, TxHandler } from '../module.ts';
import { hexField, rejected, usableKeyField, type PayloadObject } from '../payload.ts';
import { encodeStateValue } from '../state.ts';
import { keyEntryKey, patientKey } from './keys.ts';
import { custodialClaimMessage, custodialPseudonym } from './pseudonym.ts';
import { actorOf, keyEntry, patientRecord } from './queries.ts';
import type { KeyEntry, PatientRecord } from './types.ts';

/** Signed by a node key of the custodian: pre-registers the patient its commitment names. */
function applyRegisterCustodial(ctx: TxContext, p: PayloadObject): void {
  const commitment = hexField(p.commitment, 'commitment', 32);
  const signer = actorOf(ctx.state, ctx.signer);
  if (signer.kind !== 'node') {
    throw rejected('membership.not_org_node', 'only an organisation’s node pre-registers patients');
  }
  const pseudonym = custodialPseudonym(signer.orgId, commitment);
  if (patientRecord(ctx.state, pseudonym) !== undefined) {
    throw rejected('membership.patient_exists', 'this patient is already registered');
  }
  const record: PatientRecord = {
    currentKey: null,
    custodianOrgId: signer.orgId,
    registeredAtHeight: ctx.height,
    keyRotatedAtHeight: null,
    custodialOrgId: signer.orgId,
    claimedAtHeight: null,
  };
  ctx.state.set(patientKey(pseudonym), encodeStateValue(record));
}

/** Signed by the claimant's new key, with the custodian's attestation naming that key. */
function applyClaim(ctx: TxContext, p: PayloadObject): void {
  const pseudonym = hexField(p.pseudonym, 'pseudonym', 32);
  const attestedBy = usableKeyField(p.attestedBy, 'attestedBy');
  const attestation = hexField(p.attestation, 'attestation', 64);
  const record = patientRecord(ctx.state, pseudonym);
  if (record?.custodialOrgId === undefined) {
    throw rejected('membership.not_custodial', 'no custodial identity has this pseudonym');
  }
  if (record.currentKey !== null) {
    throw rejected('membership.already_claimed', 'this identity has been claimed already');
  }
  if (keyEntry(ctx.state, ctx.signer) !== undefined) {
    throw rejected('membership.key_in_use', 'this key is already registered');
  }
  // The custodian's word, by a key it holds now (a node or its admin), about exactly this signer.
  const attester = actorOf(ctx.state, attestedBy);
  const custodianKey =
    (attester.kind === 'node' || attester.kind === 'org-admin') && attester.orgId === record.custodialOrgId;
  const message = canonicalBytes(custodialClaimMessage(pseudonym, ctx.signer));
  if (
    !custodianKey ||
    !verifyMessage(fromHex(attestedBy), 'receipt', ctx.chainId, message, fromHex(attestation))
  ) {
    throw rejected('membership.bad_attestation', 'the custodian has not attested this key for this patient');
  }
  const entry: KeyEntry = { kind: 'patient', pseudonym };
  const next: PatientRecord = { ...record, currentKey: ctx.signer, claimedAtHeight: ctx.height };
  ctx.state.set(keyEntryKey(ctx.signer), encodeStateValue(entry));
  ctx.state.set(patientKey(pseudonym), encodeStateValue(next));
}

export const custodialHandlers: readonly TxHandler[] = [
  { type: 'membership.registerCustodialPatient', fields: ['commitment'], apply: applyRegisterCustodial },
  { type: 'membership.claimPatient', fields: ['pseudonym', 'attestedBy', 'attestation'], apply: applyClaim },
];
