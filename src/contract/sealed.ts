// End-to-end answers (issue 13): a practitioner reading another organisation's records through their own
// node may ask for the answer sealed to their own key. The custodian then wraps each released version's
// data key for the practitioner instead of for the requesting node, which checks the ciphertexts against
// the chain's commitments and relays them, never holding a key that opens them. The practitioner's client
// opens the answer (client/sealed-answer.ts) with the seed it signs in with.
import type { RecordPackage } from '../core/crypto/envelope.ts';

/** The request header that asks for a sealed answer, and its one value. */
export const SEAL_HEADER = 'x-carechain-seal';
export const SEAL_TO_PRACTITIONER = 'practitioner';
/** The content type of a sealed answer (a JSON document, not a FHIR resource). */
export const SEALED_CONTENT_TYPE = 'application/vnd.carechain.sealed+json';

/** One released record version: the custodian's stored ciphertext and its data key wrapped for the reader. */
export interface SealedVersion {
  readonly recordId: string;
  readonly version: number;
  readonly package: RecordPackage;
}

/** A forwarded read's answer as the requesting node relays it: ciphertext only. */
export interface SealedAnswer {
  /** The practitioner's Ed25519 public key (hex) every data key is wrapped for. */
  readonly sealedFor: string;
  readonly custodianOrgId: string;
  /** The custodian's height when it answered (its access event is committed at or below it). */
  readonly height: number;
  readonly versions: readonly SealedVersion[];
}
