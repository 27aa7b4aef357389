// Raw Ed25519 verification rates on this machine, for the same-run ratio of a network bench: node:crypto
// (what a node uses) and @noble/curves (the browser backend, pure JavaScript), one core, a second each.
import { createHash, generateKeyPairSync, sign, verify } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ed25519 } from '@noble/curves/ed25519.js';

function perSecond(verifyOnce: () => boolean, millis: number): number {
  let count = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < millis) {
    if (!verifyOnce()) throw new Error('a valid signature did not verify');
    count++;
  }
  return count / ((performance.now() - t0) / 1000);
}

export interface VerifyRates {
  readonly nodeCryptoPerSec: number;
  readonly noblePerSec: number;
}

export function measureVerifyRates(millis = 1000): VerifyRates {
  const message = createHash('sha256').update('x').digest();
  const keys = generateKeyPairSync('ed25519');
  const signature = sign(null, message, keys.privateKey);
  const nodeCryptoPerSec = perSecond(() => verify(null, message, keys.publicKey, signature), millis);
  const seed = ed25519.utils.randomSecretKey();
  const publicKey = ed25519.getPublicKey(seed);
  const nobleSignature = ed25519.sign(message, seed);
  const noblePerSec = perSecond(
    () => ed25519.verify(nobleSignature, message, publicKey, { zip215: false }),
    millis,
  );
  return { nodeCryptoPerSec, noblePerSec };
}
