// Helpers for tests that tamper with bytes and expect a CoreError (imported by *.test.ts only).
import type { RecordRef } from './crypto/envelope.ts';
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

/**
 * `ref` with one field of its record reference changed at a time: a key or record sealed to `ref` must
 * open under none of them, since each field is bound into the AEAD's associated data.
 */
export function movedRefs<R extends RecordRef>(ref: R): R[] {
  return [
    { ...ref, recordId: `${ref.recordId}-other` },
    { ...ref, version: ref.version + 1 },
    { ...ref, chainId: `${ref.chainId}-other` },
    { ...ref, resourceType: ref.resourceType === 'Patient' ? 'Observation' : 'Patient' },
  ];
}
