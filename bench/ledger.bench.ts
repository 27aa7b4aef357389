// `npm run bench`: ledger-core throughput on this machine. Every figure is also given as a ratio to the
// raw node:crypto Ed25519 or SHA-256 rate measured in the same run, since this machine is noisy and
// ratios travel better than absolute numbers. Ends with one JSON line of all figures.
import { createHash, generateKeyPairSync, sign, verify } from 'node:crypto';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { backend as nobleBackend } from '../src/core/crypto/backend-noble.ts';
import { sha256 } from '../src/core/crypto/index.ts';
import {
  appendLeaves,
  inclusionProof,
  leafHash,
  MemoryLogNodeStore,
  rootAt,
  verifyInclusion,
} from '../src/core/merkle/index.ts';
import { checkTxStateless, signTx } from '../src/core/tx.ts';
import { anchorTx, clientKey, openTestChain, tempDir, TEST_CHAIN_ID } from '../test/harness/chain.ts';
import { keyPairFromSeed } from '../src/node/keys.ts';
import { PostgresStorage } from '../src/node/storage/index.ts';
import { postgresUnavailable, startPostgres } from '../test/harness/postgres.ts';

const quick = process.argv.includes('--quick');
const LOG_LEAVES = quick ? 100_000 : 1_000_000;

/** Runs fn repeatedly for about durationMs and returns operations per second. */
function rate(fn: (i: number) => void, durationMs = quick ? 300 : 1500): number {
  for (let i = 0; i < 50; i++) fn(i); // warm-up
  let ops = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < durationMs) {
    for (let i = 0; i < 100; i++) fn(ops++);
    elapsed = performance.now() - start;
  }
  return (ops / elapsed) * 1000;
}

function say(label: string, value: number, unit: string, ratio?: [number, string]): void {
  const extra = ratio ? `  (${(value / ratio[0]).toFixed(3)} × ${ratio[1]})` : '';
  console.log(
    `${label.padEnd(44)} ${Math.round(value).toLocaleString('en-US').padStart(12)} ${unit}${extra}`,
  );
}

console.log(
  `carechain ledger bench — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
);
console.log(quick ? '(quick mode: smaller log, shorter runs)\n' : '');

// Baselines: raw node:crypto.
const raw = generateKeyPairSync('ed25519');
const message = new Uint8Array(200).fill(7);
const rawSignature = sign(null, message, raw.privateKey);
const rawSignPerSec = rate(() => sign(null, message, raw.privateKey));
const rawVerifyPerSec = rate(() => verify(null, message, raw.publicKey, rawSignature));
const leaf32 = new Uint8Array(65);
const rawSha256PerSec = rate(() => createHash('sha256').update(leaf32).digest());
say('raw node:crypto Ed25519 sign', rawSignPerSec, 'ops/s');
say('raw node:crypto Ed25519 verify', rawVerifyPerSec, 'ops/s');
say('raw node:crypto SHA-256 (65-byte input)', rawSha256PerSec, 'ops/s');

// Transactions: sign (canonical encoding + domain separation + Ed25519) and stateless check.
const key = keyPairFromSeed(sha256(new TextEncoder().encode('bench')));
const tx = signTx(key.seed, {
  chainId: TEST_CHAIN_ID,
  type: 'notary.anchor',
  payload: { digest: 'ab'.repeat(32), kind: 'document' },
  nonce: 1,
});
const txJson = JSON.parse(JSON.stringify(tx)) as unknown;
const txSignPerSec = rate((i) =>
  signTx(key.seed, {
    chainId: TEST_CHAIN_ID,
    type: 'notary.anchor',
    payload: { digest: 'ab'.repeat(32), kind: 'document' },
    nonce: i + 1,
  }),
);
const txVerifyPerSec = rate(() => checkTxStateless(txJson, TEST_CHAIN_ID));
say('tx sign (encode + Ed25519)', txSignPerSec, 'tx/s', [rawSignPerSec, 'raw sign']);
say('tx stateless check (parse + encode + verify)', txVerifyPerSec, 'tx/s', [rawVerifyPerSec, 'raw verify']);
const nobleSig = nobleBackend.ed25519Sign(key.seed, message);
const nobleKey = nobleBackend.ed25519PublicKey(key.seed);
const nobleVerifyPerSec = rate(
  () => nobleBackend.ed25519Verify(nobleKey, message, nobleSig),
  quick ? 300 : 800,
);
say('@noble Ed25519 verify (browser backend)', nobleVerifyPerSec, 'ops/s', [rawVerifyPerSec, 'raw verify']);

// Merkle log: appends, then proofs at LOG_LEAVES leaves.
process.stdout.write(`\nbuilding a ${LOG_LEAVES.toLocaleString('en-US')}-leaf log…`);
const log = new MemoryLogNodeStore();
const leaves: Uint8Array[] = [];
for (let i = 0; i < 4096; i++) leaves.push(leafHash(new Uint8Array([i & 255, i >> 8, 1, 2])));
const appendStart = performance.now();
let size = 0;
while (size < LOG_LEAVES) {
  const batch = leaves.slice(0, Math.min(leaves.length, LOG_LEAVES - size));
  size = appendLeaves(log, size, batch);
  if (size % 200_000 < 4096) process.stdout.write('.');
}
const appendPerSec = (LOG_LEAVES / (performance.now() - appendStart)) * 1000;
console.log(' done');
say('Merkle append (memory store)', appendPerSec, 'leaves/s', [rawSha256PerSec, 'raw SHA-256']);
const root = rootAt(log, size);
const proofs: { index: number; proof: Uint8Array[] }[] = [];
const proofGenPerSec = rate((i) => {
  const index = (i * 7919) % size;
  const proof = inclusionProof(log, index, size);
  if (proofs.length < 1000) proofs.push({ index, proof });
});
const proofVerifyPerSec = rate((i) => {
  const { index, proof } = proofs[i % proofs.length]!;
  if (!verifyInclusion(leaves[index % 4096]!, index, size, proof, root)) throw new Error('proof failed');
});
say(`inclusion proof generation @ ${LOG_LEAVES} leaves`, proofGenPerSec, 'proofs/s', [
  rawSha256PerSec,
  'raw SHA-256',
]);
say(`inclusion proof verification @ ${LOG_LEAVES} leaves`, proofVerifyPerSec, 'proofs/s', [
  rawSha256PerSec,
  'raw SHA-256',
]);

// Block append to SQLite (WAL, synchronous=FULL): build (execute) + store, pre-signed txs.
const blockTxs = 1000;
const blocks = quick ? 5 : 20;
process.stdout.write(`\nsigning ${blocks * blockTxs} txs for the SQLite run…`);
const signed = Array.from({ length: blocks * blockTxs }, (_, i) => anchorTx(clientKey, i + 1));
console.log(' done');
const dir = tempDir('carechain-bench-');
const chain = openTestChain(dir.path);
const storeStart = performance.now();
for (let b = 0; b < blocks; b++) chain.addBlock(signed.slice(b * blockTxs, (b + 1) * blockTxs));
const storeSeconds = (performance.now() - storeStart) / 1000;
chain.ledger.close();
dir.remove();
const blockTxPerSec = (blocks * blockTxs) / storeSeconds;
say(`block append to SQLite (${blockTxs} tx/block, incl. check+execute)`, blockTxPerSec, 'tx/s', [
  rawVerifyPerSec,
  'raw verify',
]);
say('block append to SQLite', blocks / storeSeconds, 'blocks/s');

// The same blocks appended to PostgreSQL (a throwaway cluster on loopback, synchronous_commit=on),
// through the same ledger code, as a ratio to the SQLite figure of this run.
let postgresBlockTxPerSec: number | undefined;
const noPostgres = postgresUnavailable();
if (noPostgres !== undefined) {
  console.log(`block append to PostgreSQL: skipped (${noPostgres})`);
} else {
  const cluster = await startPostgres();
  const storage = new PostgresStorage(await cluster.createDatabase('bench'));
  try {
    const onPostgres = openTestChain(storage);
    const start = performance.now();
    for (let b = 0; b < blocks; b++) onPostgres.addBlock(signed.slice(b * blockTxs, (b + 1) * blockTxs));
    const seconds = (performance.now() - start) / 1000;
    onPostgres.ledger.close();
    postgresBlockTxPerSec = (blocks * blockTxs) / seconds;
    say(`block append to PostgreSQL (${blockTxs} tx/block)`, postgresBlockTxPerSec, 'tx/s', [
      blockTxPerSec,
      'SQLite',
    ]);
    say('block append to PostgreSQL', (seconds * 1000) / blocks, 'ms/block');
  } finally {
    storage.close();
    cluster.stop();
  }
}

console.log(
  JSON.stringify({
    bench: 'ledger',
    node: process.version,
    logLeaves: LOG_LEAVES,
    rawEd25519SignPerSec: Math.round(rawSignPerSec),
    rawEd25519VerifyPerSec: Math.round(rawVerifyPerSec),
    rawSha256PerSec: Math.round(rawSha256PerSec),
    txSignPerSec: Math.round(txSignPerSec),
    txVerifyPerSec: Math.round(txVerifyPerSec),
    txVerifyToRawVerify: +(txVerifyPerSec / rawVerifyPerSec).toFixed(3),
    nobleVerifyPerSec: Math.round(nobleVerifyPerSec),
    merkleAppendPerSec: Math.round(appendPerSec),
    merkleAppendToRawSha256: +(appendPerSec / rawSha256PerSec).toFixed(3),
    inclusionProofGenPerSec: Math.round(proofGenPerSec),
    inclusionProofVerifyPerSec: Math.round(proofVerifyPerSec),
    sqliteBlockTxPerSec: Math.round(blockTxPerSec),
    sqliteBlockTxToRawVerify: +(blockTxPerSec / rawVerifyPerSec).toFixed(3),
    postgresBlockTxPerSec: postgresBlockTxPerSec && Math.round(postgresBlockTxPerSec),
    postgresBlockTxToSqlite: postgresBlockTxPerSec && +(postgresBlockTxPerSec / blockTxPerSec).toFixed(3),
  }),
);
