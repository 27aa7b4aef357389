// Witness cosignatures (c2sp.org/tlog-cosignature, Ed25519, type 0x04): the signed message is the line
// "cosignature/v1", the line "time <POSIX seconds>", then the whole cosigned note text; the signature
// travels as a timestamped_signature, an 8-byte big-endian timestamp then the 64-byte signature.
import { concatBytes, utf8 } from '../bytes.ts';
import { CoreError } from '../errors.ts';

/** POSIX seconds as carechain writes them: an integer JavaScript numbers hold exactly. */
function checkTimestamp(seconds: number): void {
  if (!Number.isSafeInteger(seconds) || seconds < 0) {
    throw new CoreError('c2sp.malformed', 'a cosignature time is a non-negative integer of seconds');
  }
}

export function cosignatureMessage(timestampSeconds: number, text: string): Uint8Array {
  checkTimestamp(timestampSeconds);
  return utf8(`cosignature/v1\ntime ${timestampSeconds}\n${text}`);
}

export function timestampedSignature(timestampSeconds: number, signature: Uint8Array): Uint8Array {
  checkTimestamp(timestampSeconds);
  const time = new Uint8Array(8);
  new DataView(time.buffer).setBigUint64(0, BigInt(timestampSeconds));
  return concatBytes(time, signature);
}

/** Splits a timestamped_signature; null when it is not 8 + 64 bytes or its time exceeds 2^53. */
export function readTimestampedSignature(
  bytes: Uint8Array,
): { timestampSeconds: number; signature: Uint8Array } | null {
  if (bytes.length !== 72) return null;
  const time = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0);
  if (time > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  return { timestampSeconds: Number(time), signature: bytes.subarray(8) };
}
