// Finding 11 (issue 10, part): `/metrics` and the peer addresses in `/api/v1/status` were public. Two
// real validator processes whose APIs listen on every interface; a client reaching one over the
// machine's non-loopback address (as anyone on the network would) gets a 403 for metrics and the peers
// without their host and port, while the operator on loopback sees both. Skipped where the machine has
// no non-loopback IPv4 address. (HTTPS for the API is not done yet: see docs/SECURITY.md.)
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { tempDir } from '../harness/chain.ts';
import { waitFor } from '../harness/http.ts';
import { makeNetwork, type TestNetwork } from '../harness/network.ts';
import { startNodeProcess, type NodeProcess } from '../harness/process.ts';

const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((a) => a !== undefined && a.family === 'IPv4' && !a.internal)?.address;

const root = tempDir('carechain-finding11-');
const nodes: NodeProcess[] = [];
let net: TestNetwork;
let port = 0;

before(async () => {
  if (lanAddress === undefined) return;
  net = await makeNetwork(root.path, ['hospital', 'clinic']);
  for (const dir of net.dirs) {
    // An operator who binds the API to every interface (as the README once showed) still keeps /metrics
    // and peer addresses to the node's own machine.
    const path = join(dir, 'node.json');
    const config = JSON.parse(readFileSync(path, 'utf8'));
    writeFileSync(path, JSON.stringify({ ...config, api: { ...config.api, host: '0.0.0.0' } }));
  }
  for (const dir of net.dirs) nodes.push(await startNodeProcess(dir, 120_000));
  port = Number(new URL(net.apiUrls[0]!).port);
});

after(async () => {
  for (const node of nodes) node.child.kill('SIGKILL');
  await Promise.all(nodes.map((n) => n.exited));
  root.remove();
});

test(
  'metrics and peer addresses are for the node’s own machine only',
  { skip: lanAddress === undefined },
  async () => {
    const local = `http://127.0.0.1:${port}`;
    const remote = `http://${lanAddress}:${port}`;
    assert.ok(
      await waitFor(async () => {
        const status = (await (await fetch(`${local}/api/v1/status`)).json()) as {
          peers: { connected: boolean }[];
        };
        return status.peers.some((p) => p.connected);
      }, 60_000),
      'the two nodes connect',
    );
    assert.equal((await fetch(`${local}/metrics`)).status, 200);
    const metrics = await fetch(`${remote}/metrics`);
    assert.equal(metrics.status, 403);
    assert.equal(((await metrics.json()) as { error: { code: string } }).error.code, 'metrics.operator_only');

    const mine = (await (await fetch(`${local}/api/v1/status`)).json()) as {
      peers: Record<string, unknown>[];
    };
    assert.ok(
      mine.peers.length > 0 &&
        mine.peers.every((p) => typeof p.host === 'string' && typeof p.port === 'number'),
    );
    const theirs = (await (await fetch(`${remote}/api/v1/status`)).json()) as {
      peers: Record<string, unknown>[];
    };
    assert.equal(theirs.peers.length, mine.peers.length);
    for (const peer of theirs.peers) {
      assert.equal(peer.host, undefined);
      assert.equal(peer.port, undefined);
      assert.equal(typeof peer.publicKey, 'string');
      assert.equal(typeof peer.connected, 'boolean');
    }
  },
);
