// The hashes of RFC 9162 §2.1.1: a one-byte prefix separates leaves from interior nodes, so no leaf
// can be passed off as a node (a second-preimage attack on the tree) and vice versa.
import { sha256 } from '../crypto/index.ts';

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

/** MTH({d(0)}) = SHA-256(0x00 || d(0)) (RFC 9162 §2.1.1). */
export function leafHash(input: Uint8Array): Uint8Array {
  const data = new Uint8Array(1 + input.length);
  data[0] = LEAF_PREFIX;
  data.set(input, 1);
  return sha256(data);
}

/** MTH(D[n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])) (RFC 9162 §2.1.1). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  const data = new Uint8Array(1 + left.length + right.length);
  data[0] = NODE_PREFIX;
  data.set(left, 1);
  data.set(right, 1 + left.length);
  return sha256(data);
}

/** MTH({}) = SHA-256() (RFC 9162 §2.1.1): the root of the tree with no leaves. */
export function emptyRoot(): Uint8Array {
  return sha256(new Uint8Array(0));
}
