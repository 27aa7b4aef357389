// A consent-filtered cohort (issue 20 §2): a query, hashed and committed, run at each custodian over the
// patients whose consent allows the purpose. Every custodian derives the same cohort id from the same
// query and purpose, so their commitments meet under one id without talking to each other. What a
// custodian commits about its members is a salted Merkle root (RFC 9162 leaves over HMAC-SHA-256 of each
// pseudonym under the salt): the chain learns nothing of who is in, yet the custodian can later prove to a
// patient that they are (or, with the salt, show an auditor the whole list).
import { toHex, utf8 } from '../../core/bytes.ts';
import { canonicalBytes } from '../../core/canonical.ts';
import { hmacSha256, sha256 } from '../../core/crypto/index.ts';
import { leafHash } from '../../core/merkle/hash.ts';
import { merkleRoot } from '../../core/merkle/list-root.ts';
import { compareStrings } from '../payload.ts';
import type { CohortPurpose } from './keys.ts';

/**
 * The training task a cohort is drawn for: the condition to predict (a SNOMED CT code) from the latest
 * value of each LOINC-coded vital or lab. A name tells two cohorts of the same task apart (a new round of
 * consent, a new model).
 */
export interface CohortQuery {
  readonly name: string;
  readonly condition: string;
  readonly features: readonly string[];
}

/** The hex SHA-256 of the query's canonical JSON: what the chain keeps of the question. */
export function cohortQueryHash(query: CohortQuery): string {
  return toHex(sha256(canonicalBytes(query)));
}

/** The cohort id every custodian derives from the same query and purpose. */
export function cohortIdOf(query: CohortQuery, purpose: CohortPurpose): string {
  return toHex(sha256(canonicalBytes({ purpose, queryHash: cohortQueryHash(query) })));
}

/** The salted Merkle root over the members' pseudonyms, in sorted order so that it names a set. */
export function saltedMembersRoot(salt: Uint8Array, pseudonyms: readonly string[]): string {
  const leaves = [...pseudonyms]
    .sort(compareStrings)
    .map((pseudonym) => leafHash(hmacSha256(salt, utf8(pseudonym))));
  return toHex(merkleRoot(leaves));
}
