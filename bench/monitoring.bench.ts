// `npm run bench:monitoring`: remote monitoring ingest at one custodian node (issue 18: ≥ 10,000
// readings/s, with chain load bounded by devices, not readings). One in-process custodian node (SQLite,
// real HTTP on loopback); `--patients` patients each wear one registered and bound pulse oximeter, whose
// gateway sends one compact signed batch of `--rate` readings per one-second period as soon as the
// chain's clock has closed it (a device that falls behind catches up as fast as it is answered, so the
// figure is the node's capacity once the offered load exceeds it). Each batch is folded into its Merkle
// root, committed, and only then sealed into the store. Meanwhile a doctor keeps sending deteriorating
// vital signs: alert latency is from the request to the `escalation.opened` event on the doctor's SSE
// stream. Prints readings/s, commits/s, txs per 1000 readings, batch and alert latencies, then one JSON
// line.
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { patientPseudonym } from '../src/app/membership/index.ts';
import type { Reading } from '../src/app/monitoring/batch.ts';
import { BATCHES_PATH, type VitalsAssessedBody } from '../src/contract/monitoring.ts';
import { fhirKeys, startFhirTestNode, testKey } from '../test/harness/fhir-node.ts';
import { openEventStream, postJson } from '../test/harness/http.ts';
import {
  DETERIORATING_VITALS,
  registrationOf,
  signedBatch,
  type TestDevice,
} from '../test/harness/monitoring.ts';
import { numberOption, percentile } from './lib/load.ts';

const patients = numberOption('patients', 100);
const rate = numberOption('rate', 200);
const durationMs = numberOption('seconds', 20) * 1000;
const PERIOD_MS = 1000;

console.log(
  `carechain monitoring bench — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
);
console.log(
  `one custodian node, ${patients} patients with one device each, ${rate} readings per device-second offered (${patients * rate}/s), ${durationMs / 1000} s\n`,
);

process.stdout.write('starting the node, registering and binding the devices… ');
const t = await startFhirTestNode({ chainId: 'carechain-bench-monitoring', listen: true });
const devices: (TestDevice & { patient: ReturnType<typeof testKey> })[] = Array.from(
  { length: patients },
  (_, i) => ({
    systemId: (0x001c050400000000n + BigInt(i)).toString(16).padStart(16, '0'),
    device: testKey(`bench device ${i}`),
    gateway: testKey('bench gateway'),
    patient: testKey(`bench patient ${i}`),
  }),
);
await Promise.all(
  devices.map((d) => t.submit(d.patient, 'membership.registerPatient', { custodianOrgId: 'hospital' })),
);
// One administrator signs every registration: one after another, so each gets the next nonce.
for (const d of devices)
  await t.submit(fhirKeys.hospitalAdmin, 'monitoring.registerDevice', registrationOf(d));
await Promise.all(devices.map((d) => t.submit(d.patient, 'monitoring.bindDevice', { systemId: d.systemId })));
const chainTimeMs = () => t.node.ledger.tip().header?.timeMs ?? 0;
const firstPeriod = Math.floor(chainTimeMs() / PERIOD_MS) * PERIOD_MS + PERIOD_MS;
console.log('done');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function readingsOf(i: number, startMs: number): Reading[] {
  return Array.from({ length: rate }, (_, k) => ({
    id: `b${i}-${startMs}-${k}`,
    code: k % 2 === 0 ? '150456' : '149530',
    value: k % 2 === 0 ? String(94 + (k % 5)) : String(70 + (k % 9)),
    unit: k % 2 === 0 ? '%' : '/min',
    timeMs: startMs + Math.floor((k * PERIOD_MS) / rate),
  }));
}

let stop = false;
const latencies: number[] = [];
let readingsCommitted = 0;
let batchesCommitted = 0;
let failed = 0;
const heightBefore = t.node.ledger.tip().height;
async function device(i: number): Promise<void> {
  const d = devices[i]!;
  const context = { chainId: t.chainId, patient: patientPseudonym(d.patient.publicKey) };
  for (let startMs = firstPeriod; !stop; startMs += PERIOD_MS) {
    while (!stop && chainTimeMs() < startMs + PERIOD_MS) await sleep(20);
    if (stop) return;
    const batch = signedBatch(context, d, { startMs, ms: PERIOD_MS }, readingsOf(i, startMs));
    const sentAt = performance.now();
    const answer = await postJson(`${t.url}${BATCHES_PATH}`, batch);
    if (stop) return;
    if (answer.status !== 200) {
      failed++;
      continue;
    }
    latencies.push(performance.now() - sentAt);
    batchesCommitted++;
    readingsCommitted += rate;
  }
}

const deteriorating = DETERIORATING_VITALS;
const alertLatencies: number[] = [];
async function alerts(): Promise<void> {
  const stream = await openEventStream<{ kind: string; escalation: { escalationId: string } }>(
    `${t.url}/api/v1/monitoring/alerts`,
    'escalation',
    t.tokens.doctor,
  );
  try {
    for (let n = 0; !stop; n++) {
      const d = devices[n % devices.length]!;
      const sentAt = performance.now();
      const answer = await postJson(
        `${t.url}/api/v1/monitoring/devices/${d.systemId}/vitals`,
        deteriorating,
        t.tokens.doctor,
      );
      const assessed = answer.status === 200 ? (answer.body as VitalsAssessedBody) : undefined;
      const id = assessed?.escalation?.escalationId;
      if (id === undefined) continue;
      const seen = () => stream.events.some((e) => e.escalation.escalationId === id);
      while (!seen() && !stop) await sleep(2);
      if (seen()) alertLatencies.push(performance.now() - sentAt);
      await sleep(200);
    }
  } finally {
    stream.close();
  }
}

const started = performance.now();
const cpuBefore = process.cpuUsage();
const running = [...devices.map((_, i) => device(i)), alerts()];
await sleep(durationMs);
stop = true;
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
await Promise.allSettled(running);
const blocks = t.node.ledger.tip().height - heightBefore;
await t.close();

latencies.sort((a, b) => a - b);
alertLatencies.sort((a, b) => a - b);
const readingsPerSec = readingsCommitted / seconds;
const commitsPerSec = batchesCommitted / seconds;
// CPU time (user + system) of this process per reading: the node and the simulated gateways together.
// On a shared machine it moves far less than readings/s, so before/after comparisons read it first.
const cpuUsPerReading = (cpu.user + cpu.system) / Math.max(1, readingsCommitted);
console.log(`readings committed and stored   ${readingsPerSec.toFixed(0).padStart(7)} readings/s`);
console.log(
  `batch commitments               ${commitsPerSec.toFixed(1).padStart(7)} commits/s (${blocks} blocks, ${failed} failed)`,
);
console.log(
  `chain load                      ${((1000 * batchesCommitted) / Math.max(1, readingsCommitted)).toFixed(2).padStart(7)} txs per 1000 readings`,
);
console.log(`CPU per reading (node+gateways) ${cpuUsPerReading.toFixed(1).padStart(7)} µs`);
console.log(
  `batch latency (send → stored)   p50 ${percentile(latencies, 50).toFixed(0)} ms   p99 ${percentile(latencies, 99).toFixed(0)} ms`,
);
console.log(
  `alert latency (vitals → SSE)    p50 ${percentile(alertLatencies, 50).toFixed(0)} ms   p99 ${percentile(alertLatencies, 99).toFixed(0)} ms (${alertLatencies.length} alerts)`,
);
console.log(
  JSON.stringify({
    bench: 'monitoring',
    node: process.version,
    patients,
    readingsPerDeviceSecond: rate,
    seconds: Math.round(seconds),
    readingsPerSec: Math.round(readingsPerSec),
    commitsPerSec: Number(commitsPerSec.toFixed(1)),
    txsPer1000Readings: Number(((1000 * batchesCommitted) / Math.max(1, readingsCommitted)).toFixed(2)),
    cpuUsPerReading: Number(cpuUsPerReading.toFixed(1)),
    batchP99Ms: Math.round(percentile(latencies, 99)),
    alertP50Ms: Math.round(percentile(alertLatencies, 50)),
    alertP99Ms: Math.round(percentile(alertLatencies, 99)),
    failed,
  }),
);
