// `npm run bench:witness`: the latency of a tlog-witness add-checkpoint (issue 15's target: p99 ≤ 5 ms).
// A log of --checkpoints growth steps (1 to 64 leaves each, in a memory Merkle tree) is signed as a
// carechain log signs its checkpoints, and each step is sent to a witness (services/witness/witness.ts)
// with its consistency proof over loopback HTTP, one request at a time: the witness parses the note,
// verifies the log signature and the proof, cosigns, and writes its new head to real SQLite with
// synchronous=FULL before it answers. Reported: HTTP round trip and the witness's own handling time
// (p50, p99), and its CPU time per request; the last line is JSON.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fromHex } from '../src/core/bytes.ts';
import {
  formatCheckpoint,
  formatNote,
  SIG_COSIGNATURE_V1,
  SIG_ED25519,
  signNoteLine,
  toBase64,
  verifier,
} from '../src/core/c2sp/index.ts';
import {
  appendLeaves,
  consistencyProof,
  leafHash,
  MemoryLogNodeStore,
  rootAt,
} from '../src/core/merkle/index.ts';
import { generateKeyPair } from '../src/node/keys.ts';
import { SqliteStorage } from '../src/node/storage/index.ts';
import { WitnessStateStore } from '../src/node/storage/witness-state.ts';
import { Witness } from '../src/services/witness/witness.ts';
import { numberOption } from './lib/load.ts';

const checkpoints = numberOption('checkpoints', 2000);
const origin = 'carechain.local/bench-witness';
const logKey = generateKeyPair();
const witnessKey = generateKeyPair();
const log = verifier(origin, SIG_ED25519, fromHex(logKey.publicKey));
const dir = mkdtempSync(join(tmpdir(), 'carechain-witness-bench-'));
const storage = new SqliteStorage(dir);
const witness = new Witness(
  {
    seed: witnessKey.seed,
    cosigner: verifier('bench-witness', SIG_COSIGNATURE_V1, fromHex(witnessKey.publicKey)),
    logs: (o) => (o === origin ? [log] : undefined),
  },
  { store: new WitnessStateStore(storage.open('witness')), nowMs: () => Date.now() },
);

const handling: number[] = [];
let cpuMicros = 0;
const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (c: Buffer) => chunks.push(c));
  request.on('end', () => {
    const cpu = process.cpuUsage();
    const start = performance.now();
    const answer = witness.addCheckpoint(Buffer.concat(chunks).toString('utf8'));
    handling.push(performance.now() - start);
    const used = process.cpuUsage(cpu);
    cpuMicros += used.user + used.system;
    response.writeHead(answer.status, { 'content-type': answer.contentType }).end(answer.body);
  });
});
await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
const address = server.address();
const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/add-checkpoint`;

const tree = new MemoryLogNodeStore();
let size = 0;
let cosignedSize = 0;
const roundTrips: number[] = [];
for (let i = 0; i < checkpoints; i++) {
  const leaves = Array.from({ length: 1 + (randomBytes(1)[0]! % 64) }, () => leafHash(randomBytes(32)));
  size = appendLeaves(tree, size, leaves);
  const text = formatCheckpoint({ origin, size, rootHash: rootAt(tree, size) });
  const note = formatNote(text, [signNoteLine(logKey.seed, log, text)]);
  const proof = cosignedSize === 0 ? [] : consistencyProof(tree, cosignedSize, size);
  const body = `old ${cosignedSize}\n${proof.map((h) => `${toBase64(h)}\n`).join('')}\n${note}`;
  const start = performance.now();
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body });
  await response.text();
  roundTrips.push(performance.now() - start);
  if (response.status !== 200) throw new Error(`checkpoint ${size} answered ${response.status}`);
  cosignedSize = size;
}
server.close();
storage.close();
rmSync(dir, { recursive: true, force: true });

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const round = (ms: number) => Math.round(ms * 1000) / 1000;
const result = {
  bench: 'witness-add-checkpoint',
  checkpoints,
  finalLogSize: size,
  httpP50Ms: round(percentile(roundTrips, 50)),
  httpP99Ms: round(percentile(roundTrips, 99)),
  handlingP50Ms: round(percentile(handling, 50)),
  handlingP99Ms: round(percentile(handling, 99)),
  cpuMicrosPerRequest: Math.round(cpuMicros / checkpoints),
  targetP99Ms: 5,
};
console.log(
  `add-checkpoint over HTTP: p50 ${result.httpP50Ms} ms, p99 ${result.httpP99Ms} ms; in the witness: p50 ${result.handlingP50Ms} ms, p99 ${result.handlingP99Ms} ms (target p99 ≤ 5 ms), ${result.cpuMicrosPerRequest} µs CPU per request`,
);
console.log(JSON.stringify(result));
