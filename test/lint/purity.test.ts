// The purity rule (STYLE.md §1) is only as good as the lint config that enforces it: this test lints
// offending code as if it lived in each pure layer, and the same code in the node shell, where it is fine.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ESLint } from 'eslint';

const offending = `
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
export const a = Date.now();
export const b = Math.random();
export const c = new Date();
export const d = process.env.HOME;
export const e = readFileSync;
export const f = createServer;
setTimeout(() => {}, 1);
`;

const eslint = new ESLint();

async function ruleHits(filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(offending, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId?.startsWith('no-restricted'))
    .map((m) => `${m.line}:${m.ruleId}`);
}

for (const layer of ['src/core/bytes.ts', 'src/consensus/index.ts', 'src/app/state.ts']) {
  test(`clock, randomness, fs, net, timers and process.env are refused in ${layer.split('/')[1]}`, async () => {
    const hits = await ruleHits(layer);
    for (const line of [2, 3, 4, 5, 6, 7, 10]) {
      assert.ok(
        hits.some((h) => h.startsWith(`${line}:`)),
        `line ${line} not flagged: ${hits.join(', ')}`,
      );
    }
  });
}

test('the node shell may use IO', async () => {
  assert.deepEqual(await ruleHits('src/node/env.ts'), []);
});
