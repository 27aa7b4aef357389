// GA4GH Crypt4GH v1 containers (samtools/hts-specs crypt4gh.pdf) on node:crypto: the vault's at-rest
// format for genomes. A header of packets, each encrypted for one reader with X25519 + ChaCha20-Poly1305,
// carries the data key; the data follows in 64 KiB segments, each ChaCha20-Poly1305 under that key with
// its own nonce. Granting another reader re-encrypts the header only: the segments are not touched.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { concatBytes } from '../../core/bytes.ts';
import { ephemeralX25519, openFailed, sharedSecret, x25519PrivateKey } from './node-cipher.ts';

const MAGIC = new TextEncoder().encode('crypt4gh');
const VERSION = 1;
const METHOD_X25519_CHACHA20_POLY1305 = 0; // header packet encryption (§3.2)
const PACKET_DATA_ENCRYPTION_PARAMETERS = 0; // header packet type (§3.2.1)
const DATA_CHACHA20_POLY1305 = 0; // data encryption method (§3.2.2)
const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const MAC_BYTES = 16;
export const SEGMENT_BYTES = 65_536;
const CIPHER_SEGMENT_BYTES = NONCE_BYTES + SEGMENT_BYTES + MAC_BYTES;

function u32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, true);
  return out;
}

function readU32(bytes: Uint8Array, offset: number): number {
  if (offset + 4 > bytes.length) throw openFailed();
  return new DataView(bytes.buffer, bytes.byteOffset + offset, 4).getUint32(0, true);
}

function seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: MAC_BYTES });
  return concatBytes(cipher.update(plaintext), cipher.final(), cipher.getAuthTag());
}

function open(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array): Uint8Array | undefined {
  if (sealed.length < MAC_BYTES) return undefined;
  const decipher = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: MAC_BYTES });
  decipher.setAuthTag(sealed.subarray(sealed.length - MAC_BYTES));
  try {
    return concatBytes(decipher.update(sealed.subarray(0, sealed.length - MAC_BYTES)), decipher.final());
  } catch {
    return undefined;
  }
}

/**
 * §3.2.3: the packet key is the first 32 bytes of BLAKE2b-512(X25519(sk, pk) || reader_pk || writer_pk),
 * which is libsodium's crypto_kx session key (the reader as client, the writer as server).
 */
function packetKey(shared: Uint8Array, readerPublic: Uint8Array, writerPublic: Uint8Array): Uint8Array {
  const digest = createHash('blake2b512').update(shared).update(readerPublic).update(writerPublic).digest();
  return new Uint8Array(digest.subarray(0, KEY_BYTES));
}

/** A Crypt4GH key pair (raw X25519). The secret stays in the custodian's or researcher's keeping. */
export function crypt4ghKeyPair(): { secretKey: Uint8Array; publicKey: Uint8Array } {
  const secretKey = new Uint8Array(randomBytes(KEY_BYTES));
  return { secretKey, publicKey: crypt4ghPublicKey(secretKey) };
}

export function crypt4ghPublicKey(secretKey: Uint8Array): Uint8Array {
  const jwk = x25519PrivateKey(secretKey).export({ format: 'jwk' });
  return new Uint8Array(Buffer.from(String(jwk.x), 'base64url'));
}

/** One header packet carrying `dataKey` for `readerPublic`, from a fresh (ephemeral) writer key. */
function headerPacket(dataKey: Uint8Array, readerPublic: Uint8Array): Uint8Array {
  const writer = ephemeralX25519();
  const key = packetKey(sharedSecret(writer.privateKey, readerPublic), readerPublic, writer.publicKey);
  const nonce = new Uint8Array(randomBytes(NONCE_BYTES));
  const plaintext = concatBytes(u32(PACKET_DATA_ENCRYPTION_PARAMETERS), u32(DATA_CHACHA20_POLY1305), dataKey);
  const body = concatBytes(
    u32(METHOD_X25519_CHACHA20_POLY1305),
    writer.publicKey,
    nonce,
    seal(key, nonce, plaintext),
  );
  return concatBytes(u32(4 + body.length), body);
}

function header(dataKey: Uint8Array, readers: readonly Uint8Array[]): Uint8Array {
  if (readers.length === 0) throw openFailed();
  return concatBytes(
    MAGIC,
    u32(VERSION),
    u32(readers.length),
    ...readers.map((r) => headerPacket(dataKey, r)),
  );
}

/** Encrypts `plaintext` for every reader in `readers` (their X25519 public keys). */
export function writeCrypt4gh(plaintext: Uint8Array, readers: readonly Uint8Array[]): Uint8Array {
  const dataKey = new Uint8Array(randomBytes(KEY_BYTES));
  const segments: Uint8Array[] = [];
  for (let offset = 0; offset < plaintext.length || offset === 0; offset += SEGMENT_BYTES) {
    const nonce = new Uint8Array(randomBytes(NONCE_BYTES));
    segments.push(nonce, seal(dataKey, nonce, plaintext.subarray(offset, offset + SEGMENT_BYTES)));
    if (plaintext.length === 0) break;
  }
  return concatBytes(header(dataKey, readers), ...segments);
}

interface ParsedHeader {
  readonly dataKey: Uint8Array;
  /** Where the data segments begin. */
  readonly dataOffset: number;
}

/** Reads the header and finds the packet this reader can open; anything malformed fails as a whole. */
function parseHeader(container: Uint8Array, readerSecret: Uint8Array): ParsedHeader {
  if (container.length < 16 || MAGIC.some((byte, i) => container[i] !== byte)) throw openFailed();
  if (readU32(container, 8) !== VERSION) throw openFailed();
  const packets = readU32(container, 12);
  const reader = x25519PrivateKey(readerSecret);
  const readerPublic = crypt4ghPublicKey(readerSecret);
  let offset = 16;
  let dataKey: Uint8Array | undefined;
  for (let i = 0; i < packets; i += 1) {
    const length = readU32(container, offset);
    const minimum = 8 + KEY_BYTES + NONCE_BYTES + MAC_BYTES;
    if (length < minimum || offset + length > container.length) throw openFailed();
    if (readU32(container, offset + 4) !== METHOD_X25519_CHACHA20_POLY1305) throw openFailed();
    const writerPublic = container.subarray(offset + 8, offset + 8 + KEY_BYTES);
    const nonce = container.subarray(offset + 8 + KEY_BYTES, offset + 8 + KEY_BYTES + NONCE_BYTES);
    const sealed = container.subarray(offset + 8 + KEY_BYTES + NONCE_BYTES, offset + length);
    const key = packetKey(sharedSecret(reader, writerPublic), readerPublic, writerPublic);
    const plaintext = open(key, nonce, sealed);
    if (plaintext !== undefined) dataKey = dataKeyOf(plaintext) ?? dataKey;
    offset += length;
  }
  if (dataKey === undefined) throw openFailed();
  return { dataKey, dataOffset: offset };
}

function dataKeyOf(packet: Uint8Array): Uint8Array | undefined {
  if (packet.length !== 8 + KEY_BYTES) return undefined;
  if (readU32(packet, 0) !== PACKET_DATA_ENCRYPTION_PARAMETERS) return undefined;
  if (readU32(packet, 4) !== DATA_CHACHA20_POLY1305) return undefined;
  return packet.slice(8);
}

/** Decrypts a container with a reader's secret key; any changed byte of its header or data fails it. */
export function readCrypt4gh(container: Uint8Array, readerSecret: Uint8Array): Uint8Array {
  const { dataKey, dataOffset } = parseHeader(container, readerSecret);
  if (container.length - dataOffset < NONCE_BYTES + MAC_BYTES) throw openFailed();
  const parts: Uint8Array[] = [];
  for (let offset = dataOffset; offset < container.length; offset += CIPHER_SEGMENT_BYTES) {
    const segment = container.subarray(offset, Math.min(offset + CIPHER_SEGMENT_BYTES, container.length));
    const plaintext = open(dataKey, segment.subarray(0, NONCE_BYTES), segment.subarray(NONCE_BYTES));
    if (plaintext === undefined) throw openFailed();
    parts.push(plaintext);
  }
  return concatBytes(...parts);
}

/**
 * The container with a new header for `readers`, opened with a current reader's secret key; the data
 * segments are carried over byte for byte (§1: "re-encrypting the header ... without touching the data").
 */
export function reencryptCrypt4ghHeader(
  container: Uint8Array,
  readerSecret: Uint8Array,
  readers: readonly Uint8Array[],
): Uint8Array {
  const { dataKey, dataOffset } = parseHeader(container, readerSecret);
  return concatBytes(header(dataKey, readers), container.subarray(dataOffset));
}

/** The data segments alone: unchanged by header re-encryption, so their hash names the genome's bytes. */
export function crypt4ghSegments(container: Uint8Array, readerSecret: Uint8Array): Uint8Array {
  return container.subarray(parseHeader(container, readerSecret).dataOffset);
}
