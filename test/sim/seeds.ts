// Registers one node:test per scenario kind over a range of seeds. A failure names every failing seed
// and the command that replays it exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSim } from './run.ts';
import { CHURN_FAULTS, churnScenarioFor, SCENARIO_KINDS } from './scenarios.ts';

export function testSeeds(from: number, count: number): void {
  for (const kind of SCENARIO_KINDS) {
    // scenarioFor picks the kind from the seed, so each kind gets every sixth seed of the range.
    const seeds = Array.from({ length: count }, (_, i) => from + i).filter(
      (seed) => SCENARIO_KINDS[seed % SCENARIO_KINDS.length] === kind,
    );
    test(`simulation of the real node: ${kind}, ${seeds.length} seeds from ${from}`, async () => {
      const failures: string[] = [];
      for (const seed of seeds) {
        const report = await runSim(seed);
        if (report.violations.length > 0) {
          failures.push(
            `seed ${seed}: ${report.violations.slice(0, 3).join('; ')}\n  replay: npm run sim -- --seed ${seed}`,
          );
        }
      }
      assert.deepEqual(failures, []);
    });
  }
}

/**
 * Registers one node:test per churn fault kind over a range of churn seeds (churn.test.ts,
 * churn-2.test.ts), each kind getting every fifth seed of the range.
 */
export function testChurnSeeds(from: number, count: number): void {
  for (const faults of CHURN_FAULTS) {
    const seeds = Array.from({ length: count }, (_, i) => from + i).filter(
      (seed) => CHURN_FAULTS[seed % CHURN_FAULTS.length] === faults,
    );
    test(`validator churn by vote, ${faults}: ${seeds.length} seeds from ${from}`, async () => {
      const failures: string[] = [];
      for (const seed of seeds) {
        const report = await runSim(seed, churnScenarioFor(seed));
        if (report.violations.length > 0) {
          failures.push(
            `seed ${seed}: ${report.violations.slice(0, 3).join('; ')}\n  replay: npm run sim -- --churn --seed ${seed}`,
          );
        }
      }
      assert.deepEqual(failures, []);
    });
  }
}
