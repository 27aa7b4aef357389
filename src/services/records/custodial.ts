// Custodial identities at the custodian's node (issue 13; the chain's rules are app/membership/
// custodial.ts). An EHR import names patients who have no key yet: a Patient without the pseudonym
// identifier is pre-registered by this node under a salted commitment to the record it is written as,
// and the stored Patient gets the pseudonym as an identifier, so staff can later tell the patient what
// to claim. The salt is derived from the node's own seed: the same Patient id gives the same commitment
// on a retry (a failed Bundle leaves an identity with no records, which the retry reuses), and nobody
// without the seed can link a commitment to a record id. The claim needs the custodian's attestation,
// which this node signs for a staff member who has identified the patient.
import { FhirError } from '../fhir/operation-outcome.ts';
import { asObject, PATIENT_PSEUDONYM_SYSTEM, type GatewayCaller, type Resource } from './resources.ts';
import { custodialClaimMessage, custodialPseudonym } from '../../app/membership/pseudonym.ts';
import { isUnclaimedCustodial, patientRecord } from '../../app/membership/queries.ts';
import type { PractitionerRole } from '../../app/membership/types.ts';
import type { StateReader } from '../../app/state.ts';
import { concatBytes, isHex, toHex, utf8 } from '../../core/bytes.ts';
import { canonicalBytes } from '../../core/canonical.ts';
import { sha256, signMessage } from '../../core/crypto/index.ts';
import type { KeyPair } from '../../node/keys.ts';

/** Who may vouch that a key is a patient's: staff who identify patients in person. */
export const ATTESTING_ROLES: readonly PractitionerRole[] = ['admin', 'privacy-officer', 'physician'];

/** True when a Patient resource names no pseudonym: the custodian must pre-register one. */
export function namesNoPseudonym(resource: Resource): boolean {
  const identifiers = Array.isArray(resource.identifier) ? (resource.identifier as unknown[]) : [];
  return !identifiers.map(asObject).some((i) => i.system === PATIENT_PSEUDONYM_SYSTEM);
}

/** The commitment this node registers for the Patient record `recordId`, salted with its own secret. */
export function custodialCommitment(nodeKey: KeyPair, recordId: string): string {
  const salt = sha256(concatBytes(utf8('carechain/custodial-salt\n'), nodeKey.seed));
  return toHex(sha256(concatBytes(salt, utf8(`\n${recordId}`))));
}

/** The pseudonym a keyless Patient is filed under, and whether it must still be registered on chain. */
export function custodialPatient(
  state: StateReader,
  nodeKey: KeyPair,
  custodianOrgId: string,
  recordId: string,
): { pseudonym: string; commitment: string; registered: boolean } {
  const commitment = custodialCommitment(nodeKey, recordId);
  const pseudonym = custodialPseudonym(custodianOrgId, commitment);
  return { pseudonym, commitment, registered: patientRecord(state, pseudonym) !== undefined };
}

/** The stored Patient names its pseudonym, as a self-registered patient's Patient does. */
export function withPseudonym(resource: Resource, pseudonym: string): Resource {
  const identifiers = Array.isArray(resource.identifier) ? (resource.identifier as unknown[]) : [];
  return {
    ...resource,
    identifier: [...identifiers, { system: PATIENT_PSEUDONYM_SYSTEM, value: pseudonym }],
  };
}

export interface ClaimAttestation {
  readonly pseudonym: string;
  readonly patientKey: string;
  readonly attestedBy: string;
  readonly attestation: string;
}

/**
 * This node's attestation that `patientKey` is the patient of the custodial identity `pseudonym`, for a
 * staff member of its organisation in an attesting role (they identified the patient). The patient puts
 * it in their membership.claimPatient tx, signed with that key.
 */
export function attestClaim(
  state: StateReader,
  node: { readonly key: KeyPair; readonly chainId: string },
  custodianOrgId: string,
  caller: GatewayCaller,
  request: { readonly pseudonym?: unknown; readonly patientKey?: unknown },
): ClaimAttestation {
  if (caller.kind !== 'practitioner' || caller.orgId !== custodianOrgId) {
    throw FhirError.forbidden(`only staff of ${custodianOrgId} attest its patients`);
  }
  if (!ATTESTING_ROLES.includes(caller.role)) {
    throw FhirError.forbidden(`attesting a patient's key is for ${ATTESTING_ROLES.join(', ')}`);
  }
  const { pseudonym, patientKey } = request;
  if (!isHex(pseudonym, 32) || !isHex(patientKey, 32)) {
    throw FhirError.invalid('pseudonym and patientKey are 32-byte lowercase hex');
  }
  if (
    !isUnclaimedCustodial(state, pseudonym) ||
    patientRecord(state, pseudonym)?.custodialOrgId !== custodianOrgId
  ) {
    throw FhirError.businessRule(`no unclaimed custodial identity of ${custodianOrgId} has this pseudonym`);
  }
  const message = canonicalBytes(custodialClaimMessage(pseudonym, patientKey));
  const attestation = toHex(signMessage(node.key.seed, 'receipt', node.chainId, message));
  return { pseudonym, patientKey, attestedBy: node.key.publicKey, attestation };
}
