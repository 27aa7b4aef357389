// Demo transactions for `carechain up`: a demo client anchors document digests at a steady rate, so
// a fresh network has blocks, txs and proofs to look at. Digests are random, never derived from data.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { lastNonce } from '../app/executor.ts';
import { ANCHOR_KINDS } from '../app/notary/index.ts';
import { toHex } from '../core/bytes.ts';
import { signTx } from '../core/tx.ts';
import { loadOrCreateKeyFile } from './keys.ts';
import type { CarechainNode } from './node.ts';

export const DEMO_CLIENT_KEY_FILE = 'demo-client-key.json';

export function startDemoLoad(node: CarechainNode, dataDir: string, txsPerSecond: number): () => void {
  const client = loadOrCreateKeyFile(join(dataDir, DEMO_CLIENT_KEY_FILE));
  let nonce = lastNonce(node.ledger.store.latestState, client.publicKey);
  let count = 0;
  const timer = setInterval(() => {
    if (node.mempool.size > 1000) return; // keep the demo from outrunning a slow disk
    nonce++;
    const tx = signTx(client.seed, {
      chainId: node.ledger.chainId,
      type: 'notary.anchor',
      payload: { digest: toHex(randomBytes(32)), kind: ANCHOR_KINDS[count++ % ANCHOR_KINDS.length]! },
      nonce,
    });
    node.submit(tx);
  }, 1000 / txsPerSecond);
  return () => clearInterval(timer);
}
