// Read-only questions about membership, pure over a StateReader: the same answers in a tx handler, in
// the node's API and (over state fetched with proofs, later) in the browser.
import type { StateReader } from '../state.ts';
import { keyEntryKey, orgKey, ORGS_KEY, patientKey, practitionerKey, proxyKey, readRecord } from './keys.ts';
import type {
  Actor,
  KeyEntry,
  Organisation,
  PatientRecord,
  PractitionerRecord,
  PractitionerRole,
  PractitionerStatus,
  ProxyRecord,
} from './types.ts';

export function organisationIds(state: StateReader): string[] {
  return readRecord<string[]>(state, ORGS_KEY) ?? [];
}

export function organisation(state: StateReader, orgId: string): Organisation | undefined {
  return readRecord<Organisation>(state, orgKey(orgId));
}

export function keyEntry(state: StateReader, publicKey: string): KeyEntry | undefined {
  return readRecord<KeyEntry>(state, keyEntryKey(publicKey));
}

export function practitioner(
  state: StateReader,
  publicKey: string,
): { orgId: string; role: PractitionerRole; status: PractitionerStatus } | undefined {
  const record = practitionerRecord(state, publicKey);
  return record === undefined ? undefined : { orgId: record.orgId, role: record.role, status: record.status };
}

export function practitionerRecord(state: StateReader, publicKey: string): PractitionerRecord | undefined {
  return readRecord<PractitionerRecord>(state, practitionerKey(publicKey));
}

export function patientRecord(state: StateReader, pseudonym: string): PatientRecord | undefined {
  return readRecord<PatientRecord>(state, patientKey(pseudonym));
}

/** The pseudonym of the patient whose *current* key this is; a rotated-out key answers undefined. */
export function patientByKey(state: StateReader, publicKey: string): string | undefined {
  const entry = keyEntry(state, publicKey);
  if (entry?.kind !== 'patient') return undefined;
  return patientRecord(state, entry.pseudonym)?.currentKey === publicKey ? entry.pseudonym : undefined;
}

/** The patient's current key; undefined when unknown or a custodial identity not yet claimed. */
export function currentPatientKey(state: StateReader, pseudonym: string): string | undefined {
  return patientRecord(state, pseudonym)?.currentKey ?? undefined;
}

/** True for a custodial identity its patient has not claimed yet: only the base policy applies to it. */
export function isUnclaimedCustodial(state: StateReader, pseudonym: string): boolean {
  const record = patientRecord(state, pseudonym);
  return record?.custodialOrgId !== undefined && record.currentKey === null;
}

export function proxyRecord(state: StateReader, pseudonym: string, key: string): ProxyRecord | undefined {
  return readRecord<ProxyRecord>(state, proxyKey(pseudonym, key));
}

/** True while key is an appointed, unrevoked proxy of the patient. */
export function isProxy(state: StateReader, pseudonym: string, key: string): boolean {
  const record = proxyRecord(state, pseudonym, key);
  return record !== undefined && record.revokedAtHeight === null;
}

/**
 * What the holder of a key is now. Void keys (a patient's rotated-out key, a revoked proxy) are
 * 'unknown': they may no longer act. A suspended practitioner is still reported, with its status, so
 * that callers can tell "suspended" from "never registered" in their answer.
 */
export function actorOf(state: StateReader, publicKey: string): Actor {
  const entry = keyEntry(state, publicKey);
  switch (entry?.kind) {
    case 'org-admin':
    case 'node':
      return { kind: entry.kind, orgId: entry.orgId };
    case 'practitioner': {
      const found = practitioner(state, publicKey);
      return found === undefined ? { kind: 'unknown' } : { kind: 'practitioner', ...found };
    }
    case 'patient':
      return patientByKey(state, publicKey) === undefined
        ? { kind: 'unknown' }
        : { kind: 'patient', pseudonym: entry.pseudonym };
    case 'proxy': {
      const record = proxyRecord(state, entry.pseudonym, publicKey);
      return record === undefined || record.revokedAtHeight !== null
        ? { kind: 'unknown' }
        : { kind: 'proxy', pseudonym: entry.pseudonym, relationship: record.relationship };
    }
    case undefined:
      return { kind: 'unknown' };
  }
}

/** The organisation whose node or administrator holds this key; undefined for everyone else. */
export function organisationActingAs(state: StateReader, publicKey: string): string | undefined {
  const actor = actorOf(state, publicKey);
  return actor.kind === 'node' || actor.kind === 'org-admin' ? actor.orgId : undefined;
}

/**
 * The patient a signer may act for: their own pseudonym, or the patient who appointed them as proxy.
 * Undefined for everyone else. Consent and records use this to check "signed by the patient".
 */
export function patientActingAs(state: StateReader, publicKey: string): string | undefined {
  const actor = actorOf(state, publicKey);
  return actor.kind === 'patient' || actor.kind === 'proxy' ? actor.pseudonym : undefined;
}
