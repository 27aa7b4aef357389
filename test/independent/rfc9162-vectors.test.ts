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

test('the independent verifier accepts every positive vector and rejects every negative one', () => {
  const cases: { file: string; wantErr: boolean; query: IndependentQuery }[] = [];
  for (const file of files(join(vectorsDir, 'inclusion'))) {
    const v = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    cases.push({
      file,
      wantErr: v.wantErr === true,
      query: {
        kind: 'inclusion',
        leafHash: hex(v.leafHash as string),
        leafIndex: v.leafIdx as number,
        treeSize: v.treeSize as number,
        path: ((v.proof as string[] | null) ?? []).map(hex),
        root: hex(v.root as string),
      },
    });
  }
  for (const file of files(join(vectorsDir, 'consistency'))) {
    const v = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    cases.push({
      file,
      wantErr: v.wantErr === true,
      query: {
        kind: 'consistency',
        fromSize: v.size1 as number,
        toSize: v.size2 as number,
        fromRoot: hex(v.root1 as string),
        toRoot: hex(v.root2 as string),
        path: ((v.proof as string[] | null) ?? []).map(hex),
      },
    });
  }
  assert.ok(cases.length > 150, `found ${cases.length} vectors`);
  const verdicts = independentlyVerify(cases.map((c) => c.query));
  cases.forEach((c, i) => assert.equal(verdicts[i], !c.wantErr, c.file));
});
