// Helpers for tests that tamper with bytes and expect a CoreError (imported by *.test.ts only).
import fc from 'fast-check';
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

/** Any 32 bytes: a seed, a key or a hash. */
export const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

/**
 * Random inputs of one seal: the recipient's Ed25519 seed, the record's data key, the envelope's
 * ephemeral X25519 secret, the record's 12-byte nonce and a plaintext of up to plaintextBytesMax bytes.
 */
export function sealInputs(plaintextBytesMax: number) {
  return fc.tuple(
    bytes32,
    bytes32,
    bytes32,
    fc.uint8Array({ minLength: 12, maxLength: 12 }),
    fc.uint8Array({ maxLength: plaintextBytesMax }),
  );
}
