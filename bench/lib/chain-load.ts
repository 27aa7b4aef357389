// What the ledger benches share: four validators on loopback (real processes, mutual TLS, SQLite),
// clients' keys enrolled outside the measurement, and txs signed ahead of time so that a measurement is
// of the network, not of the client's signing.
import { createHash } from 'node:crypto';
import { signTx, type SignedTx } from '../../src/core/tx.ts';
import { generateKeyPair, type KeyPair } from '../../src/node/keys.ts';
import { tempDir } from '../../test/harness/chain.ts';
import { getJson, heightOf, waitFor } from '../../test/harness/http.ts';
import { makeNetwork, type TestNetwork } from '../../test/harness/network.ts';
import { startNodeProcess, type NodeProcess } from '../../test/harness/process.ts';

export interface BenchNetwork {
  readonly net: TestNetwork;
  readonly nodes: NodeProcess[];
  readonly chainId: string;
  /** Stops every node still running and removes the folders. */
  close(): Promise<void>;
}

export async function startBenchNetwork(prefix: string): Promise<BenchNetwork> {
  const root = tempDir(prefix);
  const net = await makeNetwork(root.path, ['hospital', 'clinic', 'pharmacy', 'insurer']);
  process.stdout.write('starting 4 validators… ');
  const nodes = await Promise.all(net.dirs.map((dir) => startNodeProcess(dir)));
  // A bench that dies (a failed fetch on a busy machine, say) must not leave four validators running.
  process.once('exit', () => {
    for (const node of nodes) if (node.child.exitCode === null) node.child.kill('SIGKILL');
  });
  const chainId = ((await getJson(`${net.apiUrls[0]}/api/v1/status`)) as { chainId: string }).chainId;
  await waitFor(async () => (await heightOf(net.apiUrls[3]!)) >= 2, 120_000);
  console.log('up');
  return {
    net,
    nodes,
    chainId,
    async close() {
      for (const node of nodes) if (node.child.exitCode === null) node.child.kill('SIGTERM');
      await Promise.all(nodes.map((n) => n.exited));
      root.remove();
    },
  };
}

/** `perClient` notary anchors for each of `clients` fresh keys (nonces 2…; nonce 1 is the enrolment). */
export function presignAnchors(
  chainId: string,
  clients: number,
  perClient: number,
): { keys: KeyPair[]; txs: SignedTx[][] } {
  process.stdout.write(`pre-signing ${perClient * clients} txs… `);
  const keys = Array.from({ length: clients }, () => generateKeyPair());
  const txs = keys.map((key, c) =>
    Array.from({ length: perClient }, (_, i) =>
      signTx(key.seed, {
        chainId,
        type: 'notary.anchor',
        payload: { digest: createHash('sha256').update(`${c}/${i}`).digest('hex'), kind: 'document' },
        nonce: i + 2,
      }),
    ),
  );
  console.log('done');
  return { keys, txs };
}

/**
 * Each client's key enrols first (nonce 1), outside the measurement: a key the network does not know
 * may send nothing else, and enrolments are rate-limited per client address (retried after 429).
 */
export async function enrolKeys(apiUrls: readonly string[], chainId: string, keys: readonly KeyPair[]) {
  process.stdout.write(`enrolling ${keys.length} client keys… `);
  await Promise.all(
    keys.map(async (key, c) => {
      const tx = signTx(key.seed, { chainId, type: 'membership.registerPatient', payload: {}, nonce: 1 });
      for (let attempt = 1; ; attempt++) {
        // A kept-alive socket the node closed meanwhile fails the fetch on a busy machine: try again.
        const response = await fetch(`${apiUrls[c % apiUrls.length]}/api/v1/txs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(tx),
        }).catch((err: unknown) => {
          if (attempt >= 5) throw err;
          return undefined;
        });
        if (response !== undefined && response.status !== 429) return;
        const waitSeconds = Number(response?.headers.get('retry-after') ?? 1);
        await new Promise((r) => setTimeout(r, 1000 * waitSeconds));
      }
    }),
  );
  console.log('done');
}

/** Submits a signed tx and resolves true once the node answers that it is committed. */
export async function submitCommitted(apiUrl: string, tx: SignedTx): Promise<boolean> {
  const response = await fetch(`${apiUrl}/api/v1/txs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(tx),
  });
  const body = (await response.json()) as { status?: string };
  return response.status === 200 && body.status === 'committed';
}
