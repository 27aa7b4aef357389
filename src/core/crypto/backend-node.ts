// node:crypto backend (OpenSSL). Keys arrive as raw 32-byte values and are wrapped in their fixed
// DER prefixes (RFC 8410) because node:crypto has no raw Ed25519 key import.
import {
  createHmac,
  hash,
  createPrivateKey,
  createPublicKey,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { BoundedMap } from '../bounded-map.ts';
import type { CryptoBackend } from './backend.ts';
import { isAcceptablePublicKey } from './ed25519-rule.ts';

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

// Checking a key against the pinned rule (a subgroup check) and parsing its DER each cost more than a
// verification, and a node verifies the same few thousand signers over and over, so each key's verdict
// is kept in a bounded cache (cleared whole when full). A cache is invisible to callers: same answers.
const publicKeyCache = new BoundedMap<string, KeyObject | null>(10_000);

function publicKeyObject(publicKey: Uint8Array): KeyObject | null {
  return publicKeyCache.getOrCompute(Buffer.from(publicKey).toString('latin1'), () =>
    isAcceptablePublicKey(publicKey)
      ? createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]), format: 'der', type: 'spki' })
      : null,
  );
}

// Importing a private key costs twenty signatures, and a node signs with the same key all the time, so
// the few signing keys of a process are kept parsed (bounded; cleared whole when full). The cache holds
// nothing the process did not already hold: the caller passes the seed on every call.
const privateKeyCache = new BoundedMap<string, { key: KeyObject; publicKey: Uint8Array }>(64);

function privateKeyEntry(seed: Uint8Array): { key: KeyObject; publicKey: Uint8Array } {
  return privateKeyCache.getOrCompute(Buffer.from(seed).toString('latin1'), () => {
    const key = createPrivateKey({
      key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
      format: 'der',
      type: 'pkcs8',
    });
    const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
    return { key, publicKey: toBytes(spki.subarray(SPKI_ED25519_PREFIX.length)) };
  });
}

function toBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

export const backend: CryptoBackend = {
  // One-shot hash (node ≥ 20.12): no Hash object per call, which cost a third of a short hash's time.
  sha256: (data) => toBytes(hash('sha256', data, 'buffer')),
  sha512: (data) => toBytes(hash('sha512', data, 'buffer')),
  hmacSha256: (key, data) => toBytes(createHmac('sha256', key).update(data).digest()),
  ed25519PublicKey: (seed) => privateKeyEntry(seed).publicKey.slice(),
  ed25519Sign: (seed, message) => toBytes(sign(null, message, privateKeyEntry(seed).key)),
  ed25519Verify(publicKey, message, signature) {
    if (signature.length !== 64) return false;
    const key = publicKeyObject(publicKey);
    if (key === null) return false;
    try {
      return verify(null, message, key, signature);
    } catch {
      return false;
    }
  },
};
