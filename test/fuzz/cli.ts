// `npm run fuzz -- --requests 100000 --seed N`: the long fuzz run. Starts the fuzz network (world.ts),
// checks every served route has a generator, runs, prints progress and ends with one JSON line of
// figures. Exits 1 on any 5xx, unanswered request, crash, leak or state change from refused requests.
import { Command, InvalidArgumentError } from 'commander';
import { missingGenerators, routesOfDocument } from './routes.ts';
import { runFuzz } from './run.ts';
import { startWorld } from './world.ts';

const integer = (value: string): number => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('a whole number');
  return n;
};

const program = new Command('fuzz')
  .description('fuzz every route of a real multi-process carechain network')
  .option('--requests <n>', 'requests to send', integer, 2000)
  .option('--seed <n>', 'the seed that replays a run', integer, 1)
  .option('--batch <n>', 'requests between state checks', integer, 20)
  .option('--concurrency <n>', 'requests in flight at once', integer, 4)
  .option('--progress <n>', 'print progress every n requests', integer, 1000)
  .parse();
const options = program.opts<{
  requests: number;
  seed: number;
  batch: number;
  concurrency: number;
  progress: number;
}>();

const log = (line: string) => process.stderr.write(`${line}\n`);
log(`starting the fuzz network…`);
const world = await startWorld();
let failed: boolean;
try {
  const doc = (await (await fetch(`${world.urls[0]}/api/v1/openapi.json`)).json()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  const missing = missingGenerators(routesOfDocument(doc));
  if (missing.length > 0) throw new Error(`routes with no fuzz generator: ${missing.join(', ')}`);
  log(`fuzzing ${world.urls.length} nodes as ${world.roles.length} roles, seed ${options.seed}`);
  const figures = await runFuzz(world, {
    requests: options.requests,
    seed: options.seed,
    batchSize: options.batch,
    concurrency: options.concurrency,
    progressEvery: options.progress,
    progress: log,
  });
  for (const failure of figures.failures) log(JSON.stringify(failure));
  process.stdout.write(`${JSON.stringify({ ...figures, failures: figures.failures.length })}\n`);
  failed =
    figures.serverErrors + figures.noAnswer + figures.crashes + figures.leaks + figures.stateChanges > 0;
} finally {
  await world.stop();
}
process.exit(failed ? 1 : 0);
