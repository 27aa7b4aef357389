// `npm run bench:network`: four carechain validators on loopback (real processes, mutual TLS, SQLite),
// closed-loop clients submitting one signed tx per request over the public API and waiting for the
// commit. Prints committed tx/s and submit-to-final latency, the ratio to this machine's Ed25519 verify
// rate, and, where etcd is installed, the same load as puts against a 3-member etcd cluster. Ends with
// one JSON line of all figures.
import { createHash, generateKeyPairSync, sign, verify } from 'node:crypto';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { signTx, type SignedTx } from '../src/core/tx.ts';
import { generateKeyPair } from '../src/node/keys.ts';
import { tempDir } from '../test/harness/chain.ts';
import { getJson, waitFor } from '../test/harness/http.ts';
import { makeNetwork } from '../test/harness/network.ts';
import { startNodeProcess } from '../test/harness/process.ts';
import { etcdInstalled, etcdPut, startEtcdCluster } from './lib/etcd.ts';
import { closedLoop, loadOptions, type LoadResult } from './lib/load.ts';

const { concurrency, durationMs, warmupMs } = loadOptions({ concurrency: 256, seconds: 20, warmup: 5 });

function report(label: string, r: LoadResult): void {
  console.log(
    `${label.padEnd(30)} ${r.perSecond.toFixed(0).padStart(7)} /s   p50 ${r.p50Ms.toFixed(0)} ms   p99 ${r.p99Ms.toFixed(0)} ms   (${r.completed} ok, ${r.failed} failed)`,
  );
}

console.log(
  `carechain network bench — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
);
console.log(
  `4 validators on loopback, ${concurrency} closed-loop clients, ${durationMs / 1000} s after ${warmupMs / 1000} s warm-up\n`,
);

// Same-run baseline: raw Ed25519 verification on this machine.
const raw = generateKeyPairSync('ed25519');
const msg = createHash('sha256').update('x').digest();
const sig = sign(null, msg, raw.privateKey);
let verifies = 0;
const t0 = performance.now();
while (performance.now() - t0 < 1000) {
  verify(null, msg, raw.publicKey, sig);
  verifies++;
}
const verifyPerSec = verifies / ((performance.now() - t0) / 1000);
console.log(`raw node:crypto Ed25519 verify: ${verifyPerSec.toFixed(0)} /s`);

const root = tempDir('carechain-bench-net-');
const net = await makeNetwork(root.path, ['hospital', 'clinic', 'pharmacy', 'insurer']);
process.stdout.write('starting 4 validators… ');
const nodes = await Promise.all(net.dirs.map((dir) => startNodeProcess(dir)));
const chainId = ((await getJson(`${net.apiUrls[0]}/api/v1/status`)) as { chainId: string }).chainId;
await waitFor(
  async () => ((await getJson(`${net.apiUrls[3]}/api/v1/status`)) as { height: number }).height >= 2,
  60_000,
);
console.log('up');

// Pre-sign each client's txs so the measurement is of the network, not of the client's signing.
const perClient = Math.ceil((((durationMs + warmupMs) / 1000) * 12_000) / concurrency) + 10;
process.stdout.write(`pre-signing ${perClient * concurrency} txs… `);
const payloadValue = 'ab'.repeat(32);
const keys = Array.from({ length: concurrency }, () => generateKeyPair());
const txs: SignedTx[][] = keys.map((key, c) =>
  Array.from({ length: perClient }, (_, i) =>
    signTx(key.seed, {
      chainId,
      type: 'notary.anchor',
      payload: { digest: createHash('sha256').update(`${c}/${i}`).digest('hex'), kind: 'document' },
      nonce: i + 2,
    }),
  ),
);
console.log('done');

// Each client's key enrols first (nonce 1), outside the measurement: a key the network does not know
// may send nothing else, and enrolments are rate-limited per client address (retried after 429).
process.stdout.write(`enrolling ${concurrency} client keys… `);
await Promise.all(
  keys.map(async (key, c) => {
    const tx = signTx(key.seed, { chainId, type: 'membership.registerPatient', payload: {}, nonce: 1 });
    for (;;) {
      const response = await fetch(`${net.apiUrls[c % net.apiUrls.length]}/api/v1/txs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(tx),
      });
      if (response.status !== 429) return;
      await new Promise((r) => setTimeout(r, 1000 * Number(response.headers.get('retry-after') ?? 1)));
    }
  }),
);
console.log('done');
const payloadBytes = JSON.stringify(txs[0]![0]).length;

const carechain = await closedLoop(concurrency, warmupMs, durationMs, async (c, i) => {
  const tx = txs[c]![i];
  if (tx === undefined) return false;
  const response = await fetch(`${net.apiUrls[c % net.apiUrls.length]}/api/v1/txs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(tx),
  });
  const body = (await response.json()) as { status?: string };
  return response.status === 200 && body.status === 'committed';
});
report('carechain committed txs', carechain);
const finalHeight = ((await getJson(`${net.apiUrls[0]}/api/v1/status`)) as { height: number }).height;
for (const node of nodes) node.child.kill('SIGTERM');
await Promise.all(nodes.map((n) => n.exited));
root.remove();

let etcd: LoadResult | undefined;
if (etcdInstalled()) {
  const etcdRoot = tempDir('carechain-bench-etcd-');
  const cluster = await startEtcdCluster(etcdRoot.path);
  const value = payloadValue.repeat(Math.ceil(payloadBytes / payloadValue.length)).slice(0, payloadBytes);
  etcd = await closedLoop(concurrency, warmupMs, durationMs, (c, i) =>
    etcdPut(cluster.clientUrls[c % cluster.clientUrls.length]!, `bench/${c}/${i}`, value),
  );
  report(`etcd puts (${payloadBytes} B)`, etcd);
  await cluster.stop();
  etcdRoot.remove();
} else {
  console.log('etcd not installed (apt-get install etcd-server): comparison skipped');
}

console.log(
  `\nratio carechain tx/s ÷ raw Ed25519 verify/s: ${(carechain.perSecond / verifyPerSec).toFixed(3)}`,
);
if (etcd) console.log(`ratio carechain ÷ etcd: ${(carechain.perSecond / etcd.perSecond).toFixed(3)}`);
console.log(
  JSON.stringify({
    bench: 'network',
    node: process.version,
    validators: 4,
    concurrency,
    seconds: durationMs / 1000,
    txBytes: payloadBytes,
    committedTxPerSec: Math.round(carechain.perSecond),
    p50Ms: Math.round(carechain.p50Ms),
    p99Ms: Math.round(carechain.p99Ms),
    failed: carechain.failed,
    finalHeight,
    rawEd25519VerifyPerSec: Math.round(verifyPerSec),
    toRawVerify: +(carechain.perSecond / verifyPerSec).toFixed(3),
    etcdPutsPerSec: etcd ? Math.round(etcd.perSecond) : null,
    etcdP50Ms: etcd ? Math.round(etcd.p50Ms) : null,
    etcdP99Ms: etcd ? Math.round(etcd.p99Ms) : null,
    toEtcd: etcd ? +(carechain.perSecond / etcd.perSecond).toFixed(3) : null,
  }),
);
