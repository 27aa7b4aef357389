// Bounded fan-out in the simulator (fanout.ts): members that dial 3 peers each, under loss and churn,
// stay within the lag bound of the validators' tip and get their clients' txs committed, with the real
// relay. The same seeds without the relay (today's node with the same dials) must fail: that is what
// shows the check can fail and that the relay is what carries the chain to the members.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFanout } from './fanout.ts';

const SEEDS = [1, 2, 3];

test('fan-out: 60 members dialling 3 peers each follow the tip under loss and churn', async () => {
  const failures: string[] = [];
  for (const seed of SEEDS) {
    const report = await runFanout(seed, { members: 60 });
    assert.ok(report.crashes > 0 && report.depthMax >= 2, `seed ${seed} exercised churn and depth`);
    if (report.violations.length > 0) {
      failures.push(`seed ${seed}: ${report.violations.slice(0, 3).join('; ')}`);
    }
  }
  assert.deepEqual(failures, []);
});

test('fan-out without the relay: the same members fall behind (the check can fail)', async () => {
  for (const seed of SEEDS.slice(0, 1)) {
    const report = await runFanout(seed, { members: 60, relay: false });
    assert.ok(
      report.violations.some((v) => v.includes('heights behind') || v.includes('did not reach')),
      `seed ${seed}: ${report.violations.join('; ')}`,
    );
  }
});
