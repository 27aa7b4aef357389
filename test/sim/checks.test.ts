// Every check of the simulator must be able to fail. Each test here breaks one thing — more than 1/3
// byzantine power, or a corrupted observation of a clean run — and asserts that the checker reports
// exactly that kind of violation. (engine-bugs.test.ts runs the engine made unsafe on purpose.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commitFromPrecommits, signVote } from '../../src/core/vote.ts';
import { hasOneThird, findValidator } from '../../src/core/validators.ts';
import { duplicateVoteEvidence } from '../../src/consensus/index.ts';
import { hashLabel, VALIDATOR_KEYS } from './chain.ts';
import { checkLiveness, checkSafety, type LivenessInput } from './checks.ts';
import { CHAIN_ID, runSim, type SimReport } from './run.ts';
import { forkAttackScenario, scenarioFor } from './scenarios.ts';

const KEYS = VALIDATOR_KEYS.map((k) => k.publicKey);
const SEEDS = VALIDATOR_KEYS.map((k) => k.seed);

async function cleanRun(): Promise<SimReport> {
  const report = await runSim(0, scenarioFor(0, 'calm'));
  assert.deepEqual(report.violations, []);
  return report;
}

function expectViolation(violations: readonly string[], pattern: RegExp): void {
  assert.ok(
    violations.some((v) => pattern.test(v)),
    `expected a violation matching ${pattern}, got:\n${violations.join('\n')}`,
  );
}

test('past the fault bound, a fork is detected and proven, naming only validators that signed both', async () => {
  const report = await runSim(1, forkAttackScenario());
  expectViolation(report.violations, /fork at height/);
  assert.ok(report.forks.length > 0);
  const set = report.world.safety.set;
  for (const proof of report.forks) {
    assert.ok(proof.doubleSigners.length > 0);
    for (const key of proof.doubleSigners)
      assert.ok(report.byzantineKeys.has(key), 'an honest key in a fork proof');
    const power = proof.doubleSigners.reduce((sum, key) => sum + findValidator(set, key)!.power, 0);
    assert.ok(hasOneThird(set, power), 'quorum intersection: more than 1/3 signed both');
  }
});

test('a commit without a quorum of valid signatures is reported', async () => {
  const { world } = await cleanRun();
  const entries = world.recorder.committedBy(0);
  const entry = entries.get(1)!;
  entries.set(1, { ...entry, commit: { ...entry.commit, signatures: entry.commit.signatures.slice(0, 1) } });
  expectViolation(checkSafety(world.safety), /node 0 commit at height 1: commit lacks more than 2\/3/);
  const sig = entry.commit.signatures[0]!;
  const forged = { ...sig, timeMs: sig.timeMs + 1 };
  entries.set(1, {
    ...entry,
    commit: { ...entry.commit, signatures: [forged, ...entry.commit.signatures.slice(1)] },
  });
  expectViolation(checkSafety(world.safety), /bad precommit signature/);
});

test('two honest nodes with different blocks at one height are a fork, with its proof', async () => {
  const { world } = await cleanRun();
  const entry = world.recorder.committedBy(1).get(2)!;
  const other = hashLabel('another block');
  const precommits = SEEDS.slice(0, world.safety.set.validators.length).map((seed, i) =>
    signVote(CHAIN_ID, seed, {
      type: 'precommit',
      height: 2,
      round: 0,
      blockHash: other,
      timeMs: 1,
      validator: KEYS[i]!,
    }),
  );
  world.recorder
    .committedBy(1)
    .set(2, { ...entry, blockHash: other, commit: commitFromPrecommits(precommits) });
  expectViolation(checkSafety(world.safety), /fork at height 2: .* signed both: \[.+\]/);
});

test('different app hashes, a tx applied twice, or an invalid tx applied are reported', async () => {
  const { world } = await cleanRun();
  const entries = world.recorder.committedBy(2);
  entries.set(3, { ...entries.get(3)!, appHash: hashLabel('diverged') });
  const node = world.nodes[0]!;
  const tx = [...node.applied.keys()][0]!;
  node.applied.set(tx, 2);
  const bad = hashLabel('a tx whose signature does not verify');
  node.applied.set(bad, 1);
  const violations = checkSafety({ ...world.safety, invalidTxs: new Set([bad]) });
  expectViolation(violations, /app hash differs at height 3/);
  expectViolation(violations, new RegExp(`node 0 applied ${tx.slice(0, 12)} 2 times`));
  expectViolation(violations, new RegExp(`node 0 applied invalid ${bad.slice(0, 12)}`));
});

test('an honest validator signing two messages for one round is reported', async () => {
  const { world } = await cleanRun();
  const node = world.nodes[0]!;
  const body = { type: 'prevote', height: 1, round: 0, timeMs: 1, validator: KEYS[0]! } as const;
  world.recorder.signedVote(node, signVote(CHAIN_ID, SEEDS[0]!, { ...body, blockHash: null }));
  world.recorder.signedVote(node, signVote(CHAIN_ID, SEEDS[0]!, { ...body, blockHash: hashLabel('x') }));
  expectViolation(checkSafety(world.safety), /honest node 0 signed prevote h1 r0/);
});

test('evidence against an honest validator, evidence that does not verify, or missing evidence is reported', async () => {
  const { world } = await cleanRun();
  const body = { type: 'prevote', height: 9, round: 0, timeMs: 1, validator: KEYS[1]! } as const;
  const a = signVote(CHAIN_ID, SEEDS[1]!, { ...body, blockHash: null });
  const b = signVote(CHAIN_ID, SEEDS[1]!, { ...body, blockHash: hashLabel('y') });
  const evidence = duplicateVoteEvidence(a, b);
  world.recorder.evidence(world.nodes[0]!, evidence);
  world.recorder.evidence(world.nodes[0]!, { ...evidence, voteB: { ...evidence.voteB, round: 1 } });
  const safety = { ...world.safety, expectEvidenceAgainst: [KEYS[2]!] };
  const violations = checkSafety(safety);
  expectViolation(violations, /evidence against honest validator/);
  expectViolation(violations, /evidence that does not verify/);
  expectViolation(violations, /equivocating validator .* was never reported/);
});

test('liveness: a stalled, down or lagging node, a lost tx and an unbounded queue are reported', async () => {
  const report = await cleanRun();
  const { nodes, recorder } = report.world;
  const base: LivenessInput = {
    nodes,
    recorder,
    healMs: 0,
    heightAtHeal: 0,
    boundMs: report.stats.virtualMs + 1,
    endMs: report.stats.virtualMs,
    targetHeight: Math.min(...nodes.map((n) => n.height)),
    submittedValid: new Set(),
    mempoolMax: 300,
    queueSizeMax: 10,
    queueSizeLimit: 100,
  };
  assert.deepEqual(checkLiveness(base), []);
  expectViolation(checkLiveness({ ...base, boundMs: 1 }), /went \d+ ms without a commit/);
  expectViolation(checkLiveness({ ...base, targetHeight: base.targetHeight + 5 }), /reached height/);
  expectViolation(
    checkLiveness({ ...base, submittedValid: new Set(['tx-never-sent']) }),
    /never included 1 valid txs/,
  );
  expectViolation(checkLiveness({ ...base, mempoolMax: 0 }), /mempool passed its bound/);
  expectViolation(checkLiveness({ ...base, queueSizeMax: 101 }), /event queue reached/);
  nodes[1]!.crash();
  expectViolation(checkLiveness(base), /honest node 1 is down/);
});

test('a prevote against the lock with no polka since is reported, and one after a polka is not', async () => {
  const { world } = await cleanRun();
  const node = world.nodes[0]!;
  const [a, b] = [hashLabel('block a'), hashLabel('block b')];
  const vote = (type: 'prevote' | 'precommit', round: number, blockHash: string, seed = SEEDS[0]!, i = 0) =>
    signVote(CHAIN_ID, seed, { type, height: 50, round, blockHash, timeMs: 1, validator: KEYS[i]! });
  world.recorder.signedVote(node, vote('precommit', 0, a));
  world.recorder.signedVote(node, vote('prevote', 2, b));
  expectViolation(checkSafety(world.safety), /locked on .* in h50 r0 prevoted .* in r2 with no polka/);
  // Every validator of the run prevotes b in round 1: a polka that lets validator 0 change its mind.
  for (let i = 0; i < world.safety.set.validators.length; i++) {
    const v = vote('prevote', 1, b, SEEDS[i], i);
    world.recorder.votesSent.set(v.signature, v);
  }
  assert.deepEqual(
    checkSafety(world.safety).filter((v) => /locked on/.test(v)),
    [],
  );
});

test('node code that throws or logs an error is reported', async () => {
  const { world } = await cleanRun();
  world.recorder.threw(world.nodes[1]!, new Error('boom'));
  world.recorder.logged(
    world.nodes[2]!,
    JSON.stringify({ level: 60, msg: 'cannot apply a committed block; halting' }),
  );
  const violations = checkSafety(world.safety);
  expectViolation(violations, /node 1 threw: boom/);
  expectViolation(violations, /node 2 logged an error: cannot apply a committed block/);
});

test('the same seed replays exactly', async () => {
  const a = await runSim(5);
  const b = await runSim(5);
  assert.deepEqual(a.stats, b.stats);
  assert.deepEqual(a.violations, b.violations);
  assert.ok(a.trace.length > a.stats.heights, 'the trace holds every commit of every node');
  assert.deepEqual(a.trace, b.trace);
});
