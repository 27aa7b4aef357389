// Finding 6 (issue 10): block sync served twenty blocks with no byte bound. After a run of large blocks
// the answer passed the P2P message limit (16 MiB), the request failed every time, and a lagging node
// could never catch up. Here three of four validators commit twenty blocks of about 1 MiB each (record
// registrations, the largest txs the ledger takes); the fourth starts afterwards and must catch up. Its
// first block-sync request is also made by hand, to check the answer's size: the catching up alone
// passed on the old code when the machine was loaded (blocks came out smaller than 1 MiB).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { after, test } from 'node:test';
import { patientPseudonym } from '../../src/app/membership/pseudonym.ts';
import { toHex } from '../../src/core/bytes.ts';
import { sha256 } from '../../src/core/crypto/index.ts';
import { encodeTx, signTx, type SignedTx } from '../../src/core/tx.ts';
import { generateKeyPair, readKeyFile } from '../../src/node/keys.ts';
import { P2PTransport, type PeerAddress } from '../../src/node/p2p/index.ts';
import { tempDir } from '../harness/chain.ts';
import { getJson, waitFor } from '../harness/http.ts';
import { commitTx, makeNetwork, registerPractitioner } from '../harness/network.ts';
import { startNodeProcess, stopProcesses, type NodeProcess } from '../harness/process.ts';

const root = tempDir('carechain-adv-sync-');
const procs: NodeProcess[] = [];
after(async () => {
  await stopProcesses(procs);
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

/** The P2P limit on one message (transport.ts's default messageBytesMax): an answer past it never arrives. */
const P2P_MESSAGE_BYTES_MAX = 16 * 1024 * 1024;

/** Asks the first peer in `dir`'s peer list for blocks from `from`, as the node of `dir` would. */
async function blocksAnswer(dir: string, from: number): Promise<{ blocks: number; bytes: number }> {
  const peers = JSON.parse(readFileSync(join(dir, 'peers.json'), 'utf8')) as PeerAddress[];
  const [server] = peers;
  const probe = new P2PTransport(
    {
      key: readKeyFile(join(dir, 'node-key.json')),
      listenHost: '127.0.0.1',
      listenPort: 0,
      peers: [server!],
      allowedKeys: new Set(peers.map((p) => p.publicKey)),
    },
    {
      logger: pino({ level: 'silent' }),
      handlers: { onMessages: () => undefined, onRequest: () => Promise.reject(new Error('not served')) },
    },
  );
  await probe.start();
  try {
    const connected = await waitFor(() => probe.peers().some((p) => p.connected), 60_000);
    assert.ok(connected, 'the probe reached the peer');
    const answer = await probe.request(server!.publicKey, 'blocks', { from }, 60_000);
    assert.ok(Array.isArray(answer), 'the answer is a list of blocks');
    return { blocks: answer.length, bytes: Buffer.byteLength(JSON.stringify(answer)) };
  } finally {
    await probe.stop();
  }
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
  await commitTx(url, chainId, patient, 'membership.registerPatient', { custodianOrgId: 's0' });
  // Records name the clinician who wrote them (finding 12): a physician of s0, for whom its node signs.
  const physician = generateKeyPair();
  await registerPractitioner(net, 's0', physician, 'physician');
  const pseudonym = patientPseudonym(patient.publicKey);
  const nodeKey = readKeyFile(join(net.dirs[0]!, 'node-key.json'));

  const firstLarge = ((await getJson(`${url}/api/v1/status`)).height as number) + 1;
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
        payload: { practitioner: physician.publicKey, registrations },
        nonce: ++nonce,
      });
      bytes += encodeTx(tx).length;
      const hash = await submit(url, tx);
      if (t === TXS_PER_BLOCK - 1) await committed(url, hash);
    }
  }
  assert.ok(bytes > BLOCKS * 1024 * 1024, `${bytes} bytes of txs committed`);
  const target = (await getJson(`${url}/api/v1/status`)).height as number;

  // What the lagging node's first request gets, asked over P2P with its key before it starts: the
  // answer must arrive, within the P2P message limit. Under the old rule (twenty blocks, no byte bound)
  // it carried more than 20 MiB, the limit refused it every time, and this request failed.
  const answer = await blocksAnswer(net.dirs[3]!, firstLarge);
  assert.ok(answer.blocks >= 1, 'the answer holds at least one block');
  assert.ok(answer.bytes <= P2P_MESSAGE_BYTES_MAX, `a ${answer.bytes}-byte answer`);

  const lagging = await startNodeProcess(net.dirs[3]!);
  procs.push(lagging);
  const lagUrl = net.apiUrls[3]!;
  const caughtUp = await waitFor(
    async () => ((await getJson(`${lagUrl}/api/v1/status`)).height as number) >= target,
    // Twenty MiB of blocks, re-verified and re-executed, beside the other test file the suite runs at
    // the same time on two cores: 120 s ran out once in a clean-clone run (the whole test passes alone
    // in about three minutes).
    300_000,
  );
  assert.ok(caughtUp, `the lagging node stayed at ${(await getJson(`${lagUrl}/api/v1/status`)).height}`);
  const theirs = await getJson(`${url}/api/v1/blocks/${target}`);
  const ours = await getJson(`${lagUrl}/api/v1/blocks/${target}`);
  assert.equal(ours.hash, theirs.hash);
});
