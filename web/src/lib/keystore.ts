// Keys at rest in the browser: an Ed25519 seed sealed with a passphrase. The key is derived with
// PBKDF2-HMAC-SHA-256 (RFC 8018 §5.2) at 600,000 iterations (OWASP Password Storage Cheat Sheet, 2023)
// and the seed encrypted with AES-256-GCM (NIST SP 800-38D), all by the browser's WebCrypto: no crypto
// of our own. The public key and the key's kind are bound as GCM associated data, so a sealed entry
// cannot be relabelled. The same JSON is the recovery file a user downloads and imports elsewhere.
// No DOM here (only globalThis.crypto), so Node runs the same code in tests.
import { fromHex, isHex, toHex, utf8 } from '../../../src/core/bytes.ts';
import { canonicalBytes } from '../../../src/core/canonical.ts';
import { publicKeyFromSeed, SEED_BYTES } from '../../../src/core/crypto/index.ts';

export const SEALED_KEY_FORMAT = 'carechain-sealed-key/v1';
export const PBKDF2_ITERATIONS = 600_000;
/** Below this a file is refused: it was not made by us, or made to be cracked. */
export const PBKDF2_ITERATIONS_MIN = 310_000;
export const PASSPHRASE_CHARS_MIN = 8;
const SALT_BYTES = 16;
const IV_BYTES = 12;

export type KeyKind = 'patient' | 'staff';

export interface SealedKey {
  readonly format: typeof SEALED_KEY_FORMAT;
  readonly kind: KeyKind;
  /** A name the user chose; shown in the key list. Not secret. */
  readonly label: string;
  readonly publicKey: string;
  readonly kdf: {
    readonly name: 'PBKDF2';
    readonly hash: 'SHA-256';
    readonly iterations: number;
    readonly salt: string;
  };
  readonly cipher: { readonly name: 'AES-GCM'; readonly iv: string; readonly ciphertext: string };
}

export class KeystoreError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'KeystoreError';
    this.code = code;
  }
}

// Spelled through globalThis so the same file type-checks against the DOM's and Node's WebCrypto.
type Subtle = typeof globalThis.crypto.subtle;
type AesKey = Awaited<ReturnType<Subtle['deriveKey']>>;

function subtle(): Subtle {
  const api = globalThis.crypto?.subtle;
  if (api === undefined) {
    throw new KeystoreError('keystore.no_webcrypto', 'this page needs a secure context (https or localhost)');
  }
  return api;
}

/** A copy on a plain ArrayBuffer, the only kind WebCrypto's types accept. */
function bytes(data: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(data);
}

export function randomBytes(n: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(n));
}

/** A fresh Ed25519 seed from the browser's CSPRNG (RFC 8032 §5.1.5: 32 random bytes). */
export function newSeed(): Uint8Array {
  return randomBytes(SEED_BYTES);
}

async function aesKey(passphrase: string, salt: Uint8Array, iterations: number): Promise<AesKey> {
  const base = await subtle().importKey('raw', bytes(utf8(passphrase.normalize('NFC'))), 'PBKDF2', false, [
    'deriveKey',
  ]);
  return subtle().deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt: bytes(salt), iterations },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

function associatedData(kind: KeyKind, publicKey: string): Uint8Array {
  return canonicalBytes({ format: SEALED_KEY_FORMAT, kind, publicKey });
}

export async function sealSeed(
  seed: Uint8Array,
  passphrase: string,
  meta: { kind: KeyKind; label: string },
  iterations = PBKDF2_ITERATIONS,
): Promise<SealedKey> {
  if (seed.length !== SEED_BYTES) throw new KeystoreError('keystore.bad_seed', 'a key is 32 bytes');
  if (passphrase.length < PASSPHRASE_CHARS_MIN) {
    throw new KeystoreError(
      'keystore.weak_passphrase',
      `use a passphrase of at least ${PASSPHRASE_CHARS_MIN} characters`,
    );
  }
  const publicKey = toHex(publicKeyFromSeed(seed));
  const salt = randomBytes(SALT_BYTES);
  const iv = randomBytes(IV_BYTES);
  const key = await aesKey(passphrase, salt, iterations);
  const ciphertext = new Uint8Array(
    await subtle().encrypt(
      { name: 'AES-GCM', iv: bytes(iv), additionalData: bytes(associatedData(meta.kind, publicKey)) },
      key,
      bytes(seed),
    ),
  );
  return {
    format: SEALED_KEY_FORMAT,
    kind: meta.kind,
    label: meta.label.slice(0, 80),
    publicKey,
    kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations, salt: toHex(salt) },
    cipher: { name: 'AES-GCM', iv: toHex(iv), ciphertext: toHex(ciphertext) },
  };
}

/** The seed, or KeystoreError('keystore.wrong_passphrase') when the passphrase (or the file) is wrong. */
export async function openSeed(sealed: SealedKey, passphrase: string): Promise<Uint8Array> {
  const key = await aesKey(passphrase, fromHex(sealed.kdf.salt), sealed.kdf.iterations);
  let seed: Uint8Array;
  try {
    seed = new Uint8Array(
      await subtle().decrypt(
        {
          name: 'AES-GCM',
          iv: bytes(fromHex(sealed.cipher.iv)),
          additionalData: bytes(associatedData(sealed.kind, sealed.publicKey)),
        },
        key,
        bytes(fromHex(sealed.cipher.ciphertext)),
      ),
    );
  } catch {
    throw new KeystoreError('keystore.wrong_passphrase', 'wrong passphrase, or the key file was altered');
  }
  if (seed.length !== SEED_BYTES || toHex(publicKeyFromSeed(seed)) !== sealed.publicKey) {
    throw new KeystoreError('keystore.corrupt', 'the key file does not match its public key');
  }
  return seed;
}

/** Reads a recovery file (or a stored entry), refusing anything but our format with sane parameters. */
export function parseSealedKey(text: string): SealedKey {
  const bad = (why: string) => new KeystoreError('keystore.bad_file', `not a carechain key file: ${why}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw bad('not JSON');
  }
  const v = (value ?? {}) as Partial<SealedKey>;
  if (v.format !== SEALED_KEY_FORMAT) throw bad('unknown format');
  if (v.kind !== 'patient' && v.kind !== 'staff') throw bad('unknown kind');
  if (!isHex(v.publicKey, 32)) throw bad('bad public key');
  const kdf = v.kdf;
  if (kdf?.name !== 'PBKDF2' || kdf.hash !== 'SHA-256' || !isHex(kdf.salt, SALT_BYTES))
    throw bad('unknown KDF');
  if (
    !Number.isSafeInteger(kdf.iterations) ||
    kdf.iterations < PBKDF2_ITERATIONS_MIN ||
    kdf.iterations > 10_000_000
  ) {
    throw bad(`KDF iterations must be ${PBKDF2_ITERATIONS_MIN} to 10,000,000`);
  }
  const cipher = v.cipher;
  if (
    cipher?.name !== 'AES-GCM' ||
    !isHex(cipher.iv, IV_BYTES) ||
    !isHex(cipher.ciphertext, SEED_BYTES + 16)
  ) {
    throw bad('unknown cipher');
  }
  return {
    format: SEALED_KEY_FORMAT,
    kind: v.kind,
    label: typeof v.label === 'string' ? v.label.slice(0, 80) : '',
    publicKey: v.publicKey,
    kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations: kdf.iterations, salt: kdf.salt },
    cipher: { name: 'AES-GCM', iv: cipher.iv, ciphertext: cipher.ciphertext },
  };
}

/** A raw seed typed or pasted as 64 hex digits (what the demo credentials.json holds). */
export function parseSeedHex(text: string): Uint8Array {
  const hex = text.trim().toLowerCase().replace(/^0x/, '');
  if (!isHex(hex, SEED_BYTES)) {
    throw new KeystoreError('keystore.bad_seed', 'a key seed is 64 hexadecimal digits');
  }
  return fromHex(hex);
}
