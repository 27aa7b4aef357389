// Property tests against the RFC 9162 §2.1 definitions written out naively: MTH (§2.1.1), PATH
// (§2.1.3.1) and PROOF/SUBPROOF (§2.1.4.1), each recomputing from the leaves with no stored nodes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sha256 } from '../crypto/index.ts';
import { flipBit } from '../test-support.ts';
import {
  appendLeaves,
  consistencyProof,
  inclusionProof,
  MemoryLogNodeStore,
  merkleRoot,
  rootAt,
  verifyConsistency,
  verifyInclusion,
} from './index.ts';

// Independent of hash.ts: the prefixes are spelled out here.
const prefixed = (prefix: number, ...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(1 + parts.reduce((sum, p) => sum + p.length, 0));
  out[0] = prefix;
  let offset = 1;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return sha256(out);
};

function k(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[n]), RFC 9162 §2.1.1, over leaf hashes already computed as SHA-256(0x00 || d). */
function naiveMth(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length === 0) return sha256(new Uint8Array(0));
  if (hashes.length === 1) return hashes[0]!;
  const split = k(hashes.length);
  return prefixed(1, naiveMth(hashes.slice(0, split)), naiveMth(hashes.slice(split)));
}

/** PATH(m, D[n]), RFC 9162 §2.1.3.1. */
function naivePath(m: number, hashes: readonly Uint8Array[]): Uint8Array[] {
  if (hashes.length === 1) return [];
  const split = k(hashes.length);
  return m < split
    ? [...naivePath(m, hashes.slice(0, split)), naiveMth(hashes.slice(split))]
    : [...naivePath(m - split, hashes.slice(split)), naiveMth(hashes.slice(0, split))];
}

/** SUBPROOF(m, D[n], b), RFC 9162 §2.1.4.1. */
function naiveSubproof(m: number, hashes: readonly Uint8Array[], b: boolean): Uint8Array[] {
  if (m === hashes.length) return b ? [] : [naiveMth(hashes)];
  const split = k(hashes.length);
  return m <= split
    ? [...naiveSubproof(m, hashes.slice(0, split), b), naiveMth(hashes.slice(split))]
    : [...naiveSubproof(m - split, hashes.slice(split), false), naiveMth(hashes.slice(0, split))];
}

const LEAF_COUNT = 2500;
const leafHashes = Array.from({ length: LEAF_COUNT }, (_, i) =>
  prefixed(0, Uint8Array.of(i & 255, i >> 8, 7)),
);
const store = new MemoryLogNodeStore();
// Appended in uneven batches, so the tree is built across many append calls.
for (let size = 0, batch = 1; size < LEAF_COUNT; batch = (batch * 7) % 97) {
  size = appendLeaves(store, size, leafHashes.slice(size, size + batch));
}

/** The proof with one bit of one of its hashes flipped. */
const flipProofBit = (proof: readonly Uint8Array[], item: number, bit: number): Uint8Array[] =>
  proof.map((h, i) => (i === item ? flipBit(h, bit) : h));

const sizeArb = fc.integer({ min: 1, max: LEAF_COUNT });
const sizeAndIndex = sizeArb.chain((size) => fc.tuple(fc.constant(size), fc.nat({ max: size - 1 })));
const sizePair = sizeArb.chain((n) => fc.tuple(fc.integer({ min: 1, max: n }), fc.constant(n)));

void test('rootAt and merkleRoot equal the naive MTH at every size, past ones included', () => {
  for (const size of [0, 1, 2, 3, 4, 5, 127, 128, 129, LEAF_COUNT]) {
    assert.deepEqual(rootAt(store, size), naiveMth(leafHashes.slice(0, size)), `size ${size}`);
  }
  fc.assert(
    fc.property(fc.nat({ max: LEAF_COUNT }), (size) => {
      const expected = naiveMth(leafHashes.slice(0, size));
      assert.deepEqual(rootAt(store, size), expected);
      assert.deepEqual(merkleRoot(leafHashes.slice(0, size)), expected);
    }),
    { numRuns: 100 },
  );
});

void test('inclusion proofs equal PATH(m, D[n]), verify, and fail for any other leaf, index or root', () => {
  fc.assert(
    fc.property(sizeAndIndex, fc.nat(), fc.nat({ max: 255 }), ([size, index], other, bit) => {
      const proof = inclusionProof(store, index, size);
      const root = rootAt(store, size);
      const leaf = leafHashes[index]!;
      assert.deepEqual(proof, naivePath(index, leafHashes.slice(0, size)));
      assert.equal(verifyInclusion(leaf, index, size, proof, root), true);

      const otherIndex = other % size;
      if (otherIndex !== index) {
        assert.equal(verifyInclusion(leaf, otherIndex, size, proof, root), false, 'other index');
        assert.equal(verifyInclusion(leafHashes[otherIndex]!, index, size, proof, root), false, 'other leaf');
      }
      // The size is not varied here: a proof binds the size only through the root (sizes with the same
      // path shape give the same chain), which is why a checkpoint signs the size and the root together.
      assert.equal(verifyInclusion(leaf, index, size, proof, rootAt(store, size - 1)), false, 'other root');
      if (proof.length > 0) {
        assert.equal(
          verifyInclusion(leaf, index, size, flipProofBit(proof, other % proof.length, bit), root),
          false,
        );
        assert.equal(verifyInclusion(leaf, index, size, proof.slice(1), root), false, 'truncated');
      }
      assert.equal(verifyInclusion(leaf, index, size, [...proof, root], root), false, 'extended');
    }),
    { numRuns: 300 },
  );
});

void test('consistency proofs equal PROOF(m, D[n]), verify, and fail for tampered proofs or roots', () => {
  fc.assert(
    fc.property(sizePair, fc.nat(), fc.nat({ max: 255 }), ([m, n], pick, bit) => {
      const proof = consistencyProof(store, m, n);
      const fromRoot = rootAt(store, m);
      const toRoot = rootAt(store, n);
      assert.deepEqual(proof, naiveSubproof(m, leafHashes.slice(0, n), true));
      assert.equal(verifyConsistency(m, n, fromRoot, toRoot, proof), true);
      if (m === n) {
        assert.equal(proof.length, 0);
        return;
      }
      assert.equal(verifyConsistency(m, n, rootAt(store, m - 1), toRoot, proof), false, 'other old root');
      assert.equal(verifyConsistency(m, n, fromRoot, rootAt(store, n - 1), proof), false, 'other new root');
      assert.equal(verifyConsistency(m, n, toRoot, fromRoot, proof), false, 'swapped roots');
      assert.equal(
        verifyConsistency(m, n, fromRoot, toRoot, flipProofBit(proof, pick % proof.length, bit)),
        false,
      );
      assert.equal(verifyConsistency(m, n, fromRoot, toRoot, proof.slice(0, -1)), false, 'truncated');
      assert.equal(verifyConsistency(m, n, fromRoot, toRoot, [...proof, toRoot]), false, 'extended');
    }),
    { numRuns: 300 },
  );
});

void test('every inclusion and consistency proof in trees of up to 64 leaves verifies', () => {
  for (let n = 1; n <= 64; n++) {
    for (let m = 1; m <= n; m++) {
      const proof = consistencyProof(store, m, n);
      assert.equal(verifyConsistency(m, n, rootAt(store, m), rootAt(store, n), proof), true, `${m}..${n}`);
    }
    for (let i = 0; i < n; i++) {
      const proof = inclusionProof(store, i, n);
      assert.equal(verifyInclusion(leafHashes[i]!, i, n, proof, rootAt(store, n)), true, `${i} in ${n}`);
    }
  }
});
