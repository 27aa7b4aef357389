// The Ed25519 verification rule carechain pins (STYLE.md §6), so that the node (OpenSSL) and the browser
// (@noble) accept exactly the same signatures:
//
//   RFC 8032 §5.1.7 verification with strict encodings (S < L; A and R canonical, y < p), where the
//   public key A must also be a point of the prime-order subgroup (not small-order, not mixed-order).
//
// Why the extra key condition: OpenSSL verifies cofactorless ([S]B = R + [k]A, by comparing encodings)
// while @noble verifies cofactored ([8][S]B = [8]R + [8][k]A). The two equations agree whenever A and R
// carry no torsion component. Requiring a torsion-free A closes the gap on the node side: with such an A,
// OpenSSL can only accept a torsion-free R. The browser backend additionally checks R (cheap there: it
// verifies a handful of signatures). ZIP-215 was the alternative; it is meant for consensus systems that
// need batch verification with one rule across libraries, but neither OpenSSL nor WebCrypto implement it,
// and the strict rule lets a node use OpenSSL's fast path. The agreement is tested in ed25519-rule.test.ts.
import { ed25519 } from '@noble/curves/ed25519.js';

/** True when bytes are a canonical encoding of a prime-order-subgroup point other than the identity. */
export function isAcceptablePublicKey(publicKey: Uint8Array): boolean {
  if (publicKey.length !== 32) return false;
  try {
    const point = ed25519.Point.fromBytes(publicKey, false);
    return !point.isSmallOrder() && point.isTorsionFree();
  } catch {
    return false;
  }
}

/** True when the R half of a signature decodes canonically to a torsion-free point. */
export function isAcceptableSignatureR(signature: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  try {
    return ed25519.Point.fromBytes(signature.subarray(0, 32), false).isTorsionFree();
  } catch {
    return false;
  }
}
