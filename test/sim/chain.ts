// The simulated chain's fixed parts: its genesis (validator keys and powers from the scenario) and the
// clients' txs. Txs are real signed txs (an enrolment, then notary anchors), so they go through the real
// mempool, block checks, ledger and transparency log. Each client signs a nonce chain; an invalid tx is a
// valid one with its signature damaged, which every honest node must refuse. Signed txs are cached
// across seeds (signing is deterministic), which keeps hundreds of seeds affordable without changing
// any outcome.
import { toHex, utf8 } from '../../src/core/bytes.ts';
import { sha256 } from '../../src/core/crypto/index.ts';
import type { Genesis } from '../../src/core/genesis.ts';
import { signTx, txHash, type SignedTx } from '../../src/core/tx.ts';
import { keyPairFromSeed, type KeyPair } from '../../src/node/keys.ts';

export const CHAIN_ID = 'sim-chain';
export const GENESIS_TIME_MS = 1_700_000_000_000;

/**
 * Validator i's key in every run (fixed, so signature verdicts are shared across seeds). The fault seeds
 * use up to 10; the scale runs (scale.ts) up to 100.
 */
export const VALIDATOR_KEYS: readonly KeyPair[] = Array.from({ length: 100 }, (_, i) =>
  keyPairFromSeed(sha256(utf8(`sim-validator-${i}`))),
);
/** Keys of nodes that follow the chain without voting. */
export const FOLLOWER_KEYS: readonly KeyPair[] = Array.from({ length: 2 }, (_, i) =>
  keyPairFromSeed(sha256(utf8(`sim-follower-${i}`))),
);
/**
 * Admin keys of the member organisations of the churn seeds (churn.ts): organisation i (validator i's
 * at genesis, or the i-th voted in) proposes and votes with ADMIN_KEYS[i].
 */
export const ADMIN_KEYS: readonly KeyPair[] = Array.from({ length: 20 }, (_, i) =>
  keyPairFromSeed(sha256(utf8(`sim-admin-${i}`))),
);
/** Node keys that start outside the set and that churn may vote in or rotate a validator to. */
export const SPARE_KEYS: readonly KeyPair[] = Array.from({ length: 8 }, (_, i) =>
  keyPairFromSeed(sha256(utf8(`sim-spare-${i}`))),
);
const CLIENT_KEYS: readonly KeyPair[] = Array.from({ length: 3 }, (_, i) =>
  keyPairFromSeed(sha256(utf8(`sim-client-${i}`))),
);
export const CLIENTS = CLIENT_KEYS.length;

/**
 * The genesis of n validators. With `members`, each validator is the node key of its own member
 * organisation (`org-i`, admin key ADMIN_KEYS[i]), so governance can change the set (churn.ts);
 * without, the app state is empty, as every fault seed's chain has always been.
 */
export function simGenesis(powers: readonly number[], members = false): Genesis {
  const organisations = powers.map((_, i) => ({
    id: `org-${i}`,
    name: `Organisation ${i}`,
    type: 'hospital',
    adminKey: ADMIN_KEYS[i]!.publicKey,
    nodeKeys: [VALIDATOR_KEYS[i]!.publicKey],
  }));
  return {
    chainId: CHAIN_ID,
    genesisTimeMs: GENESIS_TIME_MS,
    validators: powers.map((power, i) => ({ publicKey: VALIDATOR_KEYS[i]!.publicKey, power, name: `v${i}` })),
    app: members ? { membership: { organisations } } : {},
  };
}

export interface ClientTx {
  readonly tx: SignedTx;
  readonly hash: string;
  readonly valid: boolean;
}

const txCache = new Map<string, ClientTx>();

/** Client `client`'s tx with nonce `nonce` (from 1), or a copy whose signature does not verify. */
export function clientTx(client: number, nonce: number, valid: boolean): ClientTx {
  const cacheKey = `${client}/${nonce}/${valid}`;
  const cached = txCache.get(cacheKey);
  if (cached !== undefined) return cached;
  const key = CLIENT_KEYS[client]!;
  // A client's first tx enrols its key: the node's intake takes nothing else from a key the network
  // does not know yet (issue 10, finding 4).
  const signed =
    nonce === 1
      ? signTx(key.seed, { chainId: CHAIN_ID, type: 'membership.registerPatient', payload: {}, nonce })
      : signTx(key.seed, {
          chainId: CHAIN_ID,
          type: 'notary.anchor',
          payload: { digest: toHex(sha256(utf8(`sim ${client} ${nonce}`))), kind: 'document' },
          nonce,
        });
  const tx = valid ? signed : { ...signed, signature: flipHexDigit(signed.signature, nonce % 128) };
  const made = { tx, hash: txHash(tx), valid };
  txCache.set(cacheKey, made);
  return made;
}

export function flipHexDigit(hex: string, at: number): string {
  const c = hex[at] === '0' ? '1' : '0';
  return hex.slice(0, at) + c + hex.slice(at + 1);
}

export function hashLabel(label: string): string {
  return toHex(sha256(utf8(label)));
}
