// Hashing and Ed25519 for every layer, with domain separation. The backend (node:crypto in the node,
// @noble in the browser) is chosen by the "#crypto-backend" import condition in package.json.
import { backend } from '#crypto-backend';
import { concatBytes, utf8 } from '../bytes.ts';

export { isAcceptablePublicKey } from './ed25519-rule.ts';

export const PUBLIC_KEY_BYTES = 32;
export const SEED_BYTES = 32;
export const SIGNATURE_BYTES = 64;
export const HASH_BYTES = 32;

export function sha256(data: Uint8Array): Uint8Array {
  return backend.sha256(data);
}

export function sha512(data: Uint8Array): Uint8Array {
  return backend.sha512(data);
}

export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  return backend.hmacSha256(key, data);
}

/**
 * What a signature is for. Each purpose gets its own prefix, so a signature made for one purpose (a vote,
 * say) can never be replayed as another (a transaction), nor on another chain.
 */
export type SignaturePurpose =
  | 'tx'
  | 'vote'
  | 'proposal'
  | 'receipt'
  | 'auth-challenge'
  /** A practitioner's signed delegation to their own node (contract/delegation.ts, finding 8). */
  | 'delegation'
  /** A monitoring device's or gateway's signature over one period's batch root (app/monitoring). */
  | 'device-batch'
  /** A member organisation's admin key over a recovery certificate's terms (core/recovery.ts). */
  | 'recovery';

/** The bytes actually signed: "carechain/v1/<purpose>/<chainId>\n" followed by the message. */
export function signingBytes(purpose: SignaturePurpose, chainId: string, message: Uint8Array): Uint8Array {
  return concatBytes(utf8(`carechain/v1/${purpose}/${chainId}\n`), message);
}

export function publicKeyFromSeed(seed: Uint8Array): Uint8Array {
  return backend.ed25519PublicKey(seed);
}

export function signMessage(
  seed: Uint8Array,
  purpose: SignaturePurpose,
  chainId: string,
  message: Uint8Array,
): Uint8Array {
  return backend.ed25519Sign(seed, signingBytes(purpose, chainId, message));
}

export function verifyMessage(
  publicKey: Uint8Array,
  purpose: SignaturePurpose,
  chainId: string,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  return backend.ed25519Verify(publicKey, signingBytes(purpose, chainId, message), signature);
}

/** Plain Ed25519 over raw bytes, for conformance tests against RFC 8032 vectors. */
export function verifyRaw(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  return backend.ed25519Verify(publicKey, message, signature);
}

export function signRaw(seed: Uint8Array, message: Uint8Array): Uint8Array {
  return backend.ed25519Sign(seed, message);
}
