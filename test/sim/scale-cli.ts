// npm run sim:scale [-- --sizes 4,16,64,100] [--load-ms 1500] [--tx-per-sec 250] [--members 1000] [--k 4]
// Runs calm networks of each size on the real node code (scale.ts), prints a table of the virtual time
// per height and of the messages and bytes each node sends per height, says where all-to-all vote
// traffic starts to dominate and at what n vote aggregation is needed; then runs --members non-voting
// members dialling k peers each under loss and churn (fanout.ts; 0 skips it) and reports how far
// behind the tip they fell. Ends with one JSON line.
// --tx-per-sec is the national peak projected in docs/SCALE.md (800 tx/s).
import { runFanout } from './fanout.ts';
import { SCALE_SIZES, scaleRun, type ScaleRow } from './scale.ts';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const sizes = (arg('sizes') ?? SCALE_SIZES.join(',')).split(',').map(Number);
const loadMs = Number(arg('load-ms') ?? '1500');
const txPerSec = Number(arg('tx-per-sec') ?? '800');
const members = Number(arg('members') ?? '1000');
const k = Number(arg('k') ?? '4');

const kib = (b: number) => (b / 1024).toFixed(1);
const rows: ScaleRow[] = [];
const started = Date.now();
console.log(
  '| validators | heights | virtual ms/height | msgs/height/node | KiB/height/node | vote msgs | vote KiB | proposal KiB | tx KiB | status msgs | votes share of bytes | proposer upload KiB/height |',
);
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const n of sizes) {
  const row = await scaleRun(n, { loadMs });
  rows.push(row);
  console.log(
    `| ${n} | ${row.heights} | ${row.msPerHeight.toFixed(0)} | ${row.messages.toFixed(0)} | ${kib(row.bytes)} | ${row.messagesByKind.vote.toFixed(0)} | ${kib(row.bytesByKind.vote)} | ${kib(row.bytesByKind.proposal)} | ${kib(row.bytesByKind.txs)} | ${row.messagesByKind.status.toFixed(0)} | ${(100 * row.voteShare).toFixed(0)}% | ${kib(row.proposerUploadBytes)} |`,
  );
  for (const v of row.violations.slice(0, 3)) console.log(`  violation at n=${n}: ${v}`);
}

// Vote bytes per node per height grow linearly in n (each node sends its prevote and precommit to n-1
// peers, and re-gossips them until the height ends); fit bytes = perValidator * n through the runs.
const voteBytesPerValidator =
  rows.reduce((a, r) => a + r.bytesByKind.vote, 0) / rows.reduce((a, r) => a + r.validators, 0);
// What a node receives of the block per height at the projected load: its txs, at the bytes of a tx as
// gossiped (each simulated 'txs' message carries one).
const txMessages = rows.reduce((a, r) => a + r.messagesByKind.txs, 0);
const blockBytesPerTx = txMessages === 0 ? 0 : rows.reduce((a, r) => a + r.bytesByKind.txs, 0) / txMessages;
const last = rows.at(-1);
const msPerHeight = last?.msPerHeight ?? 0;
const txsPerHeightProjected = (txPerSec * msPerHeight) / 1000;
const blockBytesProjected = txsPerHeightProjected * blockBytesPerTx;
const crossoverN = voteBytesPerValidator > 0 ? Math.ceil(blockBytesProjected / voteBytesPerValidator) : NaN;
const dominatesAtSimLoad = rows.find((r) => r.voteShare > 0.5)?.validators ?? null;

console.log('');
console.log(
  `Votes are the larger part of each node's bytes from n=${dominatesAtSimLoad ?? '(none run)'} at the simulated load ` +
    `(${(last?.txsPerHeight ?? 0).toFixed(1)} txs/height); vote bytes per node per height ≈ ${voteBytesPerValidator.toFixed(0)} B × n.`,
);
console.log(
  `At ${txPerSec} tx/s (docs/SCALE.md) and ${msPerHeight.toFixed(0)} ms/height, a block carries ${txsPerHeightProjected.toFixed(0)} txs ` +
    `(≈ ${kib(blockBytesProjected)} KiB at ${blockBytesPerTx.toFixed(0)} B/tx as proposed): all-to-all votes outweigh the block from n ≈ ${crossoverN}.`,
);
console.log(
  `Past that n, each node's traffic is mostly votes and grows as n per height (n² across the network), so vote aggregation ` +
    `(one aggregate signature per step, collected by the proposer) is needed from n ≈ ${crossoverN}; ` +
    `at n=100 a node sends ${kib(100 * voteBytesPerValidator)} KiB of votes per height.`,
);

const fanout = members > 0 ? await runFanout(1, { members, k }) : undefined;
if (fanout !== undefined) {
  console.log('');
  console.log(
    `${members} members dialling ${k} peers each (4 validators, loss and churn): deepest member ${fanout.depthMax} hops from a validator, ` +
      `${fanout.crashes} member crashes, largest lag past a restart's grace ${fanout.maxLagHeights} heights of ${fanout.heights}; ` +
      `${fanout.violations.length === 0 ? 'every member reached the tip' : `FAILED: ${fanout.violations.slice(0, 3).join('; ')}`}.`,
  );
}
console.log(`(${((Date.now() - started) / 1000).toFixed(0)} s wall)`);
console.log(
  JSON.stringify({
    rows: rows.map((r) => ({ ...r, violations: r.violations.length })),
    voteBytesPerValidatorPerHeight: Math.round(voteBytesPerValidator),
    blockBytesPerTx: Math.round(blockBytesPerTx),
    txPerSec,
    voteDominatesFromN: dominatesAtSimLoad,
    aggregationNeededFromN: crossoverN,
    ...(fanout === undefined
      ? {}
      : {
          fanout: {
            members,
            k,
            depthMax: fanout.depthMax,
            maxLagHeights: fanout.maxLagHeights,
            heights: fanout.heights,
            crashes: fanout.crashes,
            violations: fanout.violations.length,
          },
        }),
  }),
);
if (rows.some((r) => r.violations.length > 0) || (fanout?.violations.length ?? 0) > 0) process.exitCode = 1;
