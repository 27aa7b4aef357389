// Pairwise-masked secure aggregation (Bonawitz et al., CCS 2017, the "masking with one-time pads"
// round): every pair of sites shares a secret seed (their nodes' X25519 agreement, done in the service
// layer), and each site adds the pad of every pair it is in, plus for the lower id and minus for the
// higher. The aggregator sums the masked updates modulo 2^64 and every pad cancels, so it learns the sum
// and nothing about any one site's update. The pads are derived per round (the round id is in the
// derivation): a pad reused across rounds would leak the difference of two updates.
//
// Departure (docs/ARCHITECTURE.md, "AI"): Bonawitz's double masking with Shamir-shared seeds lets a round
// finish when sites drop out. Here a round with a missing site is abandoned and rerun with the sites
// that remain (each round's participants are committed on chain first), which needs no secret sharing
// and still never reveals a single site's update.
import { concatBytes, toHex, utf8 } from '../../core/bytes.ts';
import { canonicalBytes } from '../../core/canonical.ts';
import { hmacSha256, sha256 } from '../../core/crypto/index.ts';
import { CoreError } from '../../core/errors.ts';

const MODULUS_BITS = 64n;
const MODULUS = 1n << MODULUS_BITS;
const HALF = 1n << (MODULUS_BITS - 1n);
/** Fixed-point precision of an encoded weight: 2^-24 ≈ 6e-8, far finer than any model needs. */
export const FRACTION_BITS = 24;
const ONE = 2 ** FRACTION_BITS;

/** A site's model update before masking: its weights scaled by its sample count, and the count. */
export interface SiteUpdate {
  readonly weights: readonly number[];
  readonly sampleCount: number;
}

/** A peer in the round, with the seed this site shares with it. */
export interface MaskPeer {
  readonly id: string;
  readonly seed: Uint8Array;
}

const mod = (x: bigint): bigint => ((x % MODULUS) + MODULUS) % MODULUS;

/** Encodes n·w per weight in fixed point, and n last, as elements of Z/2^64. */
export function encodeUpdate(update: SiteUpdate): bigint[] {
  if (!Number.isSafeInteger(update.sampleCount) || update.sampleCount < 0) {
    throw new CoreError('ai.invalid_update', 'a sample count is a non-negative integer', {
      sampleCount: update.sampleCount,
    });
  }
  const scaled = update.weights.map((w) => {
    if (!Number.isFinite(w)) throw new CoreError('ai.invalid_update', 'a weight is not a finite number', {});
    return mod(BigInt(Math.round(w * ONE)) * BigInt(update.sampleCount));
  });
  return [...scaled, BigInt(update.sampleCount)];
}

/** The pad a pair's seed gives for one round: `length` elements from HMAC-SHA-256 in counter mode. */
export function pairPad(seed: Uint8Array, roundId: string, length: number): bigint[] {
  const pad: bigint[] = [];
  for (let block = 0; pad.length < length; block += 1) {
    const counter = new Uint8Array(4);
    new DataView(counter.buffer).setUint32(0, block);
    const bytes = hmacSha256(seed, concatBytes(utf8(`carechain/ai/mask/v1/${roundId}/`), counter));
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < 4 && pad.length < length; i += 1) pad.push(view.getBigUint64(i * 8));
  }
  return pad;
}

/** The update as this site sends it: every pair's pad added (lower id) or subtracted (higher id). */
export function maskUpdate(
  encoded: readonly bigint[],
  selfId: string,
  peers: readonly MaskPeer[],
  roundId: string,
): bigint[] {
  const masked = [...encoded];
  for (const peer of peers) {
    if (peer.id === selfId) continue;
    const sign = selfId < peer.id ? 1n : -1n;
    const pad = pairPad(peer.seed, roundId, encoded.length);
    for (let i = 0; i < masked.length; i += 1) masked[i] = mod(masked[i]! + sign * pad[i]!);
  }
  return masked;
}

/** The aggregator's sum of every participant's masked update, modulo 2^64. */
export function sumMasked(updates: readonly (readonly bigint[])[]): bigint[] {
  const length = updates[0]?.length ?? 0;
  if (updates.some((u) => u.length !== length)) {
    throw new CoreError('ai.invalid_update', 'the masked updates differ in length', {});
  }
  const sum = new Array<bigint>(length).fill(0n);
  for (const update of updates) for (let i = 0; i < length; i += 1) sum[i] = mod(sum[i]! + update[i]!);
  return sum;
}

/** The federated average from the unmasked sum: Σ n·w ÷ Σ n, per weight. */
export function decodeAverage(sum: readonly bigint[]): SiteUpdate {
  const total = sum.at(-1) ?? 0n;
  if (total === 0n) throw new CoreError('ai.invalid_update', 'the round has no samples', {});
  const signed = (x: bigint): number => Number(x >= HALF ? x - MODULUS : x);
  const weights = sum.slice(0, -1).map((x) => signed(x) / ONE / Number(total));
  return { weights, sampleCount: Number(total) };
}

/**
 * What the chain keeps of a masked update or of the round's sum (ai.commitRound): the hex SHA-256 of
 * its elements as canonical JSON decimal strings (canonical JSON has no integers past 2^53).
 */
export function updateCommitment(values: readonly bigint[]): string {
  return toHex(sha256(canonicalBytes(values.map(String))));
}

/** Elements as they travel (decimal strings), each checked to be in Z/2^64; undefined if any is not. */
export function parseElements(values: unknown, length: number): bigint[] | undefined {
  if (!Array.isArray(values) || values.length !== length) return undefined;
  const parsed: bigint[] = [];
  for (const v of values) {
    if (typeof v !== 'string' || !/^(0|[1-9][0-9]{0,19})$/.test(v)) return undefined;
    const x = BigInt(v);
    if (x >= MODULUS) return undefined;
    parsed.push(x);
  }
  return parsed;
}
