// The record and key-wrap formats of the off-chain vault, and a pure (@noble) implementation of both, so
// a browser can open the records wrapped for its patient's key. The node seals and opens the same formats
// with node:crypto (src/node/vault/node-cipher.ts); envelope.test.ts proves the two agree both ways.
// Randomness is an argument here (pure layer): ephemeral keys, data keys, nonces and salts come from the
// caller.
//
// Record: AES-256-GCM (NIST SP 800-38D) with a fresh 256-bit data key and a 96-bit nonce per record
// version; the associated data binds the ciphertext to (chainId, recordId, version, resourceType), so a
// ciphertext moved to another record fails to open.
//
// Key wrap ("ECIES"): ephemeral X25519 (RFC 7748) with the recipient's key, HKDF-SHA256 (RFC 5869) over
// the shared secret with both public keys in `info`, AES-256-GCM over the data key. Two formats, told
// apart by the first byte:
// - Format 1: a fresh ephemeral key per envelope. Every single wrap is written in it (a re-wrap for a
//   requester, a claim document, the network key), so readers at another organisation's node, which
//   may run an older carechain, open what they receive.
// - Format 2 (issue 21's bench): `info` also holds the record version's ref, so the wrap key and nonce
//   differ per version under one ephemeral key. A custodian sealing many versions for one recipient (an
//   HL7 message, a FHIR Bundle) does one X25519 agreement per recipient instead of one per version, as
//   one HPKE context seals many messages (RFC 9180 §5.2). Readers of this version on open both.
//
// Recipients are known by their Ed25519 identity keys, converted with the RFC 7748 §4.1 birational map
// (u = (1 + y) / (1 - y)), as libsodium's crypto_sign_ed25519_pk_to_curve25519 and sk_to_curve25519 do.
// Using one key pair for Ed25519 signing and X25519 agreement is sound (Thormarker, "On using the same key
// pair for Ed25519 and an X25519 based KEM", ePrint 2021/509), but it is a caveat: a compromised identity
// seed exposes both signatures and every wrapped key, and a key rotation must re-wrap the data keys.
//
// AES-GCM is not key-committing: with two keys one ciphertext can open to two plaintexts ("invisible
// salamanders", Dodis et al. CRYPTO 2018; Albertini et al. USENIX Security 2022). The custodian wraps one
// key for many recipients, so a hash of the data key is stored with the ciphertext, covered by the
// on-chain commitment and checked by every opener: all recipients of a commitment read the same bytes.
import { gcm } from '@noble/ciphers/aes.js';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { canonicalBytes } from '../canonical.ts';
import { bytesEqual, concatBytes, fromHex, isHex, toHex, utf8 } from '../bytes.ts';
import { CoreError } from '../errors.ts';
import { isAcceptablePublicKey } from './ed25519-rule.ts';
import { sha256 } from './index.ts';

export const DATA_KEY_BYTES = 32;
/** 96 bits: the nonce length GCM processes without GHASH (NIST SP 800-38D §5.2.1.1, §8.2.2). */
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
export const SALT_BYTES = 32;
export const X25519_KEY_BYTES = 32;
/** HKDF info without the ref: one ephemeral key per envelope. */
export const ENVELOPE_FORMAT_V1 = 1;
/** HKDF info ends with the ref, so one ephemeral key may serve many versions (a batch seal). */
export const ENVELOPE_FORMAT_V2 = 2;
/** format (1 byte) || ephemeral X25519 public key (32) || GCM(data key) (32) || tag (16). */
export const ENVELOPE_BYTES = 1 + X25519_KEY_BYTES + DATA_KEY_BYTES + TAG_BYTES;

const RECORD_AAD_LABEL = utf8('carechain/v1/record\n');
const WRAP_AAD_LABEL = utf8('carechain/v1/wrapped-key\n');
const WRAP_INFO_LABEL = utf8('carechain/v1/key-wrap\n');
const WRAP_INFO_LABEL_V2 = utf8('carechain/v2/key-wrap\n');
const KEY_COMMITMENT_LABEL = utf8('carechain/v1/key-commitment\n');
const RECORD_COMMITMENT_LABEL = utf8('carechain/v1/record-commitment\n');
/**
 * HKDF output: a 256-bit key-encryption key, then the 96-bit GCM nonce of the wrap (derived, as in RFC 9180
 * §5.1; each key-encryption key wraps one key only, so the nonce never repeats under it). In format 2 the
 * ref in `info` is what keeps it one key only: a sealer must never wrap twice for one (ephemeral key,
 * recipient, ref), which node-cipher.ts's EnvelopeSealer refuses.
 */
export const WRAP_KEY_MATERIAL_BYTES = DATA_KEY_BYTES + NONCE_BYTES;

/** Which record version a ciphertext or wrapped key belongs to; every field is bound by AAD. */
export interface RecordRef {
  readonly chainId: string;
  readonly recordId: string;
  readonly version: number;
  readonly resourceType: string;
}

/** A sealed record version and one envelope, as shipped to a recipient (bytes in lowercase hex). */
export interface RecordPackage extends RecordRef {
  readonly nonce: string;
  readonly salt: string;
  readonly keyCommitment: string;
  readonly ciphertext: string;
  readonly commitment: string;
  readonly envelope: string;
}

export interface Envelope {
  readonly format: typeof ENVELOPE_FORMAT_V1 | typeof ENVELOPE_FORMAT_V2;
  readonly ephemeralPublicKey: Uint8Array;
  readonly wrappedKey: Uint8Array;
}

export function recordAad(ref: RecordRef): Uint8Array {
  return concatBytes(RECORD_AAD_LABEL, refBytes(ref));
}

/** Distinct from recordAad by its label, so a wrapped key can never pass for a record ciphertext. */
export function wrapAad(ref: RecordRef): Uint8Array {
  return concatBytes(WRAP_AAD_LABEL, refBytes(ref));
}

function refBytes(ref: RecordRef): Uint8Array {
  const { chainId, recordId, version, resourceType } = ref;
  return canonicalBytes({ chainId, recordId, version, resourceType });
}

/**
 * HKDF info: both X25519 keys (as in RFC 9180's KEM context) and the recipient's Ed25519 key, which also
 * tells apart the two Edwards keys ±A that map to one Montgomery u; in format 2, then the version's ref
 * (its canonical JSON, the same bytes the AADs carry, after a fixed-length prefix so it is unambiguous).
 */
export function wrapInfo(
  format: Envelope['format'],
  ephemeralX: Uint8Array,
  recipientX: Uint8Array,
  recipientEd: Uint8Array,
  ref: RecordRef,
): Uint8Array {
  if (format === ENVELOPE_FORMAT_V1) return concatBytes(WRAP_INFO_LABEL, ephemeralX, recipientX, recipientEd);
  return concatBytes(WRAP_INFO_LABEL_V2, ephemeralX, recipientX, recipientEd, refBytes(ref));
}

export function splitWrapKeyMaterial(okm: Uint8Array): { kek: Uint8Array; nonce: Uint8Array } {
  return { kek: okm.slice(0, DATA_KEY_BYTES), nonce: okm.slice(DATA_KEY_BYTES, WRAP_KEY_MATERIAL_BYTES) };
}

export function keyCommitment(dataKey: Uint8Array): Uint8Array {
  return sha256(concatBytes(KEY_COMMITMENT_LABEL, dataKey));
}

/**
 * The on-chain commitment, hex: SHA-256(label || salt || nonce || keyCommitment || ciphertext-with-tag).
 * The random salt, kept off-chain, makes it a hiding commitment: someone holding a copy of the ciphertext
 * without its salt cannot tell which on-chain record it belongs to. The fixed-length fields come first,
 * so the encoding is unambiguous. The key commitment is included so that it, too, is fixed by the chain.
 */
export function recordCommitment(
  salt: Uint8Array,
  nonce: Uint8Array,
  keyCommit: Uint8Array,
  ciphertext: Uint8Array,
): string {
  return toHex(sha256(concatBytes(RECORD_COMMITMENT_LABEL, salt, nonce, keyCommit, ciphertext)));
}

export function encodeEnvelope(envelope: Envelope): Uint8Array {
  return concatBytes(new Uint8Array([envelope.format]), envelope.ephemeralPublicKey, envelope.wrappedKey);
}

export function decodeEnvelope(bytes: Uint8Array): Envelope {
  const format = bytes[0];
  if (bytes.length !== ENVELOPE_BYTES || (format !== ENVELOPE_FORMAT_V1 && format !== ENVELOPE_FORMAT_V2)) {
    throw new CoreError('envelope.malformed', 'not a carechain key envelope', {
      expected: ENVELOPE_BYTES,
      actual: bytes.length,
    });
  }
  return {
    format,
    ephemeralPublicKey: bytes.slice(1, 1 + X25519_KEY_BYTES),
    wrappedKey: bytes.slice(1 + X25519_KEY_BYTES),
  };
}

/**
 * The X25519 public key of an Ed25519 identity key. The key must pass the pinned Ed25519 rule (canonical,
 * torsion-free): a small-order key would give an all-zero shared secret anyone can compute.
 */
export function x25519PublicKeyOf(edPublicKey: Uint8Array): Uint8Array {
  if (!isAcceptablePublicKey(edPublicKey)) {
    throw new CoreError('envelope.bad_recipient_key', 'recipient key is not an acceptable Ed25519 key');
  }
  return ed25519.utils.toMontgomery(edPublicKey);
}

/** The X25519 secret of an Ed25519 seed: clamped SHA-512(seed)[0..32] (RFC 8032 §5.1.5, RFC 7748 §5). */
export function x25519SecretKeyOf(seed: Uint8Array): Uint8Array {
  return ed25519.utils.toMontgomerySecret(seed);
}

export function checkSeed(seed: Uint8Array): void {
  if (seed.length !== 32) throw new CoreError('envelope.bad_seed', 'an Ed25519 seed is 32 bytes');
}

/** RFC 7748 §6.1: a peer's low-order point yields zero, which the recipient must refuse. */
export function isAllZero(bytes: Uint8Array): boolean {
  let acc = 0;
  for (const byte of bytes) acc |= byte;
  return acc === 0;
}

// ---- Pure (@noble) implementation -------------------------------------------------------------------

function openFailed(): CoreError {
  // One code for a wrong key and for tampering alike: telling them apart helps only an attacker.
  return new CoreError('envelope.open_failed', 'the envelope or record does not open with this key');
}

function sharedSecret(secret: Uint8Array, publicKey: Uint8Array): Uint8Array {
  let shared: Uint8Array;
  try {
    shared = x25519.getSharedSecret(secret, publicKey);
  } catch {
    throw openFailed();
  }
  if (isAllZero(shared)) throw openFailed();
  return shared;
}

/** The key and nonce that wrap a data key, from the X25519 shared secret and both parties' public keys. */
function wrapKeyOf(shared: Uint8Array, info: Uint8Array): { kek: Uint8Array; nonce: Uint8Array } {
  return splitWrapKeyMaterial(hkdf(nobleSha256, shared, undefined, info, WRAP_KEY_MATERIAL_BYTES));
}

/**
 * Wraps a data key for a recipient; ephemeralSecret is 32 fresh random bytes from the caller, and in
 * format 2 may serve other versions for the same recipient (never the same version twice).
 */
export function sealEnvelopeWith(
  dataKey: Uint8Array,
  recipientEd: Uint8Array,
  ref: RecordRef,
  ephemeralSecret: Uint8Array,
  format: Envelope['format'] = ENVELOPE_FORMAT_V1,
): Uint8Array {
  const recipientX = x25519PublicKeyOf(recipientEd);
  const ephemeralX = x25519.getPublicKey(ephemeralSecret);
  const shared = sharedSecret(ephemeralSecret, recipientX);
  const info = wrapInfo(format, ephemeralX, recipientX, recipientEd, ref);
  const { kek, nonce } = wrapKeyOf(shared, info);
  const wrappedKey = gcm(kek, nonce, wrapAad(ref)).encrypt(dataKey);
  return encodeEnvelope({ format, ephemeralPublicKey: ephemeralX, wrappedKey });
}

/** Unwraps the data key with the recipient's Ed25519 seed. */
export function openEnvelope(
  envelopeBytes: Uint8Array,
  recipientSeed: Uint8Array,
  ref: RecordRef,
): Uint8Array {
  const { format, ephemeralPublicKey, wrappedKey } = decodeEnvelope(envelopeBytes);
  checkSeed(recipientSeed);
  const recipientEd = ed25519.getPublicKey(recipientSeed);
  const recipientX = x25519PublicKeyOf(recipientEd);
  const shared = sharedSecret(x25519SecretKeyOf(recipientSeed), ephemeralPublicKey);
  const info = wrapInfo(format, ephemeralPublicKey, recipientX, recipientEd, ref);
  const { kek, nonce } = wrapKeyOf(shared, info);
  try {
    return gcm(kek, nonce, wrapAad(ref)).decrypt(wrappedKey);
  } catch {
    throw openFailed();
  }
}

export function encryptRecordWith(
  dataKey: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  ref: RecordRef,
): Uint8Array {
  return gcm(dataKey, nonce, recordAad(ref)).encrypt(plaintext);
}

export function decryptRecord(
  dataKey: Uint8Array,
  nonce: Uint8Array,
  ciphertext: Uint8Array,
  ref: RecordRef,
): Uint8Array {
  if (nonce.length !== NONCE_BYTES || ciphertext.length < TAG_BYTES) throw openFailed();
  try {
    return gcm(dataKey, nonce, recordAad(ref)).decrypt(ciphertext);
  } catch {
    throw openFailed();
  }
}

function hexField(value: unknown, name: string, byteLength?: number): Uint8Array {
  if (!isHex(value, byteLength)) {
    throw new CoreError('envelope.malformed', `package field ${name} is not hex of the right length`, {
      field: name,
    });
  }
  return fromHex(value);
}

/**
 * Checks a record package's ciphertext against its commitment (and, when given, the one read from the
 * chain) without opening it: all that a relay holding no key can check, as a node does that passes on an
 * answer sealed for its practitioner. Answers the decoded fields.
 */
export function checkRecordPackage(
  pkg: RecordPackage,
  expectedCommitment?: string,
): { nonce: Uint8Array; keyCommit: Uint8Array; ciphertext: Uint8Array; envelope: Uint8Array } {
  const nonce = hexField(pkg.nonce, 'nonce', NONCE_BYTES);
  const salt = hexField(pkg.salt, 'salt', SALT_BYTES);
  const keyCommit = hexField(pkg.keyCommitment, 'keyCommitment', 32);
  const ciphertext = hexField(pkg.ciphertext, 'ciphertext');
  const envelope = hexField(pkg.envelope, 'envelope', ENVELOPE_BYTES);
  const commitment = recordCommitment(salt, nonce, keyCommit, ciphertext);
  if (
    commitment !== pkg.commitment ||
    (expectedCommitment !== undefined && commitment !== expectedCommitment)
  ) {
    throw new CoreError('envelope.commitment_mismatch', 'the ciphertext does not match its commitment', {
      expected: expectedCommitment ?? pkg.commitment,
      actual: commitment,
    });
  }
  return { nonce, keyCommit, ciphertext, envelope };
}

/**
 * Opens a record package with the recipient's seed: checks the commitment (against the package and, when
 * given, the one read from the chain), unwraps the key, checks the key commitment, decrypts.
 */
export function openRecordPackage(
  pkg: RecordPackage,
  recipientSeed: Uint8Array,
  expectedCommitment?: string,
): Uint8Array {
  const { nonce, keyCommit, ciphertext, envelope } = checkRecordPackage(pkg, expectedCommitment);
  const dataKey = openEnvelope(envelope, recipientSeed, pkg);
  if (!bytesEqual(keyCommitment(dataKey), keyCommit)) throw openFailed();
  return decryptRecord(dataKey, nonce, ciphertext, pkg);
}
