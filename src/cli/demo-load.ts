// Demo transactions for `carechain up` and `carechain dev`: a demo client anchors random document
// digests through the public API, spread over the nodes, so a fresh network has blocks, txs and proofs
// to look at. It is an ordinary API client: it signs its own txs and tracks its own nonce. Like any
// client, a key the network does not know may only enrol (docs/ARCHITECTURE.md, "Tx intake"), so the
// demo client first enrols its key as a patient, the one identity anyone can create for themselves.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ANCHOR_KINDS } from '../app/notary/index.ts';
import type { AccountAnswer, NodeStatus } from '../contract/ledger.ts';
import { toHex } from '../core/bytes.ts';
import { signTx } from '../core/tx.ts';
import { loadOrCreateKeyFile } from '../node/keys.ts';

export const DEMO_CLIENT_KEY_FILE = 'demo-client-key.json';

export function startDemoLoad(apiUrls: readonly string[], dataDir: string, txsPerSecond: number): () => void {
  const client = loadOrCreateKeyFile(join(dataDir, DEMO_CLIENT_KEY_FILE));
  let chainId: string | undefined;
  let nonce: number | undefined;
  let sent = 0;
  let busy = false;

  const resync = async (url: string): Promise<void> => {
    const status = (await (await fetch(`${url}/api/v1/status`)).json()) as NodeStatus;
    const account = (await (
      await fetch(`${url}/api/v1/accounts/${client.publicKey}`)
    ).json()) as AccountAnswer;
    chainId = status.chainId;
    nonce = account.nonce;
  };

  const tick = async (): Promise<void> => {
    const url = apiUrls[sent % apiUrls.length]!;
    if (chainId === undefined || nonce === undefined) await resync(url);
    if (nonce === 0) {
      const enrol = signTx(client.seed, {
        chainId: chainId!,
        type: 'membership.registerPatient',
        payload: {},
        nonce: 1,
      });
      const response = await fetch(`${url}/api/v1/txs?wait=commit`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(enrol),
      });
      nonce = response.ok ? 1 : undefined;
      return;
    }
    const tx = signTx(client.seed, {
      chainId: chainId!,
      type: 'notary.anchor',
      payload: { digest: toHex(randomBytes(32)), kind: ANCHOR_KINDS[sent % ANCHOR_KINDS.length]! },
      nonce: nonce! + 1,
    });
    const response = await fetch(`${url}/api/v1/txs?wait=none`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(tx),
    });
    sent++;
    if (response.ok) nonce = nonce! + 1;
    else if (response.status === 409) nonce = undefined; // another node saw a different nonce: re-read
  };

  const timer = setInterval(() => {
    if (busy) return; // one request at a time keeps the nonces in order
    busy = true;
    tick()
      .catch(() => {
        nonce = undefined; // node restarting or busy: try again on the next tick
      })
      .finally(() => {
        busy = false;
      });
  }, 1000 / txsPerSecond);
  return () => clearInterval(timer);
}
