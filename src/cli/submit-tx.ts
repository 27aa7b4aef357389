// Signing and submitting a tx from the command line through a node's public API, then waiting until it is
// committed: the demo's set-up and `carechain devices` sign with keys the node never holds.
import type { AccountAnswer, TxSubmitted } from '../contract/ledger.ts';
import type { CanonicalValue } from '../core/canonical.ts';
import { signTx } from '../core/tx.ts';
import type { KeyPair } from '../node/keys.ts';

/** How long a command waits for its tx to be committed (the nodes may still be meeting each other). */
export const COMMIT_TIMEOUT_MS = 60_000;

export async function postJson(url: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** Signs and submits a tx through a node's public API, and waits until it is committed. */
export async function submitAndCommit(
  apiUrl: string,
  chainId: string,
  signer: KeyPair,
  type: string,
  payload: CanonicalValue,
): Promise<void> {
  const account = (await (
    await fetch(`${apiUrl}/api/v1/accounts/${signer.publicKey}`)
  ).json()) as AccountAnswer;
  const tx = signTx(signer.seed, { chainId, type, payload, nonce: account.nonce + 1 });
  const deadline = Date.now() + COMMIT_TIMEOUT_MS;
  const submitted = await postJson(`${apiUrl}/api/v1/txs`, tx);
  if (submitted.status !== 200 && submitted.status !== 202) {
    throw new Error(`${type} was refused (${submitted.status}): ${JSON.stringify(submitted.body)}`);
  }
  const { hash, status } = submitted.body as TxSubmitted;
  if (status === 'committed') return;
  while (Date.now() < deadline) {
    if ((await fetch(`${apiUrl}/api/v1/txs/${hash}`)).status === 200) return;
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`${type} was not committed within ${COMMIT_TIMEOUT_MS / 1000} s`);
}
