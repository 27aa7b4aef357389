// A period's readings from one device, folded into one RFC 9162 Merkle root (issue 18 §3). The readings
// stay in the custodian's vault; only the root and count go on chain, once per patient, device and period,
// so chain load grows with patients, not readings. Any single reading is later proved part of what was
// sent in its period by an inclusion proof against the committed root.
import { bytesEqual, compareBytes, toHex } from '../../core/bytes.ts';
import { assertCanonicalValue, canonicalJson } from '../../core/canonical.ts';
import { CoreError } from '../../core/errors.ts';
import { domainHashOfText } from '../../core/hash.ts';
import {
  leafHash,
  listInclusionProof,
  merkleRoot,
  verifyInclusionHex,
  type InclusionProofHex,
} from '../../core/merkle/index.ts';

/** The default anchoring period: one commitment per patient and device per minute. */
export const DEFAULT_PERIOD_MS = 60_000;
/** A batch is bounded so one commitment can always be re-hashed to serve a proof (4 Hz for a minute is 240). */
export const BATCH_READINGS_MAX = 10_000;

/**
 * One reading as the device sent it. `value` is the decimal text the device sent ("37.2"), never a float,
 * so the canonical bytes (and the hash) cannot depend on anyone's float formatting. A compound reading
 * (blood pressure) is one reading per component, each with the PHD identifier and its own MDC code.
 */
export interface Reading {
  /** The PHD observation identifier (conditional-create key): a re-sent reading has the same id. */
  readonly id: string;
  /** IEEE 11073-10101 MDC code, e.g. "150456" (MDC_PULS_OXIM_SAT_O2). */
  readonly code: string;
  readonly value: string;
  /** UCUM unit code. */
  readonly unit: string;
  /** Effective time (after the PHD IG's clock correction), ms since the epoch. */
  readonly timeMs: number;
}

const DECIMAL = /^-?\d{1,12}(\.\d{1,9})?$/;
const TEXT_MAX = 128;

function checkReading(reading: Reading, position: number): void {
  const textOk = (s: unknown): boolean => typeof s === 'string' && s.length > 0 && s.length <= TEXT_MAX;
  if (
    !textOk(reading.id) ||
    !textOk(reading.code) ||
    !textOk(reading.unit) ||
    typeof reading.value !== 'string' ||
    !DECIMAL.test(reading.value) ||
    !Number.isSafeInteger(reading.timeMs) ||
    reading.timeMs < 0
  ) {
    throw new CoreError('monitoring.invalid_reading', 'a reading is malformed', { position });
  }
}

/** The start of the period `timeMs` falls in (periods are aligned to the epoch). */
export function periodStart(timeMs: number, periodMs = DEFAULT_PERIOD_MS): number {
  return Math.floor(timeMs / periodMs) * periodMs;
}

/** SHA-256(0x00 || domain hash of the reading's canonical JSON): every field counts. */
export function readingLeaf(reading: Reading): Uint8Array {
  return leafHash(domainHashOfText('monitoring-reading', readingJson(reading)));
}

/**
 * canonicalJson({ id, code, value, unit, timeMs }), written out: every reading is hashed at the stream's
 * rate (by the gateway, then by the node), and the generic canonicaliser was most of the ingest's cost.
 * RFC 8785 orders the keys by UTF-16 code units (code, id, timeMs, unit, value) and writes a string as
 * JSON.stringify does (§3.2.2.2) and a safe integer as its decimal digits; anything else (a non-string
 * field, a lone surrogate, an unsafe time) takes the generic path, which refuses it as before.
 * batch.test.ts pins the two equal on arbitrary readings.
 */
function readingJson(reading: Reading): string {
  const { id, code, value, unit, timeMs } = reading;
  if (
    typeof id !== 'string' ||
    typeof code !== 'string' ||
    typeof value !== 'string' ||
    typeof unit !== 'string' ||
    !Number.isSafeInteger(timeMs)
  ) {
    return canonicalJson({ id, code, value, unit, timeMs });
  }
  assertCanonicalValue(id, '$.id');
  assertCanonicalValue(code, '$.code');
  assertCanonicalValue(value, '$.value');
  assertCanonicalValue(unit, '$.unit');
  const text = JSON.stringify;
  return `{"code":${text(code)},"id":${text(id)},"timeMs":${timeMs},"unit":${text(unit)},"value":${text(value)}}`;
}

/**
 * The batch's leaves in tree order: by time, then by leaf hash, so the root depends on what was sent and
 * when, not on arrival order. A reading outside the period, or the same reading twice, is refused.
 */
function orderedLeaves(readings: readonly Reading[], periodStartMs: number, periodMs: number): Uint8Array[] {
  if (readings.length === 0 || readings.length > BATCH_READINGS_MAX) {
    throw new CoreError('monitoring.invalid_batch', 'a batch holds 1 to BATCH_READINGS_MAX readings', {
      count: readings.length,
      max: BATCH_READINGS_MAX,
    });
  }
  const keyed = readings.map((reading, position) => {
    checkReading(reading, position);
    if (reading.timeMs < periodStartMs || reading.timeMs >= periodStartMs + periodMs) {
      throw new CoreError('monitoring.outside_period', 'a reading lies outside the batch period', {
        position,
      });
    }
    return { timeMs: reading.timeMs, leaf: readingLeaf(reading) };
  });
  // Bytes compared as their hex would be, without writing the hex of every leaf.
  keyed.sort((a, b) => a.timeMs - b.timeMs || compareBytes(a.leaf, b.leaf));
  for (let i = 1; i < keyed.length; i++) {
    if (bytesEqual(keyed[i]!.leaf, keyed[i - 1]!.leaf)) {
      throw new CoreError('monitoring.duplicate_reading', 'the same reading is in the batch twice', {
        position: i,
      });
    }
  }
  return keyed.map((k) => k.leaf);
}

export interface BatchSummary {
  readonly periodStartMs: number;
  readonly periodMs: number;
  /** The RFC 9162 root over the period's readings, in hex. */
  readonly root: string;
  readonly count: number;
}

/** The root and count that one chain commitment carries for these readings of one period. */
export function batchSummary(
  readings: readonly Reading[],
  periodStartMs: number,
  periodMs = DEFAULT_PERIOD_MS,
): BatchSummary {
  const leaves = orderedLeaves(readings, periodStartMs, periodMs);
  return { periodStartMs, periodMs, root: toHex(merkleRoot(leaves)), count: leaves.length };
}

/** The inclusion proof of `reading` in its batch; throws monitoring.unknown_reading if it is not there. */
export function readingProof(
  readings: readonly Reading[],
  reading: Reading,
  periodStartMs: number,
  periodMs = DEFAULT_PERIOD_MS,
): InclusionProofHex {
  const leaves = orderedLeaves(readings, periodStartMs, periodMs);
  const leaf = readingLeaf(reading);
  const leafIndex = leaves.findIndex((l) => bytesEqual(l, leaf));
  if (leafIndex < 0) throw new CoreError('monitoring.unknown_reading', 'the reading is not in the batch', {});
  return listInclusionProof(leaves, leafIndex);
}

/**
 * Does `proof` show that exactly this reading is under the committed `batch` root, and does the reading's
 * time lie in the committed period? Never throws.
 */
export function verifyReadingProof(reading: Reading, proof: InclusionProofHex, batch: BatchSummary): boolean {
  try {
    checkReading(reading, 0);
  } catch {
    return false;
  }
  const inPeriod =
    reading.timeMs >= batch.periodStartMs && reading.timeMs < batch.periodStartMs + batch.periodMs;
  return (
    inPeriod &&
    proof.treeSize === batch.count &&
    proof.leafHash === toHex(readingLeaf(reading)) &&
    verifyInclusionHex(proof, batch.root)
  );
}
