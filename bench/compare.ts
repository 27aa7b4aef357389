// `npm run bench:compare -- --base REV [--bench network,fhir] [--rounds 2] [-- bench options]`: runs the
// same benches on an older revision and on this working tree, alternating (base, head, head, base, …) so
// that the machine's drift lands on both sides, and reports head ÷ base for every throughput figure. The
// machine is shared and noisy: absolute figures move between runs, ratios from one run mostly do not.
// Each revision runs its own bench script, so the workload is the one that revision's bench defined.
// Ends with one JSON line.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';

const program = new Command()
  .name('bench:compare')
  .description('Run benches on a base revision and on this tree, alternating, and report head ÷ base.')
  .requiredOption('--base <rev>', 'the git revision to compare against (e.g. a commit before a change)')
  .option(
    '--bench <names>',
    'comma-separated bench names under bench/ (network, fhir, supply)',
    'network,fhir',
  )
  .option('--rounds <n>', 'runs per revision and bench', (v) => Number.parseInt(v, 10), 2)
  .argument('[benchArgs...]', 'options passed to every bench run (after --), e.g. -- --seconds 15')
  .parse();
const opts = program.opts<{ base: string; bench: string; rounds: number }>();
const benchArgs = program.args;
const benches = opts.bench.split(',').map((b) => b.trim());
const head = resolve(import.meta.dirname, '..');

type Figures = Record<string, number>;

/** Throughput figures of a bench's final JSON line: every numeric leaf whose name says "per second". */
function throughputs(json: unknown, prefix = ''): Figures {
  const out: Figures = {};
  if (json === null || typeof json !== 'object') return out;
  for (const [key, value] of Object.entries(json)) {
    const name = prefix === '' ? key : `${prefix}.${key}`;
    if (typeof value === 'number' && /persec/i.test(key)) out[name] = value;
    else if (typeof value === 'object') Object.assign(out, throughputs(value, name));
  }
  return out;
}

/** Runs one bench in a tree, echoing its output indented, and returns its final JSON line's figures. */
async function runBench(tree: string, bench: string, label: string): Promise<Figures> {
  const script = join('bench', `${bench}.bench.ts`);
  if (!existsSync(join(tree, script))) throw new Error(`${label} has no ${script}`);
  console.log(`\n── ${bench} on ${label} ──`);
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...benchArgs], {
    cwd: tree,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    process.stdout.write(chunk.toString().replace(/^(?=.)/gm, '   '));
  });
  const code = await new Promise<number | null>((done) => child.on('exit', done));
  if (code !== 0) throw new Error(`${bench} on ${label} exited with ${code}`);
  const last = output.trim().split('\n').at(-1) ?? '';
  return throughputs(JSON.parse(last));
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const baseCommit = execFileSync('git', ['rev-parse', opts.base], { cwd: head, encoding: 'utf8' }).trim();
const headCommit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: head, encoding: 'utf8' }).trim();
const baseTree = mkdtempSync(join(tmpdir(), 'carechain-bench-base-'));
execFileSync('git', ['worktree', 'add', '--detach', baseTree, baseCommit], { cwd: head, stdio: 'ignore' });
// The base shares this tree's installed packages: a bench compares our code, not dependency versions.
symlinkSync(join(head, 'node_modules'), join(baseTree, 'node_modules'));
console.log(
  `bench:compare — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}\n` +
    `base ${baseCommit.slice(0, 10)} vs head ${headCommit.slice(0, 10)} (working tree), ${opts.rounds} rounds`,
);

const results: Record<string, { base: Figures[]; head: Figures[] }> = {};
try {
  for (const bench of benches) {
    const runs = (results[bench] = { base: [] as Figures[], head: [] as Figures[] });
    for (let round = 0; round < opts.rounds; round++) {
      // Alternate who goes first, so a machine that slows down over time does not favour one side.
      const order = round % 2 === 0 ? (['base', 'head'] as const) : (['head', 'base'] as const);
      for (const side of order) {
        const tree = side === 'base' ? baseTree : head;
        runs[side].push(await runBench(tree, bench, `${side} (round ${round + 1}/${opts.rounds})`));
      }
    }
  }
} finally {
  execFileSync('git', ['worktree', 'remove', '--force', baseTree], { cwd: head, stdio: 'ignore' });
  rmSync(baseTree, { recursive: true, force: true });
}

const summary: Record<string, Record<string, { base: number; head: number; ratio: number }>> = {};
console.log('\nmedian per revision, and head ÷ base:');
for (const [bench, runs] of Object.entries(results)) {
  summary[bench] = {};
  for (const figure of Object.keys(runs.head[0] ?? {})) {
    const base = median(runs.base.map((r) => r[figure] ?? Number.NaN));
    const headValue = median(runs.head.map((r) => r[figure] ?? Number.NaN));
    if (!Number.isFinite(base) || base === 0) continue;
    const ratio = +(headValue / base).toFixed(3);
    summary[bench][figure] = { base, head: headValue, ratio };
    console.log(
      `  ${`${bench} ${figure}`.padEnd(36)} ${String(base).padStart(8)} → ${String(headValue).padStart(8)}   ×${ratio}`,
    );
  }
}
console.log(
  JSON.stringify({
    bench: 'compare',
    node: process.version,
    base: baseCommit,
    head: headCommit,
    rounds: opts.rounds,
    benchArgs,
    figures: summary,
  }),
);
