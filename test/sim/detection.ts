// Runs consecutive seeds of one scenario kind with one deliberate engine bug, and counts the runs whose
// safety checks caught it. Shared by engine-bugs.test.ts and `npm run sim -- --unsafe NAME`.
import { runSim } from './run.ts';
import { scenarioFor, type ScenarioKind } from './scenarios.ts';

export type EngineBug = 'ignoreLocks' | 'forgetSigned';

export interface Detection {
  readonly caught: number;
  readonly runs: number;
  /** The first safety violation of a few caught seeds, with the seed. */
  readonly examples: string[];
}

export async function detectionRate(
  bug: EngineBug,
  kind: ScenarioKind,
  from: number,
  count: number,
): Promise<Detection> {
  let caught = 0;
  const examples: string[] = [];
  for (let seed = from; seed < from + count; seed++) {
    const report = await runSim(seed, { ...scenarioFor(seed, kind), unsafe: { [bug]: true } });
    const safety = report.violations.filter((v) => v.startsWith('safety:'));
    if (safety.length === 0) continue;
    caught++;
    if (examples.length < 3) examples.push(`seed ${seed}: ${safety[0]!.slice(0, 160)}`);
  }
  return { caught, runs: count, examples };
}
