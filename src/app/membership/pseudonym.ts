// Patient pseudonyms and the proofs of key possession. Pure and free of node imports, so the patient's
// own client (CLI today, browser later) computes the same pseudonym and signs the same messages.
import type { CanonicalValue } from '../../core/canonical.ts';
import { hashCanonical } from '../../core/hash.ts';

/**
 * A patient's on-chain identity: a domain-separated hash of their first public key. It stays the same
 * when the key is rotated, so consents and records keep pointing at the patient. It hides nothing from
 * someone who knows the first key (that key signed the registration tx); what keeps the chain free of
 * PHI is that nothing but this pseudonym names the patient, and the link to a person lives off-chain.
 */
export function patientPseudonym(publicKey: string): string {
  return hashCanonical('patient-pseudonym', { publicKey });
}

/*
 * The two messages below are signed under the 'receipt' purpose ("carechain/v1/receipt/<chainId>\n" +
 * canonical bytes, src/core/crypto). Their `type` field keeps them apart from every other receipt, and
 * binding both keys makes each proof good for exactly one tx: keys are never registered twice.
 */

/** Signed by the new key: "I hold newKey and take over from previousKey for this pseudonym". */
export function keyRotationMessage(pseudonym: string, previousKey: string, newKey: string): CanonicalValue {
  return { type: 'membership.keyRotation', pseudonym, previousKey, newKey };
}

/** Signed by the proxy's key: "I hold proxyKey and accept to act for this pseudonym as relationship". */
export function proxyAcceptanceMessage(
  pseudonym: string,
  proxyKey: string,
  relationship: string,
): CanonicalValue {
  return { type: 'membership.proxyAcceptance', pseudonym, proxyKey, relationship };
}

/**
 * A custodial identity's pseudonym (issue 13): the custodian pre-registers a patient who has no key yet
 * under a salted commitment to its own local identifier for them (the salt stays with the custodian).
 * Binding the organisation keeps two custodians' commitments apart; the value's shape keeps these
 * pseudonyms apart from key-derived ones.
 */
export function custodialPseudonym(custodianOrgId: string, commitment: string): string {
  return hashCanonical('patient-pseudonym', { custodianOrgId, commitment });
}

/**
 * Signed by a node or admin key of the custodial organisation: "we know the holder of patientKey to be
 * the patient of this custodial pseudonym". Naming the key makes one attestation good for one claimant.
 */
export function custodialClaimMessage(pseudonym: string, patientKey: string): CanonicalValue {
  return { type: 'membership.custodialClaim', pseudonym, patientKey };
}
