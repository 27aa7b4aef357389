// Finding 6 (issue 10): block sync served twenty blocks with no byte bound. After a run of large blocks
// the answer passed the P2P message limit (16 MiB), the request failed every time, and a lagging node
// could never catch up. Here three of four validators commit twenty blocks of about 1 MiB each (record
// registrations, the largest txs the ledger takes); the fourth starts afterwards and must catch up.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { patientPseudonym } from '../../src/app/membership/pseudonym.ts';
import { toHex } from '../../src/core/bytes.ts';
import { sha256 } from '../../src/core/crypto/index.ts';
import { encodeTx, signTx, type SignedTx } from '../../src/core/tx.ts';
import { generateKeyPair, readKeyFile } from '../../src/node/keys.ts';
import { tempDir } from '../harness/chain.ts';
import { getJson, waitFor } from '../harness/http.ts';
import { commitTx, makeNetwork } from '../harness/network.ts';
import { startNodeProcess, type NodeProcess } from '../harness/process.ts';

const root = tempDir('carechain-adv-sync-');
const procs: NodeProcess[] = [];
after(async () => {
  for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  await Promise.all(procs.map((p) => p.exited));
  root.remove();
});

const BLOCKS = 20;
const TXS_PER_BLOCK = 20;
/** Registrations per tx: about 56 KiB, under the 64 KiB tx limit. */
const REGISTRATIONS_PER_TX = 180;

const hex32 = (label: string): string => toHex(sha256(new TextEncoder().encode(label)));

/** Submits without waiting; the caller waits for the commit itself (a loaded machine is slow). */
async function submit(url: string, tx: SignedTx): Promise<string> {
  const response = await fetch(`${url}/api/v1/txs?wait=none`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(tx),
  });
  const body = (await response.json()) as { hash?: string };
  assert.equal(response.status, 202, `tx refused: ${JSON.stringify(body)}`);
  return body.hash!;
}

async function committed(url: string, hash: string): Promise<void> {
  const found = await waitFor(async () => (await fetch(`${url}/api/v1/txs/${hash}`)).status === 200, 120_000);
  assert.ok(found, `tx ${hash} was not committed`);
}

test('finding 6: a node lagging behind twenty 1 MiB blocks catches up by block sync', async () => {
  const names = ['s0', 's1', 's2', 's3'];
  const net = await makeNetwork(root.path, names);
  const [url] = net.apiUrls as [string];
  for (const dir of net.dirs.slice(0, 3)) procs.push(await startNodeProcess(dir));
  const chainId = (await getJson(`${url}/api/v1/status`)).chainId as string;

  const patient = generateKeyPair();
  await commitTx(url, chainId, patient, 'membership.registerPatient', {});
  const pseudonym = patientPseudonym(patient.publicKey);
  const nodeKey = readKeyFile(join(net.dirs[0]!, 'node-key.json'));

  let nonce = (await getJson(`${url}/api/v1/accounts/${nodeKey.publicKey}`)).nonce as number;
  let bytes = 0;
  for (let block = 0; block < BLOCKS; block++) {
    // One block's worth at a time, waiting for its commit, so blocks are about 1 MiB each.
    for (let t = 0; t < TXS_PER_BLOCK; t++) {
      const registrations = Array.from({ length: REGISTRATIONS_PER_TX }, (_, r) => ({
        recordId: hex32(`record/${block}/${t}/${r}`),
        version: 1,
        resourceType: 'Observation',
        patientPseudonym: pseudonym,
        custodianOrgId: 's0',
        commitment: hex32(`commitment/${block}/${t}/${r}`),
      }));
      const tx = signTx(nodeKey.seed, {
        chainId,
        type: 'records.registerBatch',
        payload: { registrations },
        nonce: ++nonce,
      });
      bytes += encodeTx(tx).length;
      const hash = await submit(url, tx);
      if (t === TXS_PER_BLOCK - 1) await committed(url, hash);
    }
  }
  assert.ok(bytes > BLOCKS * 1024 * 1024, `${bytes} bytes of txs committed`);
  const target = (await getJson(`${url}/api/v1/status`)).height as number;

  const lagging = await startNodeProcess(net.dirs[3]!);
  procs.push(lagging);
  const lagUrl = net.apiUrls[3]!;
  const caughtUp = await waitFor(
    async () => ((await getJson(`${lagUrl}/api/v1/status`)).height as number) >= target,
    120_000,
  );
  assert.ok(caughtUp, `the lagging node stayed at ${(await getJson(`${lagUrl}/api/v1/status`)).height}`);
  const theirs = await getJson(`${url}/api/v1/blocks/${target}`);
  const ours = await getJson(`${lagUrl}/api/v1/blocks/${target}`);
  assert.equal(ours.hash, theirs.hash);
});
