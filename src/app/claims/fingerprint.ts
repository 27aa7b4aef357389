// Claim-line fingerprints (issue 17 §4): a keyed hash over what makes two lines the same service, so a
// second submission of a line to any payer is caught without any payer seeing another's claims. The key
// is the network's (held by member nodes, never on chain): without it nobody can test a guessed line
// against the public fingerprints. Frequency codes (X12 837 CLM05-3, UB-04 bill type digit 4) tell a
// replacement (7) or a void (8) of an earlier claim from a duplicate.
import { canonicalBytes } from '../../core/canonical.ts';
import { concatBytes, toHex, utf8 } from '../../core/bytes.ts';
import { CoreError } from '../../core/errors.ts';
import { hmacSha256 } from '../../core/crypto/index.ts';
import type { ClaimItem } from './types.ts';

/** 32 bytes, as HMAC-SHA-256's own output: the key is never the weak part. */
export const FINGERPRINT_KEY_BYTES = 32;

export const FREQUENCY_CODES = { original: '1', replacement: '7', void: '8' } as const;
export type FrequencyCode = (typeof FREQUENCY_CODES)[keyof typeof FREQUENCY_CODES];

/** What identifies a service, whoever bills it: no charge, no payer, no claim id. */
export interface LineIdentity {
  readonly patientPseudonym: string;
  readonly providerId: string;
  readonly serviceDate: string;
  readonly code: string;
  readonly modifiers: readonly string[];
  readonly units: number;
}

export function lineIdentity(patientPseudonym: string, providerId: string, item: ClaimItem): LineIdentity {
  const { serviceDate, code, modifiers, units } = item;
  return { patientPseudonym, providerId, serviceDate, code, modifiers, units };
}

/** HMAC-SHA-256 under the network key over the line's canonical identity; modifiers in sorted order. */
export function lineFingerprint(networkKey: Uint8Array, line: LineIdentity): string {
  if (networkKey.length !== FINGERPRINT_KEY_BYTES) {
    throw new CoreError('claims.invalid_fingerprint_key', 'the fingerprint key must be 32 bytes', {
      length: networkKey.length,
    });
  }
  const identity = { ...line, modifiers: [...line.modifiers].sort() };
  return toHex(
    hmacSha256(networkKey, concatBytes(utf8('carechain/v1/claim-line\n'), canonicalBytes(identity))),
  );
}

/** A fingerprint's registration on chain: which claim holds the line now, or that it was voided. */
export interface FingerprintEntry {
  readonly claimId: string;
  readonly payerOrgId: string;
  readonly voided: boolean;
}

export type LineVerdict = 'new' | 'duplicate' | 'replacement' | 'void' | 'void_unmatched';

/**
 * How a submitted line relates to what the chain already holds under its fingerprint. `replacesClaimId`
 * is the earlier claim a frequency 7 or 8 submission names (null for an original).
 */
export function classifyLine(
  existing: FingerprintEntry | undefined,
  frequency: FrequencyCode,
  replacesClaimId: string | null,
): LineVerdict {
  const live = existing !== undefined && !existing.voided;
  if (frequency === FREQUENCY_CODES.void) {
    return live && existing.claimId === replacesClaimId ? 'void' : 'void_unmatched';
  }
  if (!live) return 'new';
  if (frequency === FREQUENCY_CODES.replacement && existing.claimId === replacesClaimId) return 'replacement';
  return 'duplicate';
}
