// Opens an end-to-end answer (contract/sealed.ts) in the practitioner's own client: each version's data key
// was wrapped for the practitioner's key by the custodian, so only their seed opens it. The relaying node
// checked every ciphertext against the chain's commitment; openRecordPackage checks it again, then the key
// commitment, then decrypts (AES-256-GCM, the associated data binding chain, record, version and type).
import { openRecordPackage } from '../core/crypto/envelope.ts';
import { fromUtf8 } from '../core/bytes.ts';
import type { FhirResource } from '../contract/fhir.ts';
import type { SealedAnswer } from '../contract/sealed.ts';

/** The FHIR resources of a sealed answer, opened with the practitioner's Ed25519 seed. */
export function openSealedAnswer(answer: SealedAnswer, practitionerSeed: Uint8Array): FhirResource[] {
  return answer.versions.map(
    (v) =>
      JSON.parse(
        fromUtf8(openRecordPackage(v.package, practitionerSeed, v.package.commitment)),
      ) as FhirResource,
  );
}
