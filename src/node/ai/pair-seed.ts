// The seed two sites of a federated round share for their pairwise masks (app/ai/secure-aggregation.ts;
// Bonawitz et al. 2017, §4 "key agreement"): static X25519 between the two nodes' Ed25519 keys (the
// vault's conversion, node-cipher.ts), then HKDF-SHA256 bound to the chain and both node keys in sorted
// order, so each end derives the same seed and no third node can. The coordinator never holds it: it
// only ever sees updates masked with pads from seeds it cannot compute. Per-round pads come from the round
// id inside pairPad, so one seed serves every round of every model.
import { hkdfSync } from 'node:crypto';
import { fromHex, utf8 } from '../../core/bytes.ts';
import { x25519PublicKeyOf, x25519SecretKeyOf } from '../../core/crypto/envelope.ts';
import { sharedSecret, x25519PrivateKey } from '../vault/node-cipher.ts';

export const PAIR_SEED_BYTES = 32;

/** The pair's seed, from this node's seed and the peer node's Ed25519 public key (hex). */
export function pairSeed(
  chainId: string,
  selfSeed: Uint8Array,
  selfKey: string,
  peerKey: string,
): Uint8Array {
  const shared = sharedSecret(
    x25519PrivateKey(x25519SecretKeyOf(selfSeed)),
    x25519PublicKeyOf(fromHex(peerKey)),
  );
  const info = utf8(`carechain/ai/pair-seed/v1/${chainId}/${[selfKey, peerKey].sort().join('/')}`);
  return new Uint8Array(hkdfSync('sha256', shared, new Uint8Array(0), info, PAIR_SEED_BYTES));
}
