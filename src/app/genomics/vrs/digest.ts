// GA4GH digests (VRS 2.x "Computed Identifiers", conventions/computed_identifiers): sha512t24u is the
// first 24 bytes of SHA-512, base64url-encoded without padding (32 characters).
import { sha512 } from '../../../core/crypto/index.ts';
import { utf8 } from '../../../core/bytes.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** RFC 4648 §5 base64url without padding. */
export function base64url(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const chunk = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let j = 0; j < chars; j += 1) out += ALPHABET[(chunk >> (18 - 6 * j)) & 63]!;
  }
  return out;
}

export function sha512t24u(blob: Uint8Array | string): string {
  return base64url(sha512(typeof blob === 'string' ? utf8(blob) : blob).subarray(0, 24));
}
