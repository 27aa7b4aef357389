// Proof verification (RFC 9162 §2.1.3.2 and §2.1.4.2), for nodes, auditors and the browser. Both
// functions answer false, never throw, for anything malformed: wrong sizes or indices, hashes that are
// not 32 bytes, proofs too long or too short.
import { bytesEqual, fromHex, isHex } from '../bytes.ts';
import { HASH_BYTES } from '../crypto/index.ts';
import { emptyRoot, nodeHash } from './hash.ts';
import { isTreeIndex } from './tree-math.ts';

function isHash(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === HASH_BYTES;
}

// A tree of at most 2^53 leaves has height 53; an inclusion proof has at most that many hashes and a
// consistency proof one more, so anything longer is refused before a single hash is looked at.
const proofHashesMax = 54;

function isHashList(value: unknown): value is readonly Uint8Array[] {
  return Array.isArray(value) && value.length <= proofHashesMax && value.every(isHash);
}

const half = (n: number): number => Math.floor(n / 2);
const isOdd = (n: number): boolean => n % 2 === 1;

/** RFC 9162 §2.1.3.2: does `proof` show leaf `leafHash` at `leafIndex` in the tree of `treeSize` with `root`? */
export function verifyInclusion(
  leafHash: Uint8Array,
  leafIndex: number,
  treeSize: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!isTreeIndex(leafIndex) || !isTreeIndex(treeSize) || leafIndex >= treeSize) return false; // step 1
  if (!isHash(leafHash) || !isHash(root) || !isHashList(proof)) return false;
  let fn = leafIndex; // step 2
  let sn = treeSize - 1;
  let r = leafHash; // step 3
  for (const p of proof) {
    if (sn === 0) return false; // step 4a: the proof is longer than the path
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r); // 4b: p is a left sibling
      // On the right edge with no right sibling, climb the levels where this node is a left child.
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p); // p is a right sibling
    }
    fn = half(fn); // step 4c
    sn = half(sn);
  }
  return sn === 0 && bytesEqual(r, root); // step 5
}

/**
 * RFC 9162 §2.1.4.2: does `proof` show that the tree of `fromSize` with `fromRoot` is a prefix of the
 * tree of `toSize` with `toRoot`? Equal sizes need equal roots and an empty proof; a tree of size 0 has
 * only the root SHA-256(""); a proof from size 0 to a larger size proves nothing and is rejected.
 */
export function verifyConsistency(
  fromSize: number,
  toSize: number,
  fromRoot: Uint8Array,
  toRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (!isTreeIndex(fromSize) || !isTreeIndex(toSize) || fromSize > toSize) return false;
  if (!(fromRoot instanceof Uint8Array) || !(toRoot instanceof Uint8Array) || !Array.isArray(proof))
    return false;
  if (fromSize === toSize) {
    // Nothing to prove beyond equality, so root lengths are not checked here (the upstream vector
    // "sizes are equal (one) and proof is empty" uses 12-byte placeholder roots and must pass).
    if (proof.length !== 0 || !bytesEqual(fromRoot, toRoot)) return false;
    return fromSize !== 0 || bytesEqual(fromRoot, emptyRoot());
  }
  if (fromSize === 0) return false;
  if (!isHash(fromRoot) || !isHash(toRoot) || !isHashList(proof)) return false;
  return verifyGrowth(fromSize, toSize, fromRoot, toRoot, proof);
}

/** RFC 9162 §2.1.4.2 steps 1 to 7, for 0 < fromSize < toSize and well-formed hashes. */
function verifyGrowth(
  first: number,
  second: number,
  firstHash: Uint8Array,
  secondHash: Uint8Array,
  consistencyPath: readonly Uint8Array[],
): boolean {
  if (consistencyPath.length === 0) return false; // step 1
  // Step 2: when the old tree is a complete subtree of the new one, the proof omits its hash.
  const path = isPowerOfTwo(first) ? [firstHash, ...consistencyPath] : consistencyPath;
  let fn = first - 1; // step 3
  let sn = second - 1;
  while (isOdd(fn)) {
    fn = half(fn); // step 4
    sn = half(sn);
  }
  let fr = path[0]!; // step 5
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false; // step 6a
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr); // 6b
      sr = nodeHash(c, sr);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn); // step 6c
    sn = half(sn);
  }
  return bytesEqual(fr, firstHash) && bytesEqual(sr, secondHash) && sn === 0; // step 7
}

function isPowerOfTwo(n: number): boolean {
  let p = 1;
  while (p < n) p *= 2;
  return p === n;
}

/** An inclusion proof as the API serves it: hashes in hex. */
export interface InclusionProofHex {
  readonly leafHash: string;
  readonly leafIndex: number;
  readonly treeSize: number;
  readonly auditPath: readonly string[];
}

/** verifyInclusion for a proof and root in hex, as served; false (never a throw) for malformed hex. */
export function verifyInclusionHex(proof: InclusionProofHex, rootHex: string): boolean {
  const hashes = [proof.leafHash, rootHex, ...proof.auditPath];
  if (!hashes.every((h) => isHex(h, HASH_BYTES))) return false;
  const path = proof.auditPath.map(fromHex);
  return verifyInclusion(fromHex(proof.leafHash), proof.leafIndex, proof.treeSize, path, fromHex(rootHex));
}
