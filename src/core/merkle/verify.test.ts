// Malformed input must make the verifiers answer false, never throw: they run on data from peers,
// auditors' downloads and browsers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendLeaves } from './append.ts';
import { emptyRoot, leafHash } from './hash.ts';
import { MemoryLogNodeStore } from './memory-store.ts';
import { consistencyProof, inclusionProof } from './proofs.ts';
import { rootAt } from './root.ts';
import { toHex } from '../bytes.ts';
import { verifyConsistency, verifyInclusion, verifyInclusionHex } from './verify.ts';

const leaves = Array.from({ length: 13 }, (_, i) => leafHash(Uint8Array.of(i)));
const store = new MemoryLogNodeStore();
appendLeaves(store, 0, leaves);
const root = rootAt(store, 13);
const proof = inclusionProof(store, 5, 13);

void test('the fixture proofs verify', () => {
  assert.equal(verifyInclusion(leaves[5]!, 5, 13, proof, root), true);
  assert.equal(verifyConsistency(5, 13, rootAt(store, 5), root, consistencyProof(store, 5, 13)), true);
});

void test('verifyInclusion answers false for malformed sizes, indices and hashes', () => {
  const bad = [-1, 0.5, NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER + 1, '5' as unknown as number];
  for (const index of bad)
    assert.equal(verifyInclusion(leaves[5]!, index, 13, proof, root), false, String(index));
  for (const size of bad)
    assert.equal(verifyInclusion(leaves[5]!, 5, size, proof, root), false, String(size));
  assert.equal(verifyInclusion(leaves[5]!, 13, 13, proof, root), false);
  assert.equal(verifyInclusion(leaves[5]!, 0, 0, [], emptyRoot()), false);
  assert.equal(verifyInclusion(leaves[5]!.subarray(1), 5, 13, proof, root), false);
  assert.equal(verifyInclusion(leaves[5]!, 5, 13, proof, root.subarray(1)), false);
  const short = proof.map((h, i) => (i === 1 ? h.subarray(0, 31) : h));
  assert.equal(verifyInclusion(leaves[5]!, 5, 13, short, root), false);
  const junk = [null, 'x', {}, [1, 2], undefined] as unknown as Uint8Array[];
  assert.equal(verifyInclusion(leaves[5]!, 5, 13, junk, root), false);
  assert.equal(verifyInclusion(leaves[5]!, 5, 13, null as unknown as Uint8Array[], root), false);
  assert.equal(verifyInclusion(null as unknown as Uint8Array, 5, 13, proof, root), false);
  // A long proof stops at the tree's height rather than hashing all of it.
  const long = Array.from({ length: 100_000 }, () => root);
  assert.equal(verifyInclusion(leaves[5]!, 5, 13, [...proof, ...long], root), false);
});

void test('verifyConsistency answers false for malformed input', () => {
  const r5 = rootAt(store, 5);
  const cp = consistencyProof(store, 5, 13);
  const bad = [-1, 0.5, NaN, Infinity, Number.MAX_SAFE_INTEGER + 1, null as unknown as number];
  for (const m of bad) assert.equal(verifyConsistency(m, 13, r5, root, cp), false, String(m));
  for (const n of bad) assert.equal(verifyConsistency(5, n, r5, root, cp), false, String(n));
  assert.equal(verifyConsistency(13, 5, root, r5, cp), false);
  assert.equal(verifyConsistency(5, 13, r5.subarray(1), root, cp), false);
  assert.equal(verifyConsistency(5, 13, r5, root.subarray(1), cp), false);
  assert.equal(verifyConsistency(5, 13, r5, root, []), false);
  assert.equal(verifyConsistency(5, 13, r5, root, [cp[0]!.subarray(2), ...cp.slice(1)]), false);
  assert.equal(verifyConsistency(5, 13, r5, root, [null, 1] as unknown as Uint8Array[]), false);
  assert.equal(verifyConsistency(5, 13, r5, root, 'proof' as unknown as Uint8Array[]), false);
  assert.equal(verifyConsistency(5, 13, null as unknown as Uint8Array, root, cp), false);
  assert.equal(
    verifyConsistency(5, 13, r5, root, [...cp, ...Array.from({ length: 100_000 }, () => root)]),
    false,
  );
});

void test('equal sizes need equal roots and an empty proof; size 0 has only the empty root', () => {
  assert.equal(verifyConsistency(13, 13, root, root, []), true);
  assert.equal(verifyConsistency(13, 13, root, rootAt(store, 12), []), false);
  assert.equal(verifyConsistency(13, 13, root, root, [root]), false);
  assert.equal(verifyConsistency(0, 0, emptyRoot(), emptyRoot(), []), true);
  assert.equal(verifyConsistency(0, 0, root, root, []), false);
  // Every tree extends the empty one; RFC 9162 §2.1.4.2 has no proof for it, so none is accepted.
  assert.equal(verifyConsistency(0, 13, emptyRoot(), root, []), false);
  assert.equal(verifyConsistency(0, 13, emptyRoot(), root, [root]), false);
});

void test('a proof in hex verifies as its bytes do, and malformed hex answers false', () => {
  const hexProof = { leafHash: toHex(leaves[5]!), leafIndex: 5, treeSize: 13, auditPath: proof.map(toHex) };
  assert.equal(verifyInclusionHex(hexProof, toHex(root)), true);
  assert.equal(verifyInclusionHex({ ...hexProof, leafIndex: 4 }, toHex(root)), false);
  assert.equal(verifyInclusionHex({ ...hexProof, leafHash: 'zz'.repeat(32) }, toHex(root)), false);
  assert.equal(
    verifyInclusionHex({ ...hexProof, auditPath: [...hexProof.auditPath, 'ab'] }, toHex(root)),
    false,
  );
  assert.equal(verifyInclusionHex(hexProof, toHex(root).slice(2)), false);
});
