// Runs every test file with node's own test runner and tsx's TypeScript loader.
// Node 20's `--test` takes no glob patterns, so the files are found here.
// Usage: node scripts/run-tests.mjs [path-substring ...]
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const roots = ['src', 'test'];
const filters = process.argv.slice(2);

function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.name.endsWith('.test.ts')) yield path;
  }
}

const files = roots
  .flatMap((root) => [...walk(root)])
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  // A test that hangs (a browser that died under it, say) fails after 15 minutes instead of holding the
  // whole run: the longest test takes about two minutes on a quiet 2-core machine.
  [
    '--import',
    'tsx',
    '--test',
    '--test-reporter',
    'spec',
    '--test-concurrency',
    '2',
    '--test-timeout',
    String(15 * 60_000),
    ...files,
  ],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
