// The independent Python verifier must itself pass every shared RFC 6962/9162 vector before its
// verdict on carechain's proofs means anything.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { independentlyVerify, type IndependentQuery } from '../harness/independent-verifier.ts';

const vectorsDir = resolve('../shared/testdata/merkle');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.json') ? [path] : [];
  });
}

const hex = (b64: string | null | undefined) => Buffer.from(b64 ?? '', 'base64').toString('hex');

type Vector = Record<string, unknown>;

/** Every vector of one kind, as the case it is: its file, whether it must fail, and the query to ask. */
function casesOf(kind: 'inclusion' | 'consistency', query: (v: Vector) => IndependentQuery) {
  return files(join(vectorsDir, kind)).map((file) => {
    const v = JSON.parse(readFileSync(file, 'utf8')) as Vector;
    return { file, wantErr: v.wantErr === true, query: query(v) };
  });
}

const proofOf = (v: Vector) => ((v.proof as string[] | null) ?? []).map(hex);

test('the independent verifier accepts every positive vector and rejects every negative one', async () => {
  const cases = [
    ...casesOf('inclusion', (v) => ({
      kind: 'inclusion',
      leafHash: hex(v.leafHash as string),
      leafIndex: v.leafIdx as number,
      treeSize: v.treeSize as number,
      path: proofOf(v),
      root: hex(v.root as string),
    })),
    ...casesOf('consistency', (v) => ({
      kind: 'consistency',
      fromSize: v.size1 as number,
      toSize: v.size2 as number,
      fromRoot: hex(v.root1 as string),
      toRoot: hex(v.root2 as string),
      path: proofOf(v),
    })),
  ];
  assert.ok(cases.length > 150, `found ${cases.length} vectors`);
  const verdicts = await independentlyVerify(cases.map((c) => c.query));
  cases.forEach((c, i) => assert.equal(verdicts[i], !c.wantErr, c.file));
});
