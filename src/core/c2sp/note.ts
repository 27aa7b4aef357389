// Signed notes (c2sp.org/signed-note): a text ending in a newline, a blank line, then one or more lines
// "— <key name> base64(key ID || signature)". Verifier keys are "vkey" strings, name+keyid+base64(type
// || public key), as the Go checksum database and the witness network publish them. Two signature types
// are supported, both Ed25519 over node:crypto/@noble (core/crypto), never our own arithmetic:
//   0x01: the note text signed as is (the log's own signature on a checkpoint);
//   0x04: a timestamped witness cosignature (c2sp.org/tlog-cosignature, ./cosignature.ts).
import { bytesEqual, concatBytes, toHex, utf8 } from '../bytes.ts';
import { sha256, signRaw, verifyRaw } from '../crypto/index.ts';
import { CoreError } from '../errors.ts';
import { fromBase64, toBase64 } from './base64.ts';
import { cosignatureMessage, readTimestampedSignature, timestampedSignature } from './cosignature.ts';

export const SIG_ED25519 = 0x01;
export const SIG_COSIGNATURE_V1 = 0x04;
export type SignatureType = typeof SIG_ED25519 | typeof SIG_COSIGNATURE_V1;

/** Go's note.Open refuses more than 100 signatures; the spec asks for at least 16. */
export const NOTE_SIGNATURES_MAX = 100;
export const NOTE_BYTES_MAX = 1024 * 1024;

export interface Verifier {
  readonly name: string;
  readonly keyId: number;
  readonly type: SignatureType;
  readonly publicKey: Uint8Array;
}

export interface NoteSignature {
  readonly name: string;
  readonly keyId: number;
  /** The bytes after the key ID: a signature, or a timestamp and a signature for type 0x04. */
  readonly signature: Uint8Array;
}

export interface Note {
  /** The signed text, including its final newline. */
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

const malformed = (message: string) => new CoreError('c2sp.malformed_note', message);

/** True when text has an ASCII control character (below U+0020) other than those allowed. */
export function hasControlCharacter(text: string, allowed: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) < 0x20 && !allowed.includes(text[i]!)) return true;
  }
  return false;
}

/** Key names are non-empty, without Unicode spaces or "+" (signed-note §Format). */
export function isKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+]/u.test(name);
}

/** key ID = SHA-256(key name || 0x0A || signature type || public key)[:4], big-endian. */
export function keyId(name: string, type: SignatureType, publicKey: Uint8Array): number {
  const hash = sha256(concatBytes(utf8(`${name}\n`), Uint8Array.of(type), publicKey));
  return new DataView(hash.buffer, hash.byteOffset, 4).getUint32(0);
}

export function verifier(name: string, type: SignatureType, publicKey: Uint8Array): Verifier {
  if (!isKeyName(name)) throw new CoreError('c2sp.malformed', 'a key name has no spaces or "+"');
  if (publicKey.length !== 32) throw new CoreError('c2sp.malformed', 'an Ed25519 key is 32 bytes');
  return { name, keyId: keyId(name, type, publicKey), type, publicKey };
}

const hex8 = (id: number) => id.toString(16).padStart(8, '0');

/** The vkey string of a verifier: name+keyid+base64(type || public key). */
export function formatVkey(v: Verifier): string {
  return `${v.name}+${hex8(v.keyId)}+${toBase64(concatBytes(Uint8Array.of(v.type), v.publicKey))}`;
}

/** Parses a vkey, refusing an unknown type, a key of the wrong length and a key ID that does not match. */
export function parseVkey(vkey: string): Verifier {
  const first = vkey.indexOf('+');
  const second = vkey.indexOf('+', first + 1);
  if (first <= 0 || second < 0) throw new CoreError('c2sp.malformed', 'a vkey is name+keyid+key');
  const name = vkey.slice(0, first);
  const id = vkey.slice(first + 1, second);
  const material = fromBase64(vkey.slice(second + 1), 'vkey key');
  const type = material[0];
  if (type !== SIG_ED25519 && type !== SIG_COSIGNATURE_V1) {
    throw new CoreError('c2sp.malformed', 'only Ed25519 vkeys (type 0x01 and 0x04) are supported');
  }
  const v = verifier(name, type, material.subarray(1));
  if (!/^[0-9a-f]{8}$/.test(id) || id !== hex8(v.keyId)) {
    throw new CoreError('c2sp.malformed', 'the vkey’s key ID does not match its name and key');
  }
  return v;
}

/** Splits a signed note at its last blank line, checking every rule of the format. */
export function parseNote(message: string): Note {
  if (utf8(message).length > NOTE_BYTES_MAX) throw malformed('the note is too large');
  // No ASCII control characters other than newline (and JS strings are valid UTF-16 once decoded).
  if (hasControlCharacter(message, '\n')) throw malformed('the note has a control character');
  if (/[\ud800-\udfff]/u.test(message.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''))) {
    throw malformed('the note is not valid UTF-8');
  }
  const split = message.lastIndexOf('\n\n');
  if (split < 0 || !message.endsWith('\n')) throw malformed('a note is text, a blank line, then signatures');
  const text = message.slice(0, split + 1);
  const lines = message.slice(split + 2, -1).split('\n');
  if (lines.length > NOTE_SIGNATURES_MAX) throw malformed('the note has too many signatures');
  const signatures = lines.map((line): NoteSignature => {
    const match = /^\u2014 (\S+) (\S+)$/u.exec(line);
    if (match === null || !isKeyName(match[1]!)) throw malformed('a signature line is "— <name> <base64>"');
    const bytes = fromBase64(match[2]!, 'signature');
    if (bytes.length < 5) throw malformed('a signature is a key ID and at least one byte');
    const keyIdValue = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0);
    return { name: match[1]!, keyId: keyIdValue, signature: bytes.subarray(4) };
  });
  return { text, signatures };
}

export function formatSignatureLine(v: Verifier, signature: Uint8Array): string {
  const id = new Uint8Array(4);
  new DataView(id.buffer).setUint32(0, v.keyId);
  return `\u2014 ${v.name} ${toBase64(concatBytes(id, signature))}\n`;
}

export function formatNote(text: string, signatureLines: readonly string[]): string {
  if (!text.endsWith('\n')) throw malformed('a note’s text ends in a newline');
  if (signatureLines.length === 0) throw malformed('a note has at least one signature');
  return `${text}\n${signatureLines.join('')}`;
}

/** A 0x01 signature line over text: the log's signature on its checkpoint. */
export function signNoteLine(seed: Uint8Array, v: Verifier, text: string): string {
  if (v.type !== SIG_ED25519) throw new CoreError('c2sp.malformed', 'this key signs cosignatures');
  return formatSignatureLine(v, signRaw(seed, utf8(text)));
}

/** A 0x04 cosignature line over a checkpoint's text at a POSIX time in seconds. */
export function cosignLine(seed: Uint8Array, v: Verifier, text: string, timestampSeconds: number): string {
  if (v.type !== SIG_COSIGNATURE_V1) throw new CoreError('c2sp.malformed', 'this key signs notes');
  const signature = signRaw(seed, cosignatureMessage(timestampSeconds, text));
  return formatSignatureLine(v, timestampedSignature(timestampSeconds, signature));
}

export interface VerifiedSignature {
  readonly verifier: Verifier;
  /** For a cosignature: the POSIX time it names. */
  readonly timestampSeconds: number | null;
}

function verifyOne(v: Verifier, text: string, signature: Uint8Array): VerifiedSignature | null {
  if (v.type === SIG_ED25519) {
    return signature.length === 64 && verifyRaw(v.publicKey, utf8(text), signature)
      ? { verifier: v, timestampSeconds: null }
      : null;
  }
  const timestamped = readTimestampedSignature(signature);
  if (timestamped === null) return null;
  const message = cosignatureMessage(timestamped.timestampSeconds, text);
  return verifyRaw(v.publicKey, message, timestamped.signature)
    ? { verifier: v, timestampSeconds: timestamped.timestampSeconds }
    : null;
}

/**
 * The signatures of known keys, each verified. Signatures of unknown keys (name or key ID not both
 * matching a verifier) are ignored, as the spec requires; a known key's signature that fails rejects
 * the whole note (c2sp.invalid_signature), and so does a note no known key signed (c2sp.unverified).
 */
export function verifyNote(note: Note, verifiers: readonly Verifier[]): VerifiedSignature[] {
  const verified: VerifiedSignature[] = [];
  for (const sig of note.signatures) {
    const known = verifiers.filter((v) => v.name === sig.name && v.keyId === sig.keyId);
    if (known.length === 0) continue;
    if (known.length > 1 && !known.every((v) => bytesEqual(v.publicKey, known[0]!.publicKey))) {
      throw new CoreError('c2sp.invalid_signature', 'two verifiers share a name and key ID');
    }
    const ok = verifyOne(known[0]!, note.text, sig.signature);
    if (ok === null) {
      throw new CoreError('c2sp.invalid_signature', `the signature of ${sig.name}+${hex8(sig.keyId)} fails`);
    }
    if (!verified.some((x) => x.verifier === ok.verifier)) verified.push(ok);
  }
  if (verified.length === 0) throw new CoreError('c2sp.unverified', 'no known key signed the note');
  return verified;
}

/** Hex of a verifier's key, to compare keys across vkeys that name them differently. */
export const publicKeyHex = (v: Verifier): string => toHex(v.publicKey);
