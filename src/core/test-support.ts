// Helpers for tests that tamper with bytes and expect a CoreError (imported by *.test.ts only).
import { CoreError } from './errors.ts';

/** The CoreError code fn throws, `success` if it returns, or the stringified foreign error. */
export function coreErrorCodeOf(fn: () => unknown, success = 'ok'): string {
  try {
    fn();
    return success;
  } catch (err) {
    return err instanceof CoreError ? err.code : String(err);
  }
}

/** A copy of bytes with one bit flipped (bit 0 is the low bit of byte 0). */
export function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice();
  out[bit >> 3]! ^= 1 << (bit & 7);
  return out;
}
