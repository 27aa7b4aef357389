// Four real validator processes on loopback under load, with crashes (SIGKILL): one validator down and
// commits go on; it restarts and catches up; two down (below quorum) and nothing commits, and nothing
// forks; back to quorum and progress resumes. Afterwards every tx acknowledged as committed is on all
// four nodes, their chains are identical, and `carechain verify` passes on every data directory.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { signTx } from '../../src/core/tx.ts';
import { generateKeyPair, type KeyPair } from '../../src/node/keys.ts';
import { tempDir } from '../harness/chain.ts';
import { getJson, http, postJson, waitFor } from '../harness/http.ts';
import { makeNetwork } from '../harness/network.ts';
import { startNodeProcess, stopProcesses, type NodeProcess } from '../harness/process.ts';

const root = tempDir('carechain-net-');
const procs: (NodeProcess | undefined)[] = [];
after(async () => {
  await stopProcesses(procs);
  root.remove();
});

const height = async (url: string): Promise<number> =>
  (await getJson(`${url}/api/v1/status`)).height as number;

/** Closed-loop clients: each submits one tx at a time to a live node and records those acknowledged as committed. */
function startLoad(urls: readonly string[], live: () => boolean[], chainId: string) {
  const acknowledged: string[] = [];
  let running = true;
  const client = async (key: KeyPair, offset: number): Promise<void> => {
    let nonce = 0;
    let i = offset;
    while (running) {
      const up = urls.filter((_, n) => live()[n]);
      const url = up[i++ % up.length];
      if (url === undefined) break;
      try {
        // A fresh key enrols first: the one tx a key the network does not know may send.
        const tx =
          nonce === 0
            ? signTx(key.seed, { chainId, type: 'membership.registerPatient', payload: {}, nonce: 1 })
            : signTx(key.seed, {
                chainId,
                type: 'notary.anchor',
                payload: {
                  digest: (offset * 1_000_000 + nonce + 1).toString(16).padStart(64, '0'),
                  kind: 'other',
                },
                nonce: nonce + 1,
              });
        const response = await fetch(`${url}/api/v1/txs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(tx),
          signal: AbortSignal.timeout(15_000),
        });
        const body = (await response.json()) as { status?: string; hash: string };
        if (response.status === 200 && body.status === 'committed') {
          acknowledged.push(body.hash);
          nonce++;
        } else {
          nonce = (await getJson(`${url}/api/v1/accounts/${key.publicKey}`)).nonce as number;
        }
      } catch {
        await new Promise((r) => setTimeout(r, 200)); // that node is down: try another
      }
    }
  };
  const clients = [0, 1, 2].map((n) => client(generateKeyPair(), n));
  return {
    acknowledged,
    stop: async () => {
      running = false;
      await Promise.all(clients);
    },
  };
}

test('four validators keep safety and liveness through crashes and loss of quorum', async () => {
  const net = await makeNetwork(root.path, ['hospital', 'clinic', 'pharmacy', 'insurer']);
  const urls = net.apiUrls;
  const started = await Promise.all(net.dirs.map((dir) => startNodeProcess(dir)));
  started.forEach((p, i) => (procs[i] = p));
  const live = () =>
    procs.map((p) => p !== undefined && p.child.exitCode === null && p.child.signalCode === null);
  const chainId = (await getJson(`${urls[0]}/api/v1/status`)).chainId as string;
  assert.ok(
    await waitFor(async () => (await Promise.all(urls.map(height))).every((h) => h >= 3), 60_000),
    'all four commit',
  );

  const load = startLoad(urls, live, chainId);
  const kill = async (i: number): Promise<void> => {
    procs[i]!.child.kill('SIGKILL');
    await procs[i]!.exited;
  };
  const restart = async (i: number): Promise<void> => {
    procs[i] = await startNodeProcess(net.dirs[i]!);
  };

  // One validator down (30 of 40 power left, > 2/3): commits continue.
  await kill(0);
  const h1 = await height(urls[1]!);
  assert.ok(
    await waitFor(async () => (await height(urls[1]!)) >= h1 + 3, 30_000),
    'commits continue with 3 of 4',
  );

  // It restarts and catches up.
  await restart(0);
  assert.ok(
    await waitFor(async () => (await height(urls[0]!)) >= (await height(urls[1]!)) - 1, 60_000),
    'the restarted validator catches up',
  );

  // Two down (20 of 40, below quorum): nothing commits, nothing forks. Rather than watch the clock, a
  // probe tx submitted after the loss of quorum must outlive the node's own wait for its commit (the
  // answer is 202 "pending"), while the heights move by at most the one height already in flight.
  await Promise.all([kill(0), kill(1)]);
  const stalled = await Promise.all([height(urls[2]!), height(urls[3]!)]);
  // The probe is an enrolment: the one tx the intake takes from a key the network does not know.
  const probeKey = generateKeyPair();
  const probe = signTx(probeKey.seed, {
    chainId,
    type: 'membership.registerPatient',
    payload: {},
    nonce: 1,
  });
  const pending = await postJson(`${urls[2]}/api/v1/txs?wait=commit`, probe);
  assert.equal(pending.status, 202, `no commits below quorum: ${JSON.stringify(pending.body)}`);
  for (const url of [urls[2]!, urls[3]!]) {
    assert.equal(
      (await http(`${url}/api/v1/txs/${pending.body.hash}`)).status,
      404,
      'the probe is not committed',
    );
  }
  const afterWindow = await Promise.all([height(urls[2]!), height(urls[3]!)]);
  assert.ok(
    afterWindow.every((h) => h <= Math.max(...stalled) + 1),
    `no commits below quorum beyond the height in flight: ${stalled.join(', ')} then ${afterWindow.join(', ')}`,
  );

  // Back to quorum: progress resumes (the probe commits), and the other one catches up too.
  await restart(1);
  assert.ok(
    await waitFor(async () => (await height(urls[2]!)) >= Math.max(...afterWindow) + 3, 60_000),
    'progress resumes',
  );
  assert.ok(
    await waitFor(
      async () => (await http(`${urls[2]}/api/v1/txs/${pending.body.hash}`)).status === 200,
      30_000,
    ),
    'the probe commits once quorum is back',
  );
  await restart(0);
  const target = await height(urls[2]!);
  assert.ok(
    await waitFor(async () => (await Promise.all(urls.map(height))).every((h) => h >= target), 60_000),
    'all four reach the same height',
  );

  await load.stop();
  assert.ok(load.acknowledged.length >= 10, `only ${load.acknowledged.length} txs acknowledged`);

  // Every acknowledged tx is on every node, and the four chains are the same block for block.
  for (const url of urls) {
    for (const hash of load.acknowledged) {
      const response = await fetch(`${url}/api/v1/txs/${hash}`);
      assert.equal(response.status, 200, `${hash} missing on ${url}`);
    }
  }
  const common = Math.min(...(await Promise.all(urls.map(height))));
  for (let h = 1; h <= common; h++) {
    const hashes = await Promise.all(
      urls.map(async (url) => (await getJson(`${url}/api/v1/blocks/${h}`)).hash),
    );
    assert.equal(new Set(hashes).size, 1, `fork at height ${h}`);
  }

  // Stop cleanly, then verify each data directory from genesis.
  for (const p of procs) p!.child.kill('SIGTERM');
  const codes = await Promise.all(procs.map((p) => p!.exited));
  assert.deepEqual(codes, [0, 0, 0, 0]);
  for (const dir of net.dirs) {
    const result = spawnSync(process.execPath, ['bin/carechain.mjs', 'verify', '--data', join(dir, 'data')], {
      encoding: 'utf8',
    });
    assert.equal(result.status, 0, `${dir}: ${result.stdout}${result.stderr}`);
  }
});
