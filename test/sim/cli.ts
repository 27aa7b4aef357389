// npm run sim -- --seed N          replays one seed and prints its report
// npm run sim -- --seeds K [--from S] [--kind calm|lossy|partition|crash|byzantine|chaos]
//                                  runs K seeds (the long soak) and stops at the first failure
// npm run sim -- --churn [--seed N | --seeds K [--from S]]
//                                  validator churn by vote under faults (churn.ts) instead of the fault seeds
// npm run sim -- --unsafe ignoreLocks|forgetSigned [--seeds K] [--from S] [--kind KIND]
//                                  runs the engine with a deliberate bug and prints how often it is caught
import { detectionRate } from './detection.ts';
import { runSim } from './run.ts';
import { churnScenarioFor, scenarioFor, SCENARIO_KINDS, type ScenarioKind } from './scenarios.ts';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const kindArg = arg('kind');
if (kindArg !== undefined && !SCENARIO_KINDS.includes(kindArg as ScenarioKind)) {
  console.error(`unknown --kind ${kindArg}; one of ${SCENARIO_KINDS.join(', ')}`);
  process.exit(2);
}
const kind = kindArg as ScenarioKind | undefined;
const churn = process.argv.includes('--churn');

async function runOne(seed: number, verbose: boolean): Promise<boolean> {
  const report = await runSim(seed, churn ? churnScenarioFor(seed) : scenarioFor(seed, kind));
  const s = report.scenario;
  const byz = [...s.byzantine].map(([i, k]) => `${i}:${k}`).join(',') || 'none';
  const steps =
    s.churn === undefined ? '' : ` ${s.faults} steps=${s.churn.steps.map((st) => st.kind).join(',')}`;
  const line = `seed ${seed} ${s.kind}${steps} n=${s.powers.length} powers=[${s.powers.join(',')}] byzantine=${byz} heights=${report.stats.heights} virtual=${report.stats.virtualMs}ms msgs=${report.stats.messages} evidence=${report.stats.evidence}`;
  if (verbose || report.violations.length > 0) console.log(line);
  for (const v of report.violations) console.log(`  ${v}`);
  if (report.violations.length > 0) {
    const replay = churn ? ' --churn' : kind === undefined ? '' : ` --kind ${kind}`;
    console.log(`FAILED: replay with: npm run sim -- --seed ${seed}${replay}`);
  }
  return report.violations.length === 0;
}

const unsafe = arg('unsafe');
if (unsafe !== undefined) {
  if (unsafe !== 'ignoreLocks' && unsafe !== 'forgetSigned') {
    console.error('--unsafe is ignoreLocks or forgetSigned');
    process.exit(2);
  }
  const bugKind = kind ?? (unsafe === 'forgetSigned' ? 'crash' : 'partition');
  const runs = Number(arg('seeds') ?? '50');
  const { caught, examples } = await detectionRate(unsafe, bugKind, Number(arg('from') ?? '0'), runs);
  console.log(
    `${unsafe} caught on ${caught} of ${runs} ${bugKind} seeds (${((100 * caught) / runs).toFixed(0)}%)`,
  );
  for (const example of examples) console.log(`  ${example}`);
  process.exit(0);
}

const single = arg('seed');
if (single !== undefined) {
  process.exit((await runOne(Number(single), true)) ? 0 : 1);
}
const count = Number(arg('seeds') ?? '100');
const from = Number(arg('from') ?? '0');
const started = Date.now();
for (let seed = from; seed < from + count; seed++) {
  if (!(await runOne(seed, false))) process.exit(1);
  if ((seed - from + 1) % 100 === 0) {
    console.log(`${seed - from + 1} seeds ok (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
}
console.log(`all ${count} seeds from ${from} passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
