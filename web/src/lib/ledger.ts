// Ledger calls the app makes: node status, the genesis document, accounts, and signing + submitting a
// tx with the user's own key (the key never leaves the page; only the signed tx does).
import { toHex } from '../../../src/core/bytes.ts';
import type { CanonicalValue } from '../../../src/core/canonical.ts';
import { publicKeyFromSeed } from '../../../src/core/crypto/index.ts';
import { signTx, type SignedTx } from '../../../src/core/tx.ts';
import type {
  AccountAnswer,
  CommittedTx,
  GenesisAnswer,
  NodeStatus,
  StoredTxAnswer,
  TxSubmitted,
} from '../../../src/contract/ledger.ts';
import { ApiFailure, request } from './http.ts';

export type { NodeStatus };

export const getStatus = () => request<NodeStatus>('/api/v1/status');
export const getGenesis = () => request<GenesisAnswer>('/api/v1/genesis');

let chainIdCache: string | undefined;
export async function chainId(): Promise<string> {
  chainIdCache ??= (await getStatus()).chainId;
  return chainIdCache;
}

/** How long the app waits for a commit before saying so (the node itself waits up to 10 s). */
const COMMIT_POLLS_MAX = 20;
const COMMIT_POLL_MS = 500;

/** Signs a tx with the user's seed, submits it, and resolves once it is committed. */
export async function signAndCommit(
  seed: Uint8Array,
  type: string,
  payload: CanonicalValue,
): Promise<CommittedTx> {
  const signer = toHex(publicKeyFromSeed(seed));
  const [id, account] = await Promise.all([chainId(), request<AccountAnswer>(`/api/v1/accounts/${signer}`)]);
  const tx: SignedTx = signTx(seed, { chainId: id, type, payload, nonce: account.nonce + 1 });
  const answer = await request<TxSubmitted>('/api/v1/txs?wait=commit', {
    body: tx,
  });
  if (answer.status === 'committed' && answer.height !== undefined)
    return { hash: answer.hash, height: answer.height };
  for (let i = 0; i < COMMIT_POLLS_MAX; i++) {
    await new Promise((done) => setTimeout(done, COMMIT_POLL_MS));
    try {
      const stored = await request<StoredTxAnswer>(`/api/v1/txs/${answer.hash}`);
      return { hash: answer.hash, height: stored.height };
    } catch (err) {
      if (!(err instanceof ApiFailure) || err.status !== 404) throw err;
    }
  }
  throw new ApiFailure(
    504,
    'tx.not_committed',
    'the network has not committed the change yet; try again shortly',
  );
}

/** 32 random bytes as hex: ids of consents and requests are chosen by the client. */
export function randomId(): string {
  return toHex(globalThis.crypto.getRandomValues(new Uint8Array(32)));
}

/** Signs a tx for the caller to hand to an endpoint that submits it (erasure), without submitting it. */
export async function signOnly(seed: Uint8Array, type: string, payload: CanonicalValue): Promise<SignedTx> {
  const signer = toHex(publicKeyFromSeed(seed));
  const [id, account] = await Promise.all([chainId(), request<AccountAnswer>(`/api/v1/accounts/${signer}`)]);
  return signTx(seed, { chainId: id, type, payload, nonce: account.nonce + 1 });
}

/** The chain's own clock (the last block's BFT time): consent periods start from it, not the browser's. */
export async function chainTimeMs(): Promise<number> {
  const status = await getStatus();
  return status.lastBlockTimeMs > 0 ? status.lastBlockTimeMs : Date.now();
}
