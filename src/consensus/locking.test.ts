import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkConflictingCommit } from '../core/evidence.ts';
import { CHAIN_ID, Cluster, makeKeys, proposerIndex } from './test-support.ts';

/**
 * The classic scenario locks exist for (Tendermint paper, section 3 "locking"): in round 0 everyone but
 * P1 sees a polka for A and precommits it, and only D receives those precommits, so only D decides A.
 * In round 1 P1, which never saw the polka, proposes a fresh block B. Locked validators must refuse B.
 */
function splitDecisionRound(ignoreLocks: boolean) {
  const keys = makeKeys([1, 1, 1, 1]);
  const p1 = proposerIndex(keys, 1);
  const others = [0, 1, 2, 3].filter((i) => i !== p1);
  const d = others[0]!;
  const c = new Cluster(keys, () => ({ unsafe: { ignoreLocks } }));
  c.drop = (_from, to, m) => {
    if (m.kind !== 'vote' || m.vote.round !== 0) return false;
    if (m.vote.type === 'prevote') return to === p1;
    return to !== d;
  };
  c.start();
  c.run();
  assert.equal(c.decisions(d).length, 1, 'D decides A in round 0');
  for (const i of [0, 1, 2, 3].filter((i) => i !== d)) {
    c.feed(
      i,
      c.engines[i]!.handle({ kind: 'timeout', height: 1, round: 0, step: 'precommit', nowMs: c.nowMs }),
    );
  }
  c.run();
  return { keys, c, d, p1 };
}

const others = (d: number) => [0, 1, 2, 3].filter((i) => i !== d);

test('locked validators refuse a fresh block in a later round, so D’s decision stands', () => {
  const { c, d } = splitDecisionRound(false);
  const a = c.decisions(d)[0]!.value.hash;
  for (let i = 0; i < 4; i++) for (const decision of c.decisions(i)) assert.equal(decision.value.hash, a);
  // Once the network delivers again, a locked proposer re-proposes A with its proof of lock (the round-0
  // prevotes, which P1 never saw): all decide A.
  c.drop = () => false;
  for (let round = 0; round < 8 && c.decisions(others(d)[0]!).length === 0; round++) c.fireTimeouts();
  for (let i = 0; i < 4; i++) assert.equal(c.decisions(i)[0]?.value.hash, a, `validator ${i}`);
});

test('without locks the same schedule forks, and the two commits prove who signed both', () => {
  const { keys, c, d, p1 } = splitDecisionRound(true);
  const decidedA = c.decisions(d)[0]!;
  const others = [0, 1, 2, 3].filter((i) => i !== d);
  const decidedB = c.decisions(others[0]!)[0];
  assert.ok(decidedB !== undefined && decidedB.value.hash !== decidedA.value.hash, 'a fork');
  const proof = checkConflictingCommit(CHAIN_ID, keys.set, decidedA.commit, decidedB.commit);
  assert.ok(proof !== null);
  const lockedBreakers = others.filter((i) => i !== p1).map((i) => keys.keys[i]!);
  assert.deepEqual([...proof.doubleSigners].sort(), lockedBreakers.sort());
});
