// Bounded fan-out (issue 12), real processes: three validators, a member "relay" that dials them, and a
// member "edge" whose peers.json names only "relay" and whose node.json sets p2p.dialPeersMax. No node
// dials "edge", so no gossip reaches it: it follows the chain only by polling "relay" for its tip and
// block-syncing from it (src/node/relay.ts), and a tx submitted at its API reaches the validators only
// because "relay" passes it on. Without dialPeersMax on both members (today's node) "edge" stays at
// height 0 and its tx is never committed: checked by removing the setting.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { tempDir } from '../harness/chain.ts';
import { getJson, heightOf, waitFor } from '../harness/http.ts';
import { enrolNewPatient, makeNetwork } from '../harness/network.ts';
import { startNodeProcesses, stopProcesses, type NodeProcess } from '../harness/process.ts';

const root = tempDir('carechain-relay-');
const procs: NodeProcess[] = [];
after(async () => {
  await stopProcesses(procs);
  root.remove();
});

function editJson(path: string, edit: (value: any) => unknown): void {
  writeFileSync(path, JSON.stringify(edit(JSON.parse(readFileSync(path, 'utf8')))));
}

test('a member no one dials follows the chain through another member, and its tx commits', async () => {
  const net = await makeNetwork(root.path, [
    'hospital',
    'clinic',
    'pharmacy',
    { name: 'relay', power: 0 },
    { name: 'edge', power: 0 },
  ]);
  const edgeKey = JSON.parse(readFileSync(join(net.dir('edge'), 'member.json'), 'utf8')).publicKey;
  const relayKey = JSON.parse(readFileSync(join(net.dir('relay'), 'member.json'), 'utf8')).publicKey;
  // No one lists "edge"; "edge" lists only "relay"; both members relay.
  for (const name of net.names) {
    editJson(join(net.dir(name), 'peers.json'), (peers: { publicKey: string }[]) =>
      name === 'edge'
        ? peers.filter((p) => p.publicKey === relayKey)
        : peers.filter((p) => p.publicKey !== edgeKey),
    );
  }
  editJson(join(net.dir('relay'), 'node.json'), (c) => ({ ...c, p2p: { ...c.p2p, dialPeersMax: 3 } }));
  editJson(join(net.dir('edge'), 'node.json'), (c) => ({ ...c, p2p: { ...c.p2p, dialPeersMax: 1 } }));

  await startNodeProcesses(net.dirs, procs);

  const edgeUrl = net.url('edge');
  assert.ok(await waitFor(async () => (await heightOf(edgeUrl)) >= 3, 120_000), "edge's height advances");

  const response = await enrolNewPatient(edgeUrl, net.chainId, 60_000);
  const body = response.body as { hash: string };
  assert.ok(response.status === 200 || response.status === 202, JSON.stringify(body));
  // Committed by the validators (edge only reached "relay"), and seen committed by edge itself.
  let atEdge: { height?: number } = {};
  assert.ok(
    await waitFor(async () => {
      atEdge = await getJson(`${edgeUrl}/api/v1/txs/${body.hash}`).catch(() => ({}));
      return typeof atEdge.height === 'number';
    }, 120_000),
    'the tx submitted at edge is committed and edge has its block',
  );
  const atValidator = await getJson(`${net.url('hospital')}/api/v1/txs/${body.hash}`);
  assert.equal(atValidator.height, atEdge.height);
  // Edge's chain is the validators' chain.
  const h = atEdge.height!;
  const [ours, theirs] = await Promise.all([
    getJson(`${edgeUrl}/api/v1/blocks/${h}`),
    getJson(`${net.url('hospital')}/api/v1/blocks/${h}`),
  ]);
  assert.deepEqual(ours.header, theirs.header);
});
