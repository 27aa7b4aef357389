// Byte helpers shared by every layer. The wire format for hashes, keys and signatures is lowercase hex
// (see docs/ARCHITECTURE.md "Encodings"), so hex is the only text form decoded here.

const HEX_DIGITS = '0123456789abcdef';

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += HEX_DIGITS[byte >> 4]! + HEX_DIGITS[byte & 15]!;
  return out;
}

const HEX_PATTERN = /^(?:[0-9a-f]{2})*$/;

/** Decodes lowercase hex; throws on odd length or any other character so that one value has one spelling. */
export function fromHex(hex: string): Uint8Array {
  if (!HEX_PATTERN.test(hex)) throw new TypeError('expected lowercase hex with an even number of digits');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function isHex(value: unknown, byteLength?: number): value is string {
  if (typeof value !== 'string' || !HEX_PATTERN.test(value)) return false;
  return byteLength === undefined || value.length === byteLength * 2;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lexicographic order of two byte strings (the order of their hex). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}
