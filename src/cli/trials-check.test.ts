// The CLI's own checks of a verdict and of the allocations pass for honest answers and fail, naming the
// item, for each thing a node could alter: a registered outcome, the root, a proof, a seed, an arm.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allocatedArm, compareOutcomes, seedCommitment } from '../app/trials/index.ts';
import { exampleRegistration } from '../app/trials/test-fixtures.ts';
import type { AllocationsAnswer, VerdictAnswer } from '../contract/trials.ts';
import { checkAllocations, checkVerdict } from './trials-check.ts';

const registered = exampleRegistration().outcomes;
const secondaries = registered.slice(1);
const verdict: VerdictAnswer = {
  trialId: 'ab'.repeat(32),
  baselineVersion: 1,
  ...compareOutcomes(registered, [
    ...secondaries.map((o) => ({ kind: o.kind, measure: o.measure, timeFrame: o.timeFrame })),
    { kind: 'primary', measure: 'Quality of life (EQ-5D)', timeFrame: '12 months' },
  ]),
} as VerdictAnswer;

test('an honest verdict checks out: every registered outcome proven, the added one marked unproven', () => {
  const checked = checkVerdict(verdict, registered);
  assert.equal(checked.ok, true, checked.lines.join('\n'));
  assert.equal(checked.lines.length, 1 + registered.length + 1);
  assert.match(checked.lines[1]!, /^ok {3}not_reported +primary: .*\(proof ok\)$/);
  assert.match(checked.lines.at(-1)!, /^ok {3}added .*Quality of life.*not registered, no proof/);
});

test('a verdict whose registered outcome, root or proof was altered fails, at that line', () => {
  const altered = structuredClone(verdict) as { outcomes: { registered?: { timeFrame: string } }[] };
  altered.outcomes[1]!.registered!.timeFrame = '6 months';
  const outcome = checkVerdict(altered as unknown as VerdictAnswer, registered);
  assert.equal(outcome.ok, false);
  assert.match(outcome.lines[2]!, /^FAIL .*PROOF FAILS/);

  const otherRoot = checkVerdict(verdict, registered.slice(1));
  assert.equal(otherRoot.ok, false, 'the root must be the hash of the registration tx’s outcomes');
  assert.match(otherRoot.lines[0]!, /^FAIL outcome root .* is NOT/);

  const noProof = structuredClone(verdict) as { outcomes: { proof?: unknown }[] };
  delete noProof.outcomes[0]!.proof;
  assert.equal(checkVerdict(noProof as unknown as VerdictAnswer, registered).ok, false);
});

const SEED = '9a'.repeat(32);
const ARMS = ['Early rhythm control', 'Usual care'];
const hashes = ['01', '02', '03'].map((b) => b.repeat(32));
const unblinded: AllocationsAnswer = {
  seed: SEED,
  seedCommitment: seedCommitment(SEED),
  allocations: hashes.map((enrolTxHash, i) => ({
    enrolTxHash,
    siteOrgId: i === 0 ? 'hospital' : 'clinic',
    allocatedHeight: 5 + i,
    arm: ARMS[allocatedArm(SEED, enrolTxHash, ARMS.length)]!,
  })),
};

test('allocations recompute from the revealed seed; a swapped arm or a seed that does not open fails', () => {
  assert.equal(checkAllocations(unblinded, ARMS).ok, true);
  const swapped = structuredClone(unblinded) as { allocations: { arm: string | null }[] };
  const first = swapped.allocations[0]!;
  first.arm = first.arm === ARMS[0] ? ARMS[1]! : ARMS[0]!;
  const checked = checkAllocations(swapped as unknown as AllocationsAnswer, ARMS);
  assert.equal(checked.ok, false);
  assert.match(checked.lines[1]!, /^FAIL .*recomputed: /);
  const otherSeed = { ...unblinded, seed: '9b'.repeat(32) } as AllocationsAnswer;
  assert.equal(checkAllocations(otherSeed, ARMS).ok, false);
  const blind = { ...unblinded, seed: null } as AllocationsAnswer;
  assert.deepEqual(checkAllocations(blind, ARMS), {
    ok: true,
    lines: ['blind: 3 enrolments, the seed is not revealed yet'],
  });
});
