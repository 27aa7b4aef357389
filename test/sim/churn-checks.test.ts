// Each check the churn seeds added can fail (issue 15): a clean churn run passes, then one corrupted
// observation at a time must be reported: a commit at a height after a key left the set, signed with
// that key (genesis' set would accept it); a height signed by a set no vote made, or a change skipped;
// a node that never reached the last voted set; evidence against a voted-out key for a height it no
// longer signed. And the run itself shows the old set attacked and counted for nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { duplicateVoteEvidence } from '../../src/consensus/index.ts';
import { commitFromPrecommits, signVote, verifyCommit } from '../../src/core/vote.ts';
import { findValidator, hasQuorum, type ValidatorSet } from '../../src/core/validators.ts';
import { CHAIN_ID, hashLabel, VALIDATOR_KEYS } from './chain.ts';
import { applyStep, type ChurnPlan } from './churn-plan.ts';
import { checkChurn, setSignature } from './churn.ts';
import { checkSafety } from './checks.ts';
import { runSim, type SimReport } from './run.ts';
import { churnScenarioFor, type Scenario } from './scenarios.ts';

/** The first seed from 1000 whose scenario `fits`: found by the scenario alone, so it is cheap. */
function seedWhere(fits: (s: Scenario) => boolean): { seed: number; scenario: Scenario } {
  for (let seed = 1000; ; seed++) {
    const scenario = churnScenarioFor(seed);
    if (fits(scenario)) return { seed, scenario };
  }
}

/** A calm churn run whose first change rotates a genesis validator's key away, then two more changes. */
async function rotationRun(): Promise<{ report: SimReport; plan: ChurnPlan; leaver: number }> {
  const { seed, scenario } = seedWhere(
    (s) => s.faults === 'calm' && s.churn!.steps[0]!.kind === 'rotate' && s.churn!.steps.length >= 3,
  );
  const report = await runSim(seed, scenario);
  assert.deepEqual(report.violations, []);
  return { report, plan: scenario.churn!, leaver: scenario.churn!.oldSet[0]! };
}

function expectViolation(violations: readonly string[], pattern: RegExp): void {
  assert.ok(
    violations.some((v) => pattern.test(v)),
    `expected a violation matching ${pattern}, got:\n${violations.join('\n')}`,
  );
}

/** The first height the recorded chain signed with a set other than genesis'. */
function firstChangedHeight(report: SimReport): number {
  const { recorder, safety } = report.world;
  const heights = [...recorder.sets.keys()].sort((a, b) => a - b);
  const changed = heights.find((h) => sig(safety.setAt(h)) !== sig(safety.set));
  assert.ok(changed !== undefined, 'the run never changed its set');
  return changed;
}

const sig = (set: ValidatorSet): string => setSignature(set.validators);

test('a clean churn run changes the set as voted, and the old set attacked for nothing', async () => {
  const { report, plan, leaver } = await rotationRun();
  const sets = new Set([...report.world.recorder.sets.values()].map((s) => sig(s.signed)));
  assert.ok(sets.size >= plan.steps.length, `${sets.size} sets signed for ${plan.steps.length} steps`);
  const leaverKey = VALIDATOR_KEYS[leaver]!.publicKey;
  const out = firstChangedHeight(report);
  const attack = [...report.world.recorder.votesSent.values()].filter(
    (v) => v.validator === leaverKey && v.height >= out,
  );
  assert.ok(attack.length > 0, 'the rotated-away key signed nothing after it left');
  for (const node of report.world.nodes.filter((n) => n.honest)) {
    for (const [height, entry] of report.world.recorder.committedBy(node.id)) {
      if (height < out) continue;
      assert.ok(
        !entry.commit.signatures.some((s) => s.validator === leaverKey),
        `node ${node.id} h${height}`,
      );
    }
  }
});

test('a commit after a key left, signed with that key, is reported though genesis’ set accepts it', async () => {
  const { report, leaver } = await rotationRun();
  const { recorder, safety, nodes } = report.world;
  const height = firstChangedHeight(report) + 1;
  const node = nodes.find((n) => n.honest && recorder.committedBy(n.id).has(height))!;
  const entry = recorder.committedBy(node.id).get(height)!;
  // The leaver first, then others of genesis' set, until they hold more than 2/3 of its power.
  const order = [leaver, ...safety.set.validators.map((_, i) => i).filter((i) => i !== leaver)];
  const signers: number[] = [];
  for (const i of order) {
    if (
      hasQuorum(
        safety.set,
        signers.reduce((sum, j) => sum + findValidator(safety.set, VALIDATOR_KEYS[j]!.publicKey)!.power, 0),
      )
    )
      break;
    signers.push(i);
  }
  const commit = commitFromPrecommits(
    signers.map((i) =>
      signVote(CHAIN_ID, VALIDATOR_KEYS[i]!.seed, {
        type: 'precommit',
        height,
        round: entry.commit.round,
        blockHash: entry.blockHash,
        timeMs: entry.commit.signatures[0]!.timeMs,
        validator: VALIDATOR_KEYS[i]!.publicKey,
      }),
    ),
  );
  verifyCommit(CHAIN_ID, safety.set, commit); // genesis' set would take it
  recorder.committedBy(node.id).set(height, { ...entry, commit });
  expectViolation(
    checkSafety(safety),
    new RegExp(`node ${node.id} commit at height ${height}: commit signed by a non-validator`),
  );
});

test('a height signed by a set no vote made, or a change skipped, is reported', async () => {
  const { report, plan } = await rotationRun();
  const { recorder, nodes } = report.world;
  const honest = nodes.filter((n) => n.honest);
  const signing = recorder.signingSets();
  assert.deepEqual(checkChurn(plan, signing, honest, true), []);
  const heights = [...signing.keys()].sort((a, b) => a - b);
  const tip = heights[heights.length - 1]!;
  // The last height signed by genesis' set again, as if a change had been undone without a vote.
  const reverted = new Map(signing).set(tip, report.world.safety.set);
  expectViolation(checkChurn(plan, reverted, honest, true), /height \d+ was signed by a set no vote made/);
  // Step 0's set never signs: the chain jumps from genesis' set to step 1's.
  const skipped = new Map(signing);
  const first = firstChangedHeight(report);
  const second = heights.find((h) => h > first && sig(signing.get(h)!) !== sig(signing.get(first)!))!;
  for (const h of heights.filter((h) => h >= first && h < second)) skipped.set(h, report.world.safety.set);
  expectViolation(checkChurn(plan, skipped, honest, true), /was signed by a set no vote made/);
});

test('a node that never reached the last voted set is reported', async () => {
  const { report, plan } = await rotationRun();
  const { recorder, nodes } = report.world;
  const honest = nodes.filter((n) => n.honest);
  // One more step in the plan than the run carried out: every honest node is one set short.
  const extra = { kind: 'power' as const, publicKey: plan.sets.at(-1)![0]!.publicKey, power: 99 };
  const longer: ChurnPlan = {
    ...plan,
    steps: [...plan.steps, extra],
    sets: [...plan.sets, applyStep(plan.sets.at(-1)!, extra)],
  };
  expectViolation(
    checkChurn(longer, recorder.signingSets(), honest, true),
    new RegExp(
      `liveness: churn: node \\d+ ended under the set of step ${plan.steps.length}, not ${plan.steps.length + 1}`,
    ),
  );
});

test('evidence against a voted-out key is judged by the set of its height', async () => {
  const { report, leaver } = await rotationRun();
  const { recorder, safety, nodes } = report.world;
  const key = VALIDATOR_KEYS[leaver]!;
  const evidenceAt = (height: number) => {
    const body = { type: 'prevote', height, round: 0, timeMs: 1, validator: key.publicKey } as const;
    const a = signVote(CHAIN_ID, key.seed, { ...body, blockHash: hashLabel(`a ${height}`) });
    const b = signVote(CHAIN_ID, key.seed, { ...body, blockHash: hashLabel(`b ${height}`) });
    return duplicateVoteEvidence(a, b);
  };
  const reporter = nodes.find((n) => n.honest)!;
  // Before it left, its equivocation is evidence that verifies; after, the set of that height has no
  // such validator, so an honest node reporting it would be wrong.
  recorder.evidence(reporter, evidenceAt(1));
  assert.deepEqual(
    checkSafety(safety).filter((v) => /evidence/.test(v)),
    [],
  );
  recorder.evidence(reporter, evidenceAt(firstChangedHeight(report) + 1));
  expectViolation(
    checkSafety(safety),
    /reported evidence that does not verify: evidence names a non-validator/,
  );
});
