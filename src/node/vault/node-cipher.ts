// The node's implementation of the vault formats of src/core/crypto/envelope.ts, on node:crypto
// (OpenSSL): AES-256-GCM, X25519, HKDF-SHA256 and the randomness for keys, nonces and salts. Formats,
// labels, key conversions and commitments come from envelope.ts, so the node and a browser cannot drift;
// envelope.test.ts checks that each opens what the other sealed.
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { concatBytes, fromHex } from '../../core/bytes.ts';
import { CoreError } from '../../core/errors.ts';
import { BoundedMap } from '../../core/bounded-map.ts';
import { publicKeyFromSeed } from '../../core/crypto/index.ts';
import {
  DATA_KEY_BYTES,
  ENVELOPE_FORMAT_V1,
  ENVELOPE_FORMAT_V2,
  NONCE_BYTES,
  SALT_BYTES,
  TAG_BYTES,
  WRAP_KEY_MATERIAL_BYTES,
  checkSeed,
  decodeEnvelope,
  type decryptRecord as decryptRecordInJs,
  encodeEnvelope,
  isAllZero,
  keyCommitment,
  recordAad,
  recordCommitment,
  splitWrapKeyMaterial,
  wrapAad,
  wrapInfo,
  x25519PublicKeyOf,
  x25519SecretKeyOf,
  type Envelope,
  type RecordRef,
} from '../../core/crypto/envelope.ts';

// node:crypto imports raw X25519 keys only inside their fixed DER wrappers (RFC 8410 §7 and §4).
const PKCS8_X25519_PREFIX = fromHex('302e020100300506032b656e04220420');
const SPKI_X25519_PREFIX = fromHex('302a300506032b656e032100');

/** One sealed record version. dataKey is secret: it is wrapped, then dropped by the caller. */
export interface SealedRecord {
  readonly dataKey: Uint8Array;
  readonly nonce: Uint8Array;
  readonly salt: Uint8Array;
  readonly keyCommitment: Uint8Array;
  readonly ciphertext: Uint8Array;
  readonly commitment: string;
}

function bytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

export function openFailed(): CoreError {
  return new CoreError('envelope.open_failed', 'the envelope or record does not open with this key');
}

function gcmEncrypt(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  return concatBytes(bytes(cipher.update(plaintext)), bytes(cipher.final()), bytes(cipher.getAuthTag()));
}

function gcmDecrypt(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array {
  if (nonce.length !== NONCE_BYTES || sealed.length < TAG_BYTES) throw openFailed();
  // authTagLength pins the tag at 16 bytes: without it node accepts truncated tags (NIST SP 800-38D
  // §5.2.1.2 allows them only by prior agreement, and they weaken forgery resistance).
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    const head = decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES));
    return concatBytes(bytes(head), bytes(decipher.final()));
  } catch {
    throw openFailed();
  }
}

// Keys go in and out of OpenSSL as JWK (RFC 8037 OKP) where it matters: OpenSSL 3's DER decoders cost
// ~80 µs for a public and ~500 µs for a private X25519 key, JWK ~7 and ~60 µs (measured on Node 20), and a
// seal wraps a key for two recipients on every FHIR write.
const b64url = (key: Uint8Array): string => Buffer.from(key).toString('base64url');

export function x25519PrivateKey(secret: Uint8Array, publicKey?: Uint8Array): KeyObject {
  if (publicKey === undefined) {
    return createPrivateKey({
      key: Buffer.from(concatBytes(PKCS8_X25519_PREFIX, secret)),
      format: 'der',
      type: 'pkcs8',
    });
  }
  return createPrivateKey({
    key: { kty: 'OKP', crv: 'X25519', d: b64url(secret), x: b64url(publicKey) },
    format: 'jwk',
  });
}

function x25519PublicKey(publicKey: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: b64url(publicKey) }, format: 'jwk' });
}

/**
 * A fresh ephemeral X25519 key pair, made inside OpenSSL (its CSPRNG), with its raw public key.
 *
 * The public key comes back already encoded by the key-generation job, never by exporting the new
 * KeyObject: on Node 20, `generateKeyPairSync(…).publicKey.export({ format: 'jwk' })` deadlocks when a
 * garbage collection runs inside the export (it allocates V8 strings while holding the key's mutex, and
 * the collected generation job's destructor takes the same mutex). A 2,000-entry FHIR transaction hung
 * CI that way. node-cipher-gc.int.test.ts pins it.
 */
export function ephemeralX25519(): { privateKey: KeyObject; publicKey: Uint8Array } {
  const pair = generateKeyPairSync('x25519', { publicKeyEncoding: { format: 'jwk' } });
  // @types/node types this overload's public key as a KeyObject; with format 'jwk' it is the JWK.
  const { x } = pair.publicKey as unknown as { x: string };
  return { privateKey: pair.privateKey, publicKey: new Uint8Array(Buffer.from(x, 'base64url')) };
}

function rawPublicKey(key: KeyObject): Uint8Array {
  return bytes(key.export({ format: 'der', type: 'spki' })).slice(SPKI_X25519_PREFIX.length);
}

/** X25519 with the RFC 7748 §6.1 all-zero check (OpenSSL refuses it too; we do not rely on that). */
export function sharedSecret(privateKey: KeyObject, publicKey: Uint8Array | KeyObject): Uint8Array {
  let shared: Uint8Array;
  try {
    const peer = publicKey instanceof Uint8Array ? x25519PublicKey(publicKey) : publicKey;
    shared = bytes(diffieHellman({ privateKey, publicKey: peer }));
  } catch {
    throw openFailed();
  }
  if (isAllZero(shared)) throw openFailed();
  return shared;
}

function wrapKeyMaterial(shared: Uint8Array, info: Uint8Array): { kek: Uint8Array; nonce: Uint8Array } {
  // Empty salt = HashLen zero bytes (RFC 5869 §2.2): the DH output is already uniform enough for
  // extraction, and the context that matters (both public keys) is in info.
  const okm = new Uint8Array(hkdfSync('sha256', shared, new Uint8Array(0), info, WRAP_KEY_MATERIAL_BYTES));
  return splitWrapKeyMaterial(okm);
}

/** Encrypts one record version under a fresh random data key, nonce and commitment salt. */
export function encryptRecord(plaintext: Uint8Array, ref: RecordRef): SealedRecord {
  // One draw from the CSPRNG for the key, nonce and salt (three calls cost three times the call overhead
  // on every record written), copied out into their own buffers and then wiped.
  const random = bytes(randomBytes(DATA_KEY_BYTES + NONCE_BYTES + SALT_BYTES));
  const dataKey = random.slice(0, DATA_KEY_BYTES);
  // A random 96-bit nonce is safe here because each key encrypts exactly one message (SP 800-38D §8.3).
  const nonce = random.slice(DATA_KEY_BYTES, DATA_KEY_BYTES + NONCE_BYTES);
  const salt = random.slice(DATA_KEY_BYTES + NONCE_BYTES);
  random.fill(0);
  const ciphertext = gcmEncrypt(dataKey, nonce, plaintext, recordAad(ref));
  const keyCommit = keyCommitment(dataKey);
  return {
    dataKey,
    nonce,
    salt,
    keyCommitment: keyCommit,
    ciphertext,
    commitment: recordCommitment(salt, nonce, keyCommit, ciphertext),
  };
}

/** envelope.ts's decryptRecord on OpenSSL: its signature is that one's, so the two cannot drift apart. */
export const decryptRecord: typeof decryptRecordInJs = (dataKey, nonce, ciphertext, ref) => {
  if (dataKey.length !== DATA_KEY_BYTES) throw openFailed();
  return gcmDecrypt(dataKey, nonce, ciphertext, recordAad(ref));
};

/**
 * Converted keys, remembered: the Ed25519 → X25519 map needs a field inversion (@noble, about a
 * millisecond), and a node wraps keys for the same few identities (its own, its patients') over and over.
 * Public keys only; bounded, and simply emptied when full.
 */
const x25519Memo = new BoundedMap<string, Uint8Array>(10_000);

function memoX25519PublicKeyOf(recipientEd: Uint8Array): Uint8Array {
  return x25519Memo.getOrCompute(Buffer.from(recipientEd).toString('hex'), () =>
    x25519PublicKeyOf(recipientEd),
  );
}

/**
 * Parsed X25519 private keys, remembered per seed: every read opens an envelope with the node's own key,
 * and deriving its X25519 secret (SHA-512 in JS) and importing it into OpenSSL cost about a tenth of a
 * read. The same bounded, cleared-when-full rule as the Ed25519 signing keys (backend-node.ts): the cache
 * holds nothing the process did not already hold, since the caller passes the seed on every call.
 */
const x25519PrivateKeyCache = new BoundedMap<string, KeyObject>(64);

function memoX25519PrivateKey(seed: Uint8Array, publicKey: Uint8Array): KeyObject {
  return x25519PrivateKeyCache.getOrCompute(Buffer.from(seed).toString('latin1'), () =>
    x25519PrivateKey(x25519SecretKeyOf(seed), publicKey),
  );
}

/**
 * Recipients' X25519 public keys as OpenSSL key objects, remembered: importing one (JWK) was a tenth of
 * each wrap, and a custodian wraps for itself and the same patients over and over. Public keys only;
 * bounded, emptied when full. (Keys that arrive inside envelopes are ephemeral and never cached.)
 */
const recipientKeyObjects = new BoundedMap<string, KeyObject>(10_000);

function recipientKeyObject(recipientX: Uint8Array): KeyObject {
  return recipientKeyObjects.getOrCompute(Buffer.from(recipientX).toString('hex'), () =>
    x25519PublicKey(recipientX),
  );
}

/**
 * Wraps data keys in format 2 (envelope.ts) for the versions one request seals: one ephemeral X25519 key
 * and one agreement per recipient, then only HKDF (whose info holds each version's ref) and one AES-GCM
 * block per envelope. In format 1, the ephemeral key generation and the agreement of every envelope were
 * about an eighth of a custodian's busy time under HL7 load (bench/RESULTS.md).
 *
 * Safety rests on never wrapping twice for one (recipient, ref) under one ephemeral key: that would
 * reuse a wrap key and nonce for two data keys. seal() refuses it. Use one sealer per request and
 * close() it after: the shared secrets are wiped (best effort, as everywhere in JS).
 */
export class EnvelopeSealer {
  private readonly sessions = new Map<string, Agreement>();
  private readonly wrapped = new Set<string>();

  seal(dataKey: Uint8Array, recipientEd: Uint8Array, ref: RecordRef, aad = wrapAad(ref)): Uint8Array {
    const recipientHex = Buffer.from(recipientEd).toString('hex');
    const once = JSON.stringify([recipientHex, ref.chainId, ref.recordId, ref.version, ref.resourceType]);
    if (this.wrapped.has(once)) {
      throw new CoreError('envelope.repeated_wrap', 'a version is wrapped once per recipient and request');
    }
    let session = this.sessions.get(recipientHex);
    if (session === undefined) {
      session = agreement(recipientEd);
      this.sessions.set(recipientHex, session);
    }
    this.wrapped.add(once);
    return wrapWith(ENVELOPE_FORMAT_V2, session, dataKey, ref, aad);
  }

  close(): void {
    for (const session of this.sessions.values()) session.shared.fill(0);
    this.sessions.clear();
    this.wrapped.clear();
  }
}

/** An ephemeral key's agreement with one recipient, and the recipient's keys that the HKDF info names. */
interface Agreement {
  readonly recipientEd: Uint8Array;
  readonly recipientX: Uint8Array;
  readonly ephemeralX: Uint8Array;
  readonly shared: Uint8Array;
}

/** A fresh ephemeral key and its agreement with the recipient's X25519 key. */
function agreement(recipientEd: Uint8Array): Agreement {
  const recipientX = memoX25519PublicKeyOf(recipientEd);
  const { privateKey, publicKey: ephemeralX } = ephemeralX25519();
  return {
    recipientEd,
    recipientX,
    ephemeralX,
    shared: sharedSecret(privateKey, recipientKeyObject(recipientX)),
  };
}

function wrapWith(
  format: Envelope['format'],
  session: Agreement,
  dataKey: Uint8Array,
  ref: RecordRef,
  aad: Uint8Array,
): Uint8Array {
  const info = wrapInfo(format, session.ephemeralX, session.recipientX, session.recipientEd, ref);
  const { kek, nonce } = wrapKeyMaterial(session.shared, info);
  const wrappedKey = gcmEncrypt(kek, nonce, dataKey, aad);
  kek.fill(0);
  return encodeEnvelope({ format, ephemeralPublicKey: session.ephemeralX, wrappedKey });
}

/**
 * Wraps a data key for the holder of an Ed25519 identity key in format 1, with a fresh ephemeral X25519
 * key: a single wrap gains nothing from format 2, and format 1 opens at every carechain version.
 */
export function sealEnvelope(dataKey: Uint8Array, recipientEd: Uint8Array, ref: RecordRef): Uint8Array {
  const session = agreement(recipientEd);
  try {
    return wrapWith(ENVELOPE_FORMAT_V1, session, dataKey, ref, wrapAad(ref));
  } finally {
    session.shared.fill(0);
  }
}

/**
 * The sealer's envelopes of one version for each recipient, the version's associated data encoded once
 * rather than once per recipient.
 */
export function sealEnvelopes(
  dataKey: Uint8Array,
  recipientsEd: readonly Uint8Array[],
  ref: RecordRef,
  sealer: EnvelopeSealer,
): Uint8Array[] {
  const aad = wrapAad(ref);
  return recipientsEd.map((recipientEd) => sealer.seal(dataKey, recipientEd, ref, aad));
}

/** Unwraps a data key with the recipient's Ed25519 seed. */
export function openEnvelope(envelope: Uint8Array, recipientSeed: Uint8Array, ref: RecordRef): Uint8Array {
  const { format, ephemeralPublicKey, wrappedKey } = decodeEnvelope(envelope);
  checkSeed(recipientSeed);
  const recipientEd = publicKeyFromSeed(recipientSeed);
  const recipientX = memoX25519PublicKeyOf(recipientEd);
  const shared = sharedSecret(memoX25519PrivateKey(recipientSeed, recipientX), ephemeralPublicKey);
  const info = wrapInfo(format, ephemeralPublicKey, recipientX, recipientEd, ref);
  const { kek, nonce } = wrapKeyMaterial(shared, info);
  return gcmDecrypt(kek, nonce, wrappedKey, wrapAad(ref));
}

/** The node's own X25519 public key for a seed, by OpenSSL: the agreement test compares it to the map. */
export function x25519PublicKeyFromSeed(seed: Uint8Array): Uint8Array {
  return rawPublicKey(createPublicKey(x25519PrivateKey(x25519SecretKeyOf(seed))));
}
