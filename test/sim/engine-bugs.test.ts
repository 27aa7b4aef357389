// The simulator must catch a broken engine on seeds nobody picked. Each test runs the real node with one
// of the engine's deliberate bugs (`unsafe`, never set in a node) on a run of consecutive seeds of the
// scenario that can expose it (a crash for forgetSigned, the lock-split adversary of the partition seeds
// for ignoreLocks), reports the detection rate, and fails if it drops below a floor set
// well under the rate measured (see docs/ARCHITECTURE.md). `npm run sim -- --unsafe NAME` measures more.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectionRate } from './detection.ts';

test('an engine that forgets what it signed across a crash is caught on random seeds', async (t) => {
  const { caught, runs, examples } = await detectionRate('forgetSigned', 'crash', 3000, 24);
  t.diagnostic(`forgetSigned caught on ${caught} of ${runs} crash seeds; e.g. ${examples[0] ?? 'none'}`);
  assert.ok(caught / runs >= 0.2, `detection rate ${caught}/${runs}`);
});

test('an engine that ignores its lock is caught on random seeds (the lock-split adversary)', async (t) => {
  const { caught, runs, examples } = await detectionRate('ignoreLocks', 'partition', 3000, 24);
  t.diagnostic(`ignoreLocks caught on ${caught} of ${runs} partition seeds; e.g. ${examples[0] ?? 'none'}`);
  assert.ok(caught / runs >= 0.2, `detection rate ${caught}/${runs}`);
});
