// Salted commitments to the protocol document and the SAP (issue 16 §1). The salt keeps a short or
// templated document from being confirmed by guessing; the sponsor keeps it and reveals it with the
// document, and anyone can then recompute the commitment. The salt comes from outside (app stays pure).
import { concatBytes, toHex } from '../../core/bytes.ts';
import { sha256 } from '../../core/crypto/index.ts';
import { CoreError } from '../../core/errors.ts';
import { domainHash } from '../../core/hash.ts';

/** 32 bytes: as much entropy as the hash itself, so the salt is never the weak part. */
export const COMMITMENT_SALT_BYTES = 32;

/**
 * The file that opens a document's commitment, beside the document: what `carechain trials commit
 * --salt-out` writes and the web sponsor console downloads, so either can carry on the other's work.
 */
export interface DocumentSaltFile {
  readonly commitment: string;
  /** Hex. */
  readonly salt: string;
}

/** H("carechain/v1/trial-document\n" || salt || SHA-256(document)), in hex. */
export function commitDocument(document: Uint8Array, salt: Uint8Array): string {
  if (salt.length !== COMMITMENT_SALT_BYTES) {
    throw new CoreError('trials.invalid_salt', 'a commitment salt must be 32 bytes', { length: salt.length });
  }
  return toHex(domainHash('trial-document', concatBytes(salt, sha256(document))));
}

/** Does the revealed `document` and `salt` open `commitment`? False, never a throw, for a bad salt. */
export function opensCommitment(commitment: string, document: Uint8Array, salt: Uint8Array): boolean {
  if (salt.length !== COMMITMENT_SALT_BYTES) return false;
  return commitDocument(document, salt) === commitment;
}
