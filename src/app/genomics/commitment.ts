// What goes on chain for a dataset: a salted Merkle commitment (RFC 9162 tree, core/merkle) over its
// variants' VRS ids. Each leaf is HMAC-SHA-256 under the dataset's secret salt, so nobody without the
// salt can test a guessed variant (a rare variant is identifying, and VRS ids of common variants are a
// small dictionary). The custodian keeps the salt and can prove a variant's inclusion to an auditor.
import { toHex, utf8 } from '../../core/bytes.ts';
import { hmacSha256 } from '../../core/crypto/index.ts';
import * as merkle from '../../core/merkle/index.ts';

export const VARIANT_SALT_BYTES = 32;

export interface DatasetCommitment {
  /** Hex Merkle root over the sorted, distinct variant leaves. */
  readonly root: string;
  readonly variantCount: number;
}

function leaves(salt: Uint8Array, vrsIds: readonly string[]): { ids: string[]; hashes: Uint8Array[] } {
  const ids = [...new Set(vrsIds)].sort();
  return { ids, hashes: ids.map((id) => variantLeaf(salt, id)) };
}

export function variantLeaf(salt: Uint8Array, vrsId: string): Uint8Array {
  return merkle.leafHash(hmacSha256(salt, utf8(`carechain/v1/genomic-variant\n${vrsId}`)));
}

export function commitDataset(salt: Uint8Array, vrsIds: readonly string[]): DatasetCommitment {
  const { hashes } = leaves(salt, vrsIds);
  return { root: toHex(merkle.merkleRoot(hashes)), variantCount: hashes.length };
}

/** The inclusion proof of one variant, or undefined when the dataset does not hold it. */
export function proveVariant(
  salt: Uint8Array,
  vrsIds: readonly string[],
  vrsId: string,
): merkle.InclusionProofHex | undefined {
  const { ids, hashes } = leaves(salt, vrsIds);
  const index = ids.indexOf(vrsId);
  return index < 0 ? undefined : merkle.listInclusionProof(hashes, index);
}

export function verifyVariant(
  salt: Uint8Array,
  vrsId: string,
  proof: merkle.InclusionProofHex,
  root: string,
): boolean {
  return proof.leafHash === toHex(variantLeaf(salt, vrsId)) && merkle.verifyInclusionHex(proof, root);
}
