// Recovery certificates (issue 15, "Recovery when more than 1/3 of the power is gone for good"). When
// validators holding more than 1/3 of the power are lost for good, no block can ever be committed again
// by the set in force: Tendermint needs more than 2/3 of it. The member organisations then sign, off
// chain and with their admin keys (which no node holds, so they survive a destroyed node), a
// certificate naming a new validator set that signs from `height + 1`. More than 2/3 of the member
// organisations must sign, the same threshold as a governance vote, so a recovery needs the same
// consent as any set change; only the route differs (no block can carry the votes).
//
// Pure: the electorate (each organisation's current admin key) is the caller's, read from the state at
// `height` by the app, or from the genesis document by a light client.
import { canonicalBytes } from './canonical.ts';
import { fromHex, isHex, toHex } from './bytes.ts';
import { publicKeyFromSeed, signMessage, verifyMessage } from './crypto/index.ts';
import { CoreError } from './errors.ts';
import { makeValidatorSet, type Validator, type ValidatorSet } from './validators.ts';

/** What the organisations sign: the chain, the last height the old set committed, and the new set. */
export interface RecoveryTerms {
  readonly chainId: string;
  /** The last committed height; the new set signs height + 1 and on. */
  readonly height: number;
  readonly validators: readonly Validator[];
  /** Why, for everyone to read (public on chain: never patient data). */
  readonly reason: string;
}

export interface RecoverySignature {
  readonly orgId: string;
  /** The organisation's admin key (hex) that made `signature` (hex, Ed25519). */
  readonly adminKey: string;
  readonly signature: string;
}

export interface RecoveryCertificate extends RecoveryTerms {
  readonly signatures: readonly RecoverySignature[];
}

/** One member organisation entitled to sign, with its current admin key. */
export interface RecoveryElector {
  readonly orgId: string;
  readonly adminKey: string;
}

export const RECOVERY_REASON_CHARS_MAX = 500;
/** Bounds a certificate's parse and checks: one signature per organisation, at most this many. */
export const RECOVERY_SIGNATURES_MAX = 200;

const CERTIFICATE_FIELDS = 'chainId,height,reason,signatures,validators';

function invalid(message: string, details: Readonly<Record<string, string | number>> = {}): CoreError {
  return new CoreError('governance.recovery_invalid', message, details);
}

function termsOf(c: RecoveryTerms): RecoveryTerms {
  return {
    chainId: c.chainId,
    height: c.height,
    validators: c.validators.map((v) => ({ publicKey: v.publicKey, power: v.power, name: v.name })),
    reason: c.reason,
  };
}

/** The message an admin key signs (under the 'recovery' purpose: never a tx, vote or anything else). */
export function recoveryMessage(terms: RecoveryTerms): Uint8Array {
  return canonicalBytes(termsOf(terms));
}

/** Adds (or replaces) `orgId`'s signature made with its admin key's seed. */
export function signRecovery(
  certificate: RecoveryTerms & { readonly signatures?: readonly RecoverySignature[] },
  orgId: string,
  adminSeed: Uint8Array,
): RecoveryCertificate {
  const message = recoveryMessage(certificate);
  const signature = toHex(signMessage(adminSeed, 'recovery', certificate.chainId, message));
  const adminKey = toHex(publicKeyFromSeed(adminSeed));
  const others = (certificate.signatures ?? []).filter((s) => s.orgId !== orgId);
  return { ...termsOf(certificate), signatures: [...others, { orgId, adminKey, signature }] };
}

/** Checks a certificate's shape (bounded, exact fields) without any key; throws 'governance.recovery_invalid'. */
export function parseRecoveryCertificate(input: unknown): RecoveryCertificate {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalid('a recovery certificate is an object');
  }
  const c = input as Record<string, unknown>;
  if (Object.keys(c).sort().join(',') !== CERTIFICATE_FIELDS) {
    throw invalid(`a recovery certificate has exactly ${CERTIFICATE_FIELDS}`);
  }
  const { chainId, height, reason, validators, signatures } = c;
  if (typeof chainId !== 'string' || chainId.length === 0 || chainId.length > 64) {
    throw invalid('chainId must be a short string');
  }
  if (!Number.isSafeInteger(height) || (height as number) < 1) {
    throw invalid('height must be a positive integer: the last height the old set committed');
  }
  if (typeof reason !== 'string' || reason.length > RECOVERY_REASON_CHARS_MAX) {
    throw invalid(`reason must be a string of at most ${RECOVERY_REASON_CHARS_MAX} characters`);
  }
  if (!Array.isArray(validators)) throw invalid('validators must be an array');
  const set = validators.map((v): Validator => {
    const r = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
    if (Object.keys(r).sort().join(',') !== 'name,power,publicKey' || typeof r.name !== 'string') {
      throw invalid('a validator has exactly publicKey, power and name');
    }
    return { publicKey: r.publicKey as string, power: r.power as number, name: r.name };
  });
  try {
    makeValidatorSet(set);
  } catch {
    throw invalid('the certificate names an invalid validator set');
  }
  if (!Array.isArray(signatures) || signatures.length > RECOVERY_SIGNATURES_MAX) {
    throw invalid(`signatures must be an array of at most ${RECOVERY_SIGNATURES_MAX}`);
  }
  const sigs = signatures.map((s): RecoverySignature => {
    const r = (typeof s === 'object' && s !== null ? s : {}) as Record<string, unknown>;
    const { orgId, adminKey, signature } = r;
    if (
      Object.keys(r).sort().join(',') !== 'adminKey,orgId,signature' ||
      typeof orgId !== 'string' ||
      orgId.length === 0 ||
      orgId.length > 64 ||
      !isHex(adminKey, 32) ||
      !isHex(signature, 64)
    ) {
      throw invalid('a signature has exactly orgId, adminKey (32-byte hex) and signature (64-byte hex)');
    }
    return { orgId, adminKey, signature };
  });
  return { chainId, height: height as number, validators: set, reason, signatures: sigs };
}

/**
 * Checks that more than 2/3 of `electorate` signed these exact terms for `chainId`, each with its
 * organisation's current admin key, and returns the set the certificate names. A signature by anyone
 * outside the electorate, or one that does not verify, counts for nothing; a certificate whose valid
 * signatures do not reach the quorum is refused.
 */
export function checkRecoveryCertificate(
  chainId: string,
  certificate: RecoveryCertificate,
  electorate: readonly RecoveryElector[],
): ValidatorSet {
  if (certificate.chainId !== chainId) throw invalid('the certificate is for another chain');
  const set = makeValidatorSet(certificate.validators);
  const adminKeyOf = new Map(electorate.map((e) => [e.orgId, e.adminKey]));
  const message = recoveryMessage(certificate);
  const signed = new Set<string>();
  for (const s of certificate.signatures) {
    if (adminKeyOf.get(s.orgId) !== s.adminKey || signed.has(s.orgId)) continue;
    if (verifyMessage(fromHex(s.adminKey), 'recovery', chainId, message, fromHex(s.signature))) {
      signed.add(s.orgId);
    }
  }
  if (signed.size * 3 <= electorate.length * 2) {
    throw invalid('the certificate is not signed by more than 2/3 of the member organisations', {
      signed: signed.size,
      members: electorate.length,
    });
  }
  return set;
}
