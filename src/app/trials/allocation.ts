// Verifiable randomisation (issue 16 §4). Before the first enrolment the sponsor commits to a 32-byte
// seed; each participant's arm is then H(seed || enrolment tx hash) mod the number of arms. The enrolment
// tx hash is fixed by the patient's own signed tx, and the seed was fixed before it, so neither the
// sponsor nor a site can steer who gets which arm. At unblinding the seed is revealed and anyone can
// recompute every allocation from the public enrolment order.
import { concatBytes, fromHex, toHex } from '../../core/bytes.ts';
import { domainHash } from '../../core/hash.ts';

/** The public commitment to a seed (hex). The seed is 32 random bytes, so it needs no salt. */
export function seedCommitment(seedHex: string): string {
  return toHex(domainHash('trial-seed', fromHex(seedHex)));
}

/** The arm (0-based index into the registration's arms) of the participant enrolled by enrolTxHash. */
export function allocatedArm(seedHex: string, enrolTxHash: string, armCount: number): number {
  const digest = domainHash('trial-allocation', concatBytes(fromHex(seedHex), fromHex(enrolTxHash)));
  // The first 6 bytes as an integer: below 2^48, so the modulo bias is under 2^-40 for any arm count.
  let value = 0;
  for (const byte of digest.subarray(0, 6)) value = value * 256 + byte;
  return value % armCount;
}
