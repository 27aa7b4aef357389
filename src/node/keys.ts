// Node and client key files. A key file holds the Ed25519 seed in hex and is written with mode 0600;
// the seed is never logged. Key generation is the one place randomness enters signing.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { fromHex, isHex, toHex } from '../core/bytes.ts';
import { publicKeyFromSeed } from '../core/crypto/index.ts';
import { NodeError } from './errors.ts';

export interface KeyPair {
  readonly publicKey: string;
  readonly seed: Uint8Array;
}

export function generateKeyPair(): KeyPair {
  const seed = new Uint8Array(randomBytes(32));
  return { publicKey: toHex(publicKeyFromSeed(seed)), seed };
}

export function keyPairFromSeed(seed: Uint8Array): KeyPair {
  return { publicKey: toHex(publicKeyFromSeed(seed)), seed };
}

export function writeKeyFile(path: string, key: KeyPair): void {
  writeFileSync(path, JSON.stringify({ publicKey: key.publicKey, seed: toHex(key.seed) }, null, 2) + '\n', {
    mode: 0o600,
    flag: 'wx',
  });
}

/** Refuses a file that exists: it may hold the only copy of `what` (a key, a seed). */
export function refuseToOverwrite(path: string, what: string): void {
  if (existsSync(path)) {
    throw new NodeError('config.exists', `${path} exists already; not overwriting ${what}`);
  }
}

/** A new key in a new file; an existing file is never overwritten (it may be the only copy of a key). */
export function createKeyFile(path: string): KeyPair {
  refuseToOverwrite(path, 'a key');
  const key = generateKeyPair();
  writeKeyFile(path, key);
  return key;
}

export function readKeyFile(path: string): KeyPair {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new NodeError('key.unreadable', `cannot read key file ${path}`);
  }
  const seed = (parsed as { seed?: unknown }).seed;
  if (!isHex(seed, 32)) throw new NodeError('key.invalid', `key file ${path} has no 32-byte hex seed`);
  return keyPairFromSeed(fromHex(seed));
}

export function loadOrCreateKeyFile(path: string): KeyPair {
  if (existsSync(path)) return readKeyFile(path);
  const key = generateKeyPair();
  writeKeyFile(path, key);
  return key;
}
