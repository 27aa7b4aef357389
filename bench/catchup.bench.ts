// `npm run bench:catchup [-- --txs 100000 --concurrency 256]`: four validators on loopback; one is
// stopped, the other three commit `--txs` signed txs, and the stopped one is restarted that far behind.
// It fetches the blocks by block sync and checks each one as it would a proposal (commit signatures,
// every tx's signature, re-execution) before storing it. Reports the verified tx/s of that catch-up,
// from the moment its API answers (sync) and from its spawn (including start-up), and its CPU time per
// synced tx. Ends with one JSON line.
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { getJson } from '../test/harness/http.ts';
import { startNodeProcess } from '../test/harness/process.ts';
import { enrolKeys, presignAnchors, startBenchNetwork, submitCommitted } from './lib/chain-load.ts';
import { cpuMicrosOf } from './lib/cpu.ts';
import { numberOption } from './lib/load.ts';

const behindTxs = numberOption('txs', 10_000);
const concurrency = numberOption('concurrency', 256);

interface Status {
  readonly height: number;
  readonly logSize: number;
}
async function statusOf(apiUrl: string): Promise<Status> {
  const status = (await getJson(`${apiUrl}/api/v1/status`)) as Status;
  return status;
}

console.log(
  `carechain catch-up bench — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
);
console.log(`a validator restarted ${behindTxs} txs behind three others\n`);

const bench = await startBenchNetwork('carechain-bench-catchup-');
const { net, chainId } = bench;
const perClient = Math.ceil(behindTxs / concurrency);
const { keys, txs } = presignAnchors(chainId, concurrency, perClient);
const live = net.apiUrls.slice(0, 3);
await enrolKeys(live, chainId, keys);

const laggard = 3;
process.stdout.write('stopping one validator… ');
bench.nodes[laggard]!.child.kill('SIGTERM');
await bench.nodes[laggard]!.exited;
const stoppedAt = await statusOf(live[0]!);
console.log(`stopped at height ${stoppedAt.height}`);

process.stdout.write(`committing ${perClient * concurrency} txs on the other three… `);
const t0 = performance.now();
let failed = 0;
await Promise.all(
  txs.map(async (clientTxs, c) => {
    for (const tx of clientTxs) {
      if (!(await submitCommitted(live[c % live.length]!, tx).catch(() => false))) failed++;
    }
  }),
);
const target = await statusOf(live[0]!);
const behind = target.logSize - stoppedAt.logSize;
console.log(`done in ${((performance.now() - t0) / 1000).toFixed(0)} s (${failed} not committed)`);
console.log(`the stopped validator is ${behind} txs and ${target.height - stoppedAt.height} blocks behind`);

const spawnedAt = performance.now();
const restarting = startNodeProcess(net.dirs[laggard]!);
const laggardUrl = net.apiUrls[laggard]!;
let first: { at: number; logSize: number } | undefined;
let reached: number | undefined;
for (;;) {
  const status = await statusOf(laggardUrl).catch(() => undefined);
  const at = performance.now();
  if (status !== undefined) {
    first ??= { at, logSize: status.logSize };
    if (status.height >= target.height) {
      reached = at;
      break;
    }
  }
  await new Promise((r) => setTimeout(r, 50));
}
const restarted = await restarting;
bench.nodes[laggard] = restarted;
const cpuMicros = cpuMicrosOf(restarted.child.pid);
await bench.close();

const syncedInWindow = target.logSize - first.logSize;
const syncSeconds = (reached - first.at) / 1000;
const totalSeconds = (reached - spawnedAt) / 1000;
const syncTxPerSec = syncSeconds > 0 ? syncedInWindow / syncSeconds : null;
const catchUpTxPerSec = behind / totalSeconds;
const cpuMicrosPerSyncedTx = cpuMicros / Math.max(1, behind);
console.log(
  `\nblock sync after the API answered: ${syncedInWindow} txs in ${syncSeconds.toFixed(1)} s = ${syncTxPerSec?.toFixed(0) ?? 'n/a (caught up before its API answered)'} verified tx/s`,
);
console.log(
  `from spawn (start-up included): ${behind} txs in ${totalSeconds.toFixed(1)} s = ${catchUpTxPerSec.toFixed(0)} tx/s`,
);
console.log(
  `restarted validator's CPU (start-up included): ${cpuMicrosPerSyncedTx.toFixed(0)} µs per synced tx`,
);
console.log(
  JSON.stringify({
    bench: 'catchup',
    node: process.version,
    behindTxs: behind,
    behindBlocks: target.height - stoppedAt.height,
    syncTxPerSec: syncTxPerSec === null ? null : Math.round(syncTxPerSec),
    catchUpTxPerSec: Math.round(catchUpTxPerSec),
    cpuMicrosPerSyncedTx: Math.round(cpuMicrosPerSyncedTx),
    notCommitted: failed,
  }),
);
