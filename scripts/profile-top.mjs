// Summarises V8 CPU profiles (`node --cpu-prof`, e.g. CARECHAIN_NODE_FLAGS="--cpu-prof --cpu-prof-dir=DIR"
// for the benches' node processes) into the shares bench/RESULTS.md quotes: where the busy time goes,
// by self time and by inclusive time (a function counted once per sample it is on the stack of).
// Usage: node scripts/profile-top.mjs DIR_OR_FILES… [--top N] [--match TEXT,TEXT…]
//   --match keeps only functions whose name or file contains one of the texts (for a named breakdown).
// Shares are of busy samples (idle, program and garbage-collector samples are counted apart), summed over
// all the profiles given, so four validators' profiles give the network's split.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

const args = process.argv.slice(2);
const top = Number(valueOf('--top') ?? 25);
const matches = (valueOf('--match') ?? '').split(',').filter(Boolean);
const inputs = args.filter(
  (a, i) => !a.startsWith('--') && !['--top', '--match'].includes(args[i - 1] ?? ''),
);
if (inputs.length === 0) {
  console.error('usage: node scripts/profile-top.mjs DIR_OR_FILES… [--top N] [--match TEXT,TEXT…]');
  process.exit(2);
}

function valueOf(flag) {
  const i = args.indexOf(flag);
  return i < 0 ? undefined : args[i + 1];
}

const files = inputs.flatMap((p) =>
  statSync(p).isDirectory()
    ? readdirSync(p)
        .filter((f) => f.endsWith('.cpuprofile'))
        .map((f) => join(p, f))
    : [p],
);

const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);
const self = new Map();
const inclusive = new Map();
const special = new Map();
let busy = 0;

for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = (n) => {
    const { functionName, url, lineNumber } = n.callFrame;
    const where = url ? `${basename(url)}:${lineNumber + 1}` : '';
    return `${functionName || '(anonymous)'} ${where}`.trim();
  };
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const leaf = byId.get(id);
    const name = leaf.callFrame.functionName;
    if (SPECIAL.has(name)) {
      special.set(name, (special.get(name) ?? 0) + ms);
      if (name !== '(idle)') busy += ms;
      return;
    }
    busy += ms;
    self.set(keyOf(leaf), (self.get(keyOf(leaf)) ?? 0) + ms);
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const key = keyOf(byId.get(at));
      if (seen.has(key) || SPECIAL.has(byId.get(at).callFrame.functionName)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + ms);
    }
  });
}

const pct = (ms) => `${((100 * ms) / busy).toFixed(1).padStart(5)} %`;
const keep = (key) => matches.length === 0 || matches.some((m) => key.includes(m));
const table = (title, map) => {
  console.log(`\n${title}`);
  for (const [key, ms] of [...map]
    .filter(([k]) => keep(k))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)) {
    console.log(`${pct(ms)}  ${(ms / 1000).toFixed(2).padStart(8)} s  ${key}`);
  }
};
console.log(`${files.length} profile(s), busy ${(busy / 1000).toFixed(1)} s`);
for (const [name, ms] of special) console.log(`  ${name.padEnd(22)} ${(ms / 1000).toFixed(2)} s`);
table('self time (share of busy)', self);
table('inclusive time (share of busy)', inclusive);
