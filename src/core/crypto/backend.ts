// The interface both crypto backends implement. The node uses node:crypto (OpenSSL, fast); the browser
// uses @noble (audited pure JS). package.json "imports" picks one by condition, so core code stays free
// of both module-level state and platform imports. See docs/ARCHITECTURE.md "Signatures".

export interface CryptoBackend {
  sha256(data: Uint8Array): Uint8Array;
  /** SHA-512 (FIPS 180-4), for formats that name it: GA4GH digests (sha512t24u) and refget. */
  sha512(data: Uint8Array): Uint8Array;
  /** HMAC-SHA-256 (RFC 2104): a keyed hash, for fingerprints only holders of the key can compute. */
  hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array;
  /** The 32-byte Ed25519 public key of a 32-byte private seed (RFC 8032 §5.1.5). */
  ed25519PublicKey(seed: Uint8Array): Uint8Array;
  ed25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array;
  /** Verification under the rule pinned in ed25519-rule.ts; never throws. */
  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
}
