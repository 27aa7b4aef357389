// `npm run bench:storage [-- --blocks 200 --txs 100]`: what one committed tx costs on a node's disk in
// SQLite (docs/SCALE.md rests on it). Commits blocks of signed notary anchors through the real Ledger
// into a fresh data directory, checkpoints the WAL, and divides the growth of the store files by the
// txs committed. Also prints the canonical encoded size of the clinical txs the projection counts
// (a records.register, a records.access and an anchor), since the block store keeps each tx as sent.
// Ends with one JSON line.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { encodeTx, signTx } from '../src/core/tx.ts';
import { anchorTx, clientKey, openTestChain, tempDir, TEST_CHAIN_ID } from '../test/harness/chain.ts';
import { numberOption } from './lib/load.ts';

const blocks = numberOption('blocks', 200);
const txsPerBlock = numberOption('txs', 100);

function dirBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, name) => {
    const path = join(dir, name);
    const s = statSync(path);
    return sum + (s.isDirectory() ? dirBytes(path) : s.size);
  }, 0);
}

const dir = tempDir('carechain-storage-bench-');
try {
  // Closing checkpoints each WAL into its database file, so sizes are measured on closed stores.
  const first = openTestChain(dir.path);
  first.addBlock([anchorTx(clientKey, 1)]);
  first.ledger.close();
  const before = dirBytes(dir.path);
  const chain = openTestChain(dir.path);
  let nonce = 1;
  let txBytes = 0;
  for (let b = 0; b < blocks; b++) {
    const txs = Array.from({ length: txsPerBlock }, () => anchorTx(clientKey, ++nonce));
    for (const tx of txs) txBytes += encodeTx(tx).length;
    chain.addBlock(txs);
  }
  chain.ledger.close();
  const grown = dirBytes(dir.path) - before;
  const txs = blocks * txsPerBlock;

  // Encoded sizes of the clinical txs (payload shapes as the records module takes them).
  const hex = (n: number) => n.toString(16).padStart(64, '0');
  const sized = (type: string, payload: Record<string, unknown>) =>
    encodeTx(
      signTx(clientKey.seed, { chainId: TEST_CHAIN_ID, type, payload: payload as never, nonce: 123_456 }),
    ).length;
  const registerBytes = sized('records.register', {
    practitioner: hex(1),
    recordId: hex(2),
    version: 1,
    resourceType: 'Observation',
    patientPseudonym: hex(3),
    custodianOrgId: 'st-mary',
    commitment: hex(4),
  });
  const accessBytes = sized('records.access', {
    eventId: hex(5),
    recordIds: [hex(2)],
    patientPseudonym: hex(3),
    accessorOrgId: 'riverside',
    practitioner: hex(1),
    purpose: 'treatment',
  });
  const anchorBytes = encodeTx(anchorTx(clientKey, 7)).length;
  const perTx = grown / txs;
  const overhead = perTx - txBytes / txs;
  console.log(`carechain storage bench — SQLite, ${blocks} blocks × ${txsPerBlock} anchors`);
  console.log(`store growth            ${(grown / 1024 / 1024).toFixed(1)} MiB for ${txs} txs`);
  console.log(
    `bytes on disk per tx    ${perTx.toFixed(0)} (tx as sent ${(txBytes / txs).toFixed(0)}, overhead ${overhead.toFixed(0)})`,
  );
  console.log(
    `encoded records.register ${registerBytes} B, records.access ${accessBytes} B, notary.anchor ${anchorBytes} B`,
  );
  console.log(
    JSON.stringify({
      blocks,
      txsPerBlock,
      bytesPerTx: Math.round(perTx),
      txBytesMean: Math.round(txBytes / txs),
      overheadBytesPerTx: Math.round(overhead),
      registerTxBytes: registerBytes,
      accessTxBytes: accessBytes,
      anchorTxBytes: anchorBytes,
    }),
  );
} finally {
  dir.remove();
}
