// Issue 19 "Done when": a membership-inference attack spread over both beacons succeeds against
// per-beacon budgets and is stopped by the network's shared budget. Numbers go to docs/GENOMICS.md.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { simulateMembershipAttack, type AttackConfig } from './genomics-membership.ts';

const base: AttackConfig = {
  seed: 19,
  individuals: 1000,
  beacons: 2,
  threshold: 1,
  budgetBits: 3,
  sharedBudget: false,
  targets: 50,
  sites: 5000,
  population: 100_000,
};

test('without a budget the attack finds members', () => {
  const outcome = simulateMembershipAttack({ ...base, budgetBits: Infinity });
  assert.ok(outcome.detectionRate > 0.9, JSON.stringify(outcome));
});

test('per-beacon budgets fail: spreading queries over two beacons doubles the evidence', () => {
  const outcome = simulateMembershipAttack(base);
  assert.ok(outcome.detectionRate > 0.5, JSON.stringify(outcome));
});

test('one budget shared by the network stops the same attack', () => {
  const outcome = simulateMembershipAttack({ ...base, sharedBudget: true });
  assert.equal(outcome.detectionRate, 0, JSON.stringify(outcome));
  assert.ok(outcome.meanQueriesRefused > 0);
});

test('a low-count threshold alone does not stop it; with the shared budget it is stopped', () => {
  const thresholded = { ...base, threshold: 5 };
  assert.ok(simulateMembershipAttack({ ...thresholded, budgetBits: Infinity }).detectionRate > 0.3);
  assert.equal(simulateMembershipAttack({ ...thresholded, sharedBudget: true }).detectionRate, 0);
});
