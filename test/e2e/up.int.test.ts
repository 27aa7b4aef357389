// What `npm start` runs: `carechain up` brings up the four-validator consortium (hospital, clinic,
// pharmacy, insurer) as separate processes; blocks advance on all four; Ctrl-C stops them all cleanly;
// the next start resumes the stored chains.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { tempDir } from '../helpers/chain.ts';
import { startCli, type RunningNode } from '../helpers/process.ts';
import { getJson, waitFor } from '../helpers/network.ts';

const dir = tempDir('carechain-up-');
let running: RunningNode | undefined;
after(async () => {
  if (running && running.child.exitCode === null) await running.stop();
  dir.remove();
});

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A base port with the four API ports and the four P2P ports (1000 higher) all free. */
async function freeBasePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 20_000);
    const ports = [0, 1, 2, 3].flatMap((i) => [base + i, base + 1000 + i]);
    if ((await Promise.all(ports.map(portFree))).every(Boolean)) return base;
  }
  throw new Error('no free port range');
}

test('carechain up runs four validators that all commit blocks, stops on Ctrl-C and resumes', async () => {
  const base = await freeBasePort();
  const args = ['up', '--data-dir', dir.path, '--base-port', String(base), '--demo-rate', '10'];
  running = await startCli(args, 60_000);
  assert.match(running.output(), /Created a 4-validator consortium/);
  const urls = [0, 1, 2, 3].map((i) => `http://127.0.0.1:${base + i}`);
  for (const name of ['hospital', 'clinic', 'pharmacy', 'insurer']) {
    assert.ok(
      existsSync(join(dir.path, name, 'data', 'ledger.sqlite')),
      `${name} has its own data directory`,
    );
  }
  const allAtLeast = async (h: number) =>
    (await Promise.all(urls.map(async (u) => (await getJson(`${u}/api/v1/status`)).height as number))).every(
      (height) => height >= h,
    );
  assert.ok(await waitFor(() => allAtLeast(5), 60_000), 'blocks advance on all four nodes');
  const status = await getJson(`${urls[0]}/api/v1/status`);
  assert.equal(status.validators.length, 4);
  assert.equal(status.role, 'validator');
  assert.equal(status.peers.length, 3);
  const reached = status.height as number;

  assert.equal(await running.stop(), 0, 'Ctrl-C stops the consortium cleanly');
  running = await startCli(args, 60_000);
  assert.match(running.output(), /Resuming the consortium/);
  assert.ok(
    await waitFor(() => allAtLeast(reached + 2), 60_000),
    'the restarted consortium goes on from its chain',
  );
});
