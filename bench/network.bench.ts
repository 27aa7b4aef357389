// `npm run bench:network`: four carechain validators on loopback (real processes, mutual TLS, SQLite),
// closed-loop clients submitting one signed tx per request over the public API and waiting for the
// commit. Prints committed tx/s, submit-to-final latency and the validators' CPU time per committed tx;
// the raw Ed25519 verify rates of node:crypto and @noble/curves; and, where etcd is installed, the same
// load as puts against a 3-member etcd cluster through its native gRPC client (npm etcd3) and through
// its JSON gateway (`--etcd 0` skips it, for profiling runs). Ends with one JSON line of all figures.
import { cpus } from 'node:os';
import { tempDir } from '../test/harness/chain.ts';
import { getJson, heightOf } from '../test/harness/http.ts';
import { enrolKeys, presignAnchors, startBenchNetwork, submitCommitted } from './lib/chain-load.ts';
import { cpuMicrosOfAll } from './lib/cpu.ts';
import { etcdGrpcClients, etcdInstalled, etcdPut, startEtcdCluster } from './lib/etcd.ts';
import { closedLoop, loadOptions, numberOption, type LoadResult } from './lib/load.ts';
import { measureVerifyRates } from './lib/verify-rate.ts';

const { concurrency, durationMs, warmupMs } = loadOptions({ concurrency: 256, seconds: 20, warmup: 5 });

function report(label: string, r: LoadResult): void {
  console.log(
    `${label.padEnd(30)} ${r.perSecond.toFixed(0).padStart(7)} /s   p50 ${r.p50Ms.toFixed(0)} ms   p99 ${r.p99Ms.toFixed(0)} ms   (${r.completed} ok, ${r.failed} failed)`,
  );
}

const round = (x: number, digits = 3): number => +x.toFixed(digits);

console.log(
  `carechain network bench — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
);
console.log(
  `4 validators on loopback, ${concurrency} closed-loop clients, ${durationMs / 1000} s after ${warmupMs / 1000} s warm-up\n`,
);

// Same-run baseline: raw Ed25519 verification on this machine, one core.
const verifyRates = measureVerifyRates();
console.log(`raw Ed25519 verify: node:crypto ${verifyRates.nodeCryptoPerSec.toFixed(0)} /s`);
console.log(`                    @noble/curves ${verifyRates.noblePerSec.toFixed(0)} /s`);

const bench = await startBenchNetwork('carechain-bench-net-');
const { net, chainId } = bench;
// Enough for 1.5 × the target of 4,000 tx/s (a client that runs out counts as failed, so it shows):
// signing more up front took minutes on a shared machine.
const perClient = Math.ceil((((durationMs + warmupMs) / 1000) * 6_000) / concurrency) + 10;
const { keys, txs } = presignAnchors(chainId, concurrency, perClient);
await enrolKeys(net.apiUrls, chainId, keys);
const txBytes = JSON.stringify(txs[0]![0]).length;

// The validators' CPU time over exactly the measured window, divided by the txs committed in it (the
// growth of the tx log, read at both ends of the window; the requests counted by the closed loop leave
// out those that straddle an end of the window).
const pids = bench.nodes.map((n) => n.child.pid);
const logSizeNow = async (): Promise<number> =>
  ((await getJson(`${net.apiUrls[0]}/api/v1/status`)) as { logSize: number }).logSize;
let cpuAtStart = 0;
let cpuAtEnd = 0;
let logAtStart: Promise<number> = Promise.resolve(0);
let logAtEnd: Promise<number> = Promise.resolve(0);
const carechain = await closedLoop(
  concurrency,
  warmupMs,
  durationMs,
  async (c, i) => {
    const tx = txs[c]![i];
    return tx !== undefined && submitCommitted(net.apiUrls[c % net.apiUrls.length]!, tx);
  },
  {
    onStart: () => {
      cpuAtStart = cpuMicrosOfAll(pids);
      logAtStart = logSizeNow();
    },
    onEnd: () => {
      cpuAtEnd = cpuMicrosOfAll(pids);
      logAtEnd = logSizeNow();
    },
  },
);
report('carechain committed txs', carechain);
const committedInWindow = (await logAtEnd) - (await logAtStart);
const cpuMicrosPerTxPerNode = (cpuAtEnd - cpuAtStart) / Math.max(1, committedInWindow) / pids.length;
console.log(
  `validators' CPU per committed tx: ${cpuMicrosPerTxPerNode.toFixed(0)} µs per node (${committedInWindow} txs committed in the window)`,
);
const finalHeight = await heightOf(net.apiUrls[0]!);
await bench.close();

let etcdGrpc: LoadResult | undefined;
let etcdJson: LoadResult | undefined;
if (numberOption('etcd', 1) === 0) {
  console.log('etcd comparison skipped (--etcd 0)');
} else if (etcdInstalled()) {
  const etcdRoot = tempDir('carechain-bench-etcd-');
  const cluster = await startEtcdCluster(etcdRoot.path);
  const filler = 'ab'.repeat(32);
  const value = filler.repeat(Math.ceil(txBytes / filler.length)).slice(0, txBytes);
  const grpc = etcdGrpcClients(cluster.clientUrls);
  etcdGrpc = await closedLoop(concurrency, warmupMs, durationMs, (c, i) =>
    grpc.put(c, `bench/grpc/${c}/${i}`, value),
  );
  grpc.close();
  report(`etcd gRPC puts (${txBytes} B)`, etcdGrpc);
  etcdJson = await closedLoop(concurrency, warmupMs, durationMs, (c, i) =>
    etcdPut(cluster.clientUrls[c % cluster.clientUrls.length]!, `bench/json/${c}/${i}`, value),
  );
  report(`etcd JSON-gateway puts`, etcdJson);
  await cluster.stop();
  etcdRoot.remove();
} else {
  console.log('etcd not installed (apt-get install etcd-server): comparison skipped');
}

const toRawVerify = carechain.perSecond / verifyRates.nodeCryptoPerSec;
console.log(`\nratio carechain tx/s ÷ raw node:crypto verify/s: ${toRawVerify.toFixed(3)}`);
if (etcdGrpc && etcdJson) {
  console.log(`ratio carechain ÷ etcd gRPC: ${(carechain.perSecond / etcdGrpc.perSecond).toFixed(3)}`);
  console.log(
    `ratio carechain ÷ etcd JSON gateway: ${(carechain.perSecond / etcdJson.perSecond).toFixed(3)}`,
  );
}
console.log(
  JSON.stringify({
    bench: 'network',
    node: process.version,
    validators: 4,
    concurrency,
    seconds: durationMs / 1000,
    txBytes,
    committedTxPerSec: Math.round(carechain.perSecond),
    p50Ms: Math.round(carechain.p50Ms),
    p99Ms: Math.round(carechain.p99Ms),
    failed: carechain.failed,
    finalHeight,
    committedInWindow,
    cpuMicrosPerTxPerNode: Math.round(cpuMicrosPerTxPerNode),
    rawEd25519VerifyPerSec: Math.round(verifyRates.nodeCryptoPerSec),
    rawNobleEd25519VerifyPerSec: Math.round(verifyRates.noblePerSec),
    toRawVerify: round(toRawVerify),
    etcdGrpcPutsPerSec: etcdGrpc ? Math.round(etcdGrpc.perSecond) : null,
    etcdGrpcP99Ms: etcdGrpc ? Math.round(etcdGrpc.p99Ms) : null,
    toEtcdGrpc: etcdGrpc ? round(carechain.perSecond / etcdGrpc.perSecond) : null,
    etcdPutsPerSec: etcdJson ? Math.round(etcdJson.perSecond) : null,
    etcdP50Ms: etcdJson ? Math.round(etcdJson.p50Ms) : null,
    etcdP99Ms: etcdJson ? Math.round(etcdJson.p99Ms) : null,
    toEtcd: etcdJson ? round(carechain.perSecond / etcdJson.perSecond) : null,
  }),
);
