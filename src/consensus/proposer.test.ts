import { test } from 'node:test';
import assert from 'node:assert/strict';
import { genesisSchedule, nextHeightSchedule, proposerOf, proposersForRounds } from './proposer.ts';
import { makeKeys } from './test-support.ts';

function countBy(keys: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  return counts;
}

test('round-0 proposers over heights rotate in proportion to power', () => {
  const { set, keys } = makeKeys([1, 2, 3, 4, 10]);
  let schedule = genesisSchedule(set);
  const chosen: string[] = [];
  for (let h = 0; h < set.totalPower * 5; h++) {
    chosen.push(proposerOf(schedule, 0));
    schedule = nextHeightSchedule(schedule);
  }
  const counts = countBy(chosen);
  for (const v of set.validators) assert.equal(counts.get(v.publicKey), v.power * 5, `validator ${v.name}`);
  // The heaviest validator does not propose its 10 turns in one run: they are spread out.
  const heaviest = keys[4]!;
  let longestRun = 0;
  for (let i = 0, run = 0; i < chosen.length; i++) {
    run = chosen[i] === heaviest ? run + 1 : 0;
    longestRun = Math.max(longestRun, run);
  }
  assert.ok(longestRun <= 2, `longest run ${longestRun}`);
});

test('proposers across the rounds of one height are weighted by power too', () => {
  const { set } = makeKeys([3, 1, 1, 5]);
  const counts = countBy(proposersForRounds(genesisSchedule(set), set.totalPower * 3));
  for (const v of set.validators) assert.equal(counts.get(v.publicKey), v.power * 3);
});

test('equal powers give a plain round robin in key order', () => {
  const { set } = makeKeys([1, 1, 1, 1]);
  const order = proposersForRounds(genesisSchedule(set), 8);
  const sorted = set.validators.map((v) => v.publicKey);
  assert.deepEqual(order, [...sorted, ...sorted]);
});

test('the schedule is deterministic and does not depend on how it is asked', () => {
  const { set } = makeKeys([7, 2, 9, 4, 1, 3]);
  const s = nextHeightSchedule(nextHeightSchedule(genesisSchedule(set)));
  const all = proposersForRounds(s, 20);
  for (let r = 0; r < 20; r++) assert.equal(proposerOf(s, r), all[r]);
  assert.deepEqual(proposersForRounds(s, 20), all);
  // Priorities stay centred and bounded, so they never overflow however long the chain runs.
  let t = s;
  for (let h = 0; h < 10_000; h++) t = nextHeightSchedule(t);
  for (const p of t.priorities) assert.ok(Math.abs(p) <= 2 * set.totalPower);
});
