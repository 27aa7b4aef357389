// Standard base64 (RFC 4648 §4) with padding, strictly: the C2SP formats are signed text, so one byte
// string must have one spelling (non-zero padding bits or missing padding are refused, not repaired).
import { CoreError } from '../errors.ts';

const ALPHABET = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function fromBase64(text: string, what = 'base64'): Uint8Array {
  if (!ALPHABET.test(text)) throw new CoreError('c2sp.malformed', `${what} is not padded standard base64`);
  const binary = atob(text);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  if (toBase64(bytes) !== text) throw new CoreError('c2sp.malformed', `${what} is not canonical base64`);
  return bytes;
}
