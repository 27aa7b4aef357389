// Conformance with the RFC 6962 / RFC 9162 proof vectors of transparency-dev/merkle (../shared/testdata,
// Apache-2.0). Every positive vector must verify and every negative (`wantErr`) one must be rejected; the
// happy paths of folders 0 to 4 come from the reference tree below, so our proofs must reproduce them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromHex } from '../bytes.ts';
import {
  appendLeaves,
  consistencyProof,
  emptyRoot,
  inclusionProof,
  leafHash,
  MemoryLogNodeStore,
  rootAt,
  verifyConsistency,
  verifyInclusion,
} from './index.ts';

const dataDir = fileURLToPath(new URL('../../../../shared/testdata/merkle/', import.meta.url));

interface Vector {
  readonly file: string;
  readonly json: Record<string, unknown>;
}

function readVectors(kind: 'inclusion' | 'consistency'): Vector[] {
  const out: Vector[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.json')) {
        const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
        out.push({ file: path.slice(dataDir.length), json });
      }
    }
  };
  walk(join(dataDir, kind));
  return out.sort((a, b) => (a.file < b.file ? -1 : 1));
}

const b64 = (value: unknown): Uint8Array => new Uint8Array(Buffer.from(value as string, 'base64'));
// Some vectors spell an empty proof as null (Go's nil slice).
const proofOf = (value: unknown): Uint8Array[] => ((value ?? []) as string[]).map(b64);
const num = (value: unknown): number => value as number;

// The reference tree's leaf inputs (testdata/README.md), as in RFC 6962's reference tests.
const REFERENCE_LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
];

function referenceTree(): MemoryLogNodeStore {
  const store = new MemoryLogNodeStore();
  appendLeaves(
    store,
    0,
    REFERENCE_LEAVES.map((hex) => leafHash(fromHex(hex))),
  );
  return store;
}

const inclusionVectors = readVectors('inclusion');
const consistencyVectors = readVectors('consistency');

/** The vectors built on the reference tree (directories 0 to 4) that expect a proof: five of each kind. */
function referenceTreeProofs(vectors: readonly Vector[]): Vector[] {
  const fromReferenceTree = (v: Vector) => /^(inclusion|consistency)\/[0-4]\//.test(v.file);
  const happy = vectors.filter((v) => fromReferenceTree(v) && v.json.wantErr === false);
  assert.equal(happy.length, 5);
  return happy;
}

void test('the vector set is complete', () => {
  assert.equal(inclusionVectors.length, 98);
  assert.equal(consistencyVectors.length, 98);
  const positive = [...inclusionVectors, ...consistencyVectors].filter((v) => v.json.wantErr === false);
  assert.equal(positive.length, 12);
});

void test('inclusion vectors: positives verify, negatives are rejected', () => {
  for (const v of inclusionVectors) {
    const j = v.json;
    assert.equal(typeof j.wantErr, 'boolean', v.file);
    const ok = verifyInclusion(
      b64(j.leafHash),
      num(j.leafIdx),
      num(j.treeSize),
      proofOf(j.proof),
      b64(j.root),
    );
    assert.equal(ok, !j.wantErr, v.file);
  }
});

void test('consistency vectors: positives verify, negatives are rejected', () => {
  for (const v of consistencyVectors) {
    const j = v.json;
    assert.equal(typeof j.wantErr, 'boolean', v.file);
    const ok = verifyConsistency(num(j.size1), num(j.size2), b64(j.root1), b64(j.root2), proofOf(j.proof));
    assert.equal(ok, !j.wantErr, v.file);
  }
});

void test('the reference tree has the published roots', () => {
  const store = referenceTree();
  assert.deepEqual(rootAt(store, 0), emptyRoot());
  assert.equal(Buffer.from(emptyRoot()).toString('base64'), '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
  assert.equal(
    Buffer.from(rootAt(store, 8)).toString('base64'),
    'XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=',
  );
});

void test('generated inclusion proofs reproduce the reference vectors', () => {
  const store = referenceTree();
  for (const v of referenceTreeProofs(inclusionVectors)) {
    const j = v.json;
    const index = num(j.leafIdx);
    assert.deepEqual(store.getNode(0, index), b64(j.leafHash), v.file);
    assert.deepEqual(rootAt(store, num(j.treeSize)), b64(j.root), v.file);
    assert.deepEqual(inclusionProof(store, index, num(j.treeSize)), proofOf(j.proof), v.file);
  }
});

void test('generated consistency proofs reproduce the reference vectors', () => {
  const store = referenceTree();
  for (const v of referenceTreeProofs(consistencyVectors)) {
    const j = v.json;
    assert.deepEqual(rootAt(store, num(j.size1)), b64(j.root1), v.file);
    assert.deepEqual(rootAt(store, num(j.size2)), b64(j.root2), v.file);
    assert.deepEqual(consistencyProof(store, num(j.size1), num(j.size2)), proofOf(j.proof), v.file);
  }
});
