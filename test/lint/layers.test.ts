// The layers hold when nothing imports up or sideways and no files import each other in a loop. This
// test walks the whole import graph with dependency-cruiser (type-only imports included: they are edges a
// reader follows too) and checks it against the zone table the lint rule uses (scripts/import-zones.mjs);
// then it shows each check able to fail, on a known-bad import and on a two-file cycle.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cruise, type ICruiseOptions, type IModule } from 'dependency-cruiser';
import { ESLint } from 'eslint';
import { ZONES, zoneViolation } from '../../scripts/import-zones.mjs';

const noCycles = { name: 'no-circular', severity: 'error' as const, from: {}, to: { circular: true } };

async function modulesOf(paths: string[], options: ICruiseOptions = {}): Promise<IModule[]> {
  const result = await cruise(paths, {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    validate: true,
    ruleSet: { forbidden: [noCycles] },
    ...options,
  });
  assert.equal(typeof result.output, 'object');
  return (result.output as { modules: IModule[] }).modules;
}

function cycles(modules: IModule[]): string[] {
  const found = new Set<string>();
  for (const m of modules) {
    for (const d of m.dependencies) {
      if (d.circular) found.add([m.source, ...(d.cycle ?? []).map((c) => c.name)].join(' → '));
    }
  }
  return [...found].sort();
}

const product = await modulesOf(['src', 'web/src'], { tsConfig: { fileName: 'tsconfig.json' } });

test('no files in src/ or web/src import each other in a loop', () => {
  assert.ok(product.length > 300, `only ${product.length} modules found`);
  assert.deepEqual(cycles(product), []);
});

test('every import in src/ and web/src points down the layers (the zone table)', () => {
  const problems: string[] = [];
  for (const m of product) {
    for (const d of m.dependencies) {
      if (d.coreModule || d.couldNotResolve || d.resolved.includes('node_modules')) continue;
      const problem = zoneViolation(m.source, d.resolved, d.dependencyTypes.includes('type-only'));
      if (problem !== null) problems.push(`${m.source} → ${d.resolved}: ${problem}`);
    }
  }
  assert.deepEqual(problems, []);
});

test('the cycle check fails on two files that import each other', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'carechain-cycle-'));
  try {
    writeFileSync(join(dir, 'a.mjs'), "import { b } from './b.mjs';\nexport const a = () => b;\n");
    writeFileSync(join(dir, 'b.mjs'), "import { a } from './a.mjs';\nexport const b = () => a;\n");
    writeFileSync(join(dir, 'c.mjs'), "import { a } from './a.mjs';\nexport const c = a;\n");
    const found = cycles(await modulesOf([dir]));
    assert.equal(found.length, 2, found.join('\n')); // a → b → a and b → a → b: one loop seen from each end
    assert.ok(found.every((c) => !c.includes('c.mjs')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the zone table refuses upward and sideways imports, and admits downward ones', () => {
  // [importer, imported, type-only import, what the zone table must say]
  const cases: [string, string, boolean, 'refused' | 'admitted'][] = [
    ['src/core/bytes.ts', 'src/node/env.ts', false, 'refused'],
    ['src/core/bytes.ts', 'src/app/state.ts', true, 'refused'],
    ['src/consensus/engine.ts', 'src/app/state.ts', false, 'refused'],
    ['src/app/state.ts', 'src/consensus/index.ts', false, 'refused'],
    ['src/contract/auth.ts', 'src/app/state.ts', false, 'refused'], // app values: types only
    ['src/node/ledger.ts', 'src/services/x.ts', false, 'refused'],
    ['src/services/x.ts', 'src/api/server.ts', false, 'refused'],
    ['src/api/server.ts', 'src/cli/main.ts', false, 'refused'],
    ['src/client/patient-client.ts', 'src/api/auth/tokens.ts', false, 'refused'],
    ['src/client/patient-client.ts', 'src/node/env.ts', false, 'refused'],
    ['web/src/main.tsx', 'src/node/env.ts', false, 'refused'],
    ['web/src/main.tsx', 'src/services/x.ts', false, 'refused'],
    ['src/node/ledger.ts', 'test/harness/chain.ts', false, 'refused'],
    ['src/consensus/engine.ts', 'src/core/vote.ts', false, 'admitted'],
    ['src/contract/auth.ts', 'src/app/state.ts', true, 'admitted'],
    ['src/api/server.ts', 'src/core/bytes.ts', false, 'admitted'], // api sits on node, which sits on core
    ['src/services/x.ts', 'src/consensus/index.ts', false, 'admitted'],
    ['src/client/patient-client.ts', 'src/contract/auth.ts', false, 'admitted'],
    ['web/src/main.tsx', 'src/client/patient-client.ts', false, 'admitted'],
    ['src/cli/main.ts', 'src/api/server.ts', false, 'admitted'],
    ['src/node/ledger.int.test.ts', 'test/harness/chain.ts', false, 'admitted'],
  ];
  for (const [from, to, typeOnly, expected] of cases) {
    const violation = zoneViolation(from, to, typeOnly);
    assert.equal(violation === null ? 'admitted' : 'refused', expected, `${from} → ${to}: ${violation}`);
  }
  assert.deepEqual(Object.keys(ZONES).sort(), [
    'api',
    'app',
    'cli',
    'client',
    'consensus',
    'contract',
    'core',
    'node',
    'services',
    'web',
  ]);
});

test('lint reports an upward import in every zoned folder, and allows the same import in cli', async () => {
  const eslint = new ESLint();
  const offending = "import { systemClock } from '../node/env.ts';\nexport const clock = systemClock;\n";
  const hits = async (filePath: string) => {
    const [result] = await eslint.lintText(offending, { filePath });
    return (result?.messages ?? []).filter((m) => m.ruleId === 'carechain/import-zones').length;
  };
  for (const file of [
    'src/core/bytes.ts',
    'src/consensus/index.ts',
    'src/app/state.ts',
    'src/client/patient-client.ts',
  ]) {
    assert.equal(await hits(file), 1, file);
  }
  assert.equal(await hits('src/cli/main.ts'), 0);
});
