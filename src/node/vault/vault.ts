// The custodian's vault: seals each record version (a FHIR resource as canonical JSON bytes) under a
// fresh data key, wraps that key for the custodian and the patient, opens versions for a recipient, and
// re-wraps a key for a requester once access was granted and logged (issue 4 "Access": the answer is
// encrypted to the requester). Consent and the access event are the caller's job; this class only holds
// and moves ciphertexts and keys. Neither plaintext nor keys ever reach a log or an error.
import { bytesEqual, fromHex, fromUtf8, isHex, toHex } from '../../core/bytes.ts';
import { isAcceptablePublicKey } from '../../core/crypto/index.ts';
import { BoundedMap } from '../../core/bounded-map.ts';
import {
  keyCommitment,
  recordCommitment,
  type RecordPackage,
  type RecordRef,
} from '../../core/crypto/envelope.ts';
import type { Clock } from '../env.ts';
import { NodeError } from '../errors.ts';
import type { KeyPair } from '../keys.ts';
import {
  EnvelopeSealer,
  decryptRecord,
  encryptRecord,
  openEnvelope,
  sealEnvelope,
  sealEnvelopes,
} from './node-cipher.ts';
import type {
  ShredReceiptBody,
  ShredTarget,
  StoredVersion,
  VaultStore,
  VersionSummary,
  WrappedKey,
} from './vault-store.ts';

export interface VaultOptions {
  /** Largest resource accepted, in bytes of canonical JSON. */
  readonly recordBytesMax?: number;
  /** Most recipients one seal may wrap the key for. */
  readonly recipientsMax?: number;
}

export interface VaultDependencies {
  readonly store: VaultStore;
  readonly clock: Clock;
}

export interface SealInput extends RecordRef {
  readonly patientPseudonym: string;
  /** The resource as canonical JSON bytes; its resourceType must equal `resourceType`. */
  readonly resource: Uint8Array;
  /** Ed25519 identity keys (hex) to wrap the data key for: the custodian's and the patient's. */
  readonly recipients: readonly string[];
}

/** What the registration tx needs: nothing here is clinical or secret. */
export interface SealResult extends RecordRef {
  readonly patientPseudonym: string;
  readonly commitment: string;
  readonly createdAtMs: number;
}

export const RECORD_BYTES_MAX_DEFAULT = 4 * 1024 * 1024;
export const RECIPIENTS_MAX_DEFAULT = 16;

// FHIR R4 datatypes.html#id for record ids; pseudonyms and chain ids are printable ASCII tokens.
const RECORD_ID = /^[A-Za-z0-9.-]{1,64}$/;
const RESOURCE_TYPE = /^[A-Z][A-Za-z]{1,63}$/;
const TOKEN = /^[A-Za-z0-9._:-]{1,128}$/;

function invalid(field: string, message: string): NodeError {
  return new NodeError('vault.invalid_input', message, { field });
}

function checkRef(ref: { recordId: unknown; version?: unknown }): void {
  if (typeof ref.recordId !== 'string' || !RECORD_ID.test(ref.recordId)) {
    throw invalid('recordId', 'recordId must be a FHIR id (1-64 of A-Z a-z 0-9 - .)');
  }
  if (ref.version !== undefined && !(Number.isSafeInteger(ref.version) && (ref.version as number) >= 1)) {
    throw invalid('version', 'version must be a positive integer');
  }
}

/**
 * Keys already found acceptable: the check (src/core/crypto/ed25519-rule.ts) multiplies a curve point in
 * JS, about a millisecond, and a vault meets the same few recipients on every seal. Bounded; emptied when
 * full.
 */
const acceptableKeys = new BoundedMap<string, true>(10_000);

function checkPublicKey(field: string, key: unknown): Uint8Array {
  if (!isHex(key, 32)) throw invalid(field, `${field} must be an acceptable Ed25519 public key in hex`);
  if (!acceptableKeys.has(key)) {
    if (!isAcceptablePublicKey(fromHex(key))) {
      throw invalid(field, `${field} must be an acceptable Ed25519 public key in hex`);
    }
    acceptableKeys.set(key, true);
  }
  return fromHex(key);
}

export class Vault {
  private readonly store: VaultStore;
  private readonly clock: Clock;
  private readonly recordBytesMax: number;
  private readonly recipientsMax: number;

  constructor(options: VaultOptions, dependencies: VaultDependencies) {
    this.store = dependencies.store;
    this.clock = dependencies.clock;
    this.recordBytesMax = options.recordBytesMax ?? RECORD_BYTES_MAX_DEFAULT;
    this.recipientsMax = options.recipientsMax ?? RECIPIENTS_MAX_DEFAULT;
  }

  /** Encrypts and stores one record version, its key wrapped for every recipient, all-or-nothing. */
  seal(input: SealInput): SealResult {
    return this.sealAll([input])[0]!;
  }

  /**
   * Seals several versions in one database transaction: all are stored or none is, and a transaction
   * Bundle's resources cost the disk one commit (one fsync) instead of one each (issue 12: the vault's
   * per-seal commits were 17 % of the custodian's busy time under Bundle load). Their keys are wrapped by
   * one EnvelopeSealer: one ephemeral key and agreement per recipient for the whole request (issue 21).
   */
  sealAll(inputs: readonly SealInput[]): SealResult[] {
    // A version named twice is refused as the store would refuse it, before the sealer could wrap one
    // version twice under one ephemeral key (which it refuses too, as a bug rather than bad input).
    const versions = new Set<string>();
    for (const { recordId, version } of inputs) {
      const key = `${String(recordId)}/${String(version)}`;
      if (versions.has(key)) {
        throw new NodeError('vault.version_exists', 'this record version is already in the vault', {
          recordId,
          version,
        });
      }
      versions.add(key);
    }
    // The crypto first, then the rows in one transaction: the database is held only for the writes.
    const sealer = new EnvelopeSealer();
    let sealed: { version: StoredVersion; wrappedKeys: WrappedKey[] }[];
    try {
      sealed = inputs.map((input) => this.sealOne(input, sealer));
    } finally {
      sealer.close();
    }
    this.store.putAll(sealed);
    return sealed.map(({ version }) => ({
      ...refOf(version),
      patientPseudonym: version.patientPseudonym,
      commitment: version.commitment,
      createdAtMs: version.createdAtMs,
    }));
  }

  /** One version encrypted and its key wrapped for each recipient: the rows to store. */
  private sealOne(
    input: SealInput,
    sealer: EnvelopeSealer,
  ): { version: StoredVersion; wrappedKeys: WrappedKey[] } {
    this.checkSealInput(input);
    const ref = refOf(input);
    const sealed = encryptRecord(input.resource, ref);
    try {
      const envelopes = sealEnvelopes(
        sealed.dataKey,
        input.recipients.map((key) => fromHex(key)),
        ref,
        sealer,
      );
      return {
        version: {
          ...ref,
          patientPseudonym: input.patientPseudonym,
          ciphertext: sealed.ciphertext,
          nonce: sealed.nonce,
          salt: sealed.salt,
          keyCommitment: sealed.keyCommitment,
          commitment: sealed.commitment,
          createdAtMs: this.clock.nowMs(),
        },
        wrappedKeys: input.recipients.map((recipient, i) => ({ recipient, envelope: envelopes[i]! })),
      };
    } finally {
      // Best effort: JS gives no guarantee that no other copy of the key exists in memory.
      sealed.dataKey.fill(0);
    }
  }

  /** Decrypts a version with a recipient's key pair: the resource's canonical JSON bytes. */
  open(recordId: string, version: number, recipient: KeyPair): Uint8Array {
    checkRef({ recordId, version });
    const stored = this.verifiedVersion(recordId, version);
    const dataKey = this.unwrap(stored, recipient);
    try {
      return decryptRecord(dataKey, stored.nonce, stored.ciphertext, refOf(stored));
    } finally {
      dataKey.fill(0);
    }
  }

  /** A version and the recipient's own stored envelope, for the recipient to open elsewhere (a browser). */
  packageFor(recordId: string, version: number, recipientPublicKey: string): RecordPackage {
    checkRef({ recordId, version });
    checkPublicKey('recipientPublicKey', recipientPublicKey);
    const stored = this.verifiedVersion(recordId, version);
    return toPackage(stored, this.store.wrappedKeyFor(recordId, version, recipientPublicKey));
  }

  /**
   * The custodian unwraps the data key and wraps it afresh for a requester, who can then open the
   * returned package (openRecordPackage). Nothing is stored: the release itself is the access event's.
   */
  reencryptFor(
    recordId: string,
    version: number,
    custodian: KeyPair,
    requesterPublicKey: string,
  ): RecordPackage {
    checkRef({ recordId, version });
    const requester = checkPublicKey('requesterPublicKey', requesterPublicKey);
    const stored = this.verifiedVersion(recordId, version);
    const dataKey = this.unwrap(stored, custodian);
    try {
      return toPackage(stored, sealEnvelope(dataKey, requester, refOf(stored)));
    } finally {
      dataKey.fill(0);
    }
  }

  /** Wraps a stored version's key for one more recipient and keeps that envelope in the vault. */
  addRecipient(recordId: string, version: number, custodian: KeyPair, recipientPublicKey: string): void {
    checkRef({ recordId, version });
    const recipient = checkPublicKey('recipientPublicKey', recipientPublicKey);
    const stored = this.verifiedVersion(recordId, version);
    const dataKey = this.unwrap(stored, custodian);
    try {
      const envelope = sealEnvelope(dataKey, recipient, refOf(stored));
      this.store.addRecipient(recordId, version, { recipient: recipientPublicKey, envelope });
    } finally {
      dataKey.fill(0);
    }
  }

  listByPatient(patientPseudonym: string, limit?: number): VersionSummary[] {
    if (!TOKEN.test(patientPseudonym)) throw invalid('patientPseudonym', 'patientPseudonym is malformed');
    return this.store.listByPatient(patientPseudonym, limit);
  }

  /** The ids of the records of one resource type sealed here, at most `limit` (see VaultStore). */
  recordIdsOfType(resourceType: string, limit: number): string[] {
    return this.store.recordIdsOfType(resourceType, limit);
  }

  /** Crypto-shreds a record or all of a patient's records; the receipt body is for the erasure tx. */
  shred(target: ShredTarget): ShredReceiptBody {
    if ('recordId' in target) checkRef({ recordId: target.recordId });
    else if (!TOKEN.test(target.patientPseudonym)) {
      throw invalid('patientPseudonym', 'patientPseudonym is malformed');
    }
    return this.store.shred(target, this.clock.nowMs());
  }

  /** How many of the chain's erasure requests this custodian has finished (VaultStore.erasureCursor). */
  erasureCursor(): number {
    return this.store.erasureCursor();
  }

  setErasureCursor(n: number): void {
    this.store.setErasureCursor(n);
  }

  private checkSealInput(input: SealInput): void {
    if (typeof input.chainId !== 'string' || !TOKEN.test(input.chainId)) {
      throw invalid('chainId', 'chainId is malformed');
    }
    checkRef(input);
    if (input.version === undefined) throw invalid('version', 'version is required');
    if (typeof input.resourceType !== 'string' || !RESOURCE_TYPE.test(input.resourceType)) {
      throw invalid('resourceType', 'resourceType is not a FHIR resource type name');
    }
    if (typeof input.patientPseudonym !== 'string' || !TOKEN.test(input.patientPseudonym)) {
      throw invalid('patientPseudonym', 'patientPseudonym is malformed');
    }
    if (!(input.resource instanceof Uint8Array) || input.resource.length === 0) {
      throw invalid('resource', 'resource must be non-empty JSON bytes');
    }
    if (input.resource.length > this.recordBytesMax) {
      throw new NodeError('vault.too_large', 'resource exceeds the vault limit', {
        expected: this.recordBytesMax,
        actual: input.resource.length,
      });
    }
    if (resourceTypeOf(input.resource) !== input.resourceType) {
      throw invalid('resource', 'resource is not JSON with the declared resourceType');
    }
    const { recipients } = input;
    if (!Array.isArray(recipients) || recipients.length === 0 || recipients.length > this.recipientsMax) {
      throw invalid('recipients', `recipients must hold 1 to ${this.recipientsMax} keys`);
    }
    recipients.forEach((key) => checkPublicKey('recipients', key));
    if (new Set(recipients).size !== recipients.length) throw invalid('recipients', 'recipients repeat');
  }

  /** The stored version, refused if its bytes no longer match the commitment stored with them. */
  private verifiedVersion(recordId: string, version: number): StoredVersion {
    const stored = this.store.get(recordId, version);
    if (
      recordCommitment(stored.salt, stored.nonce, stored.keyCommitment, stored.ciphertext) !==
      stored.commitment
    ) {
      throw new NodeError('vault.corrupt', 'a stored version does not match its commitment', {
        recordId,
        version,
      });
    }
    return stored;
  }

  private unwrap(stored: StoredVersion, recipient: KeyPair): Uint8Array {
    const envelope = this.store.wrappedKeyFor(stored.recordId, stored.version, recipient.publicKey);
    const dataKey = openEnvelope(envelope, recipient.seed, refOf(stored));
    if (!bytesEqual(keyCommitment(dataKey), stored.keyCommitment)) {
      dataKey.fill(0);
      throw new NodeError('vault.corrupt', 'the unwrapped key does not match the key commitment', {
        recordId: stored.recordId,
        version: stored.version,
      });
    }
    return dataKey;
  }
}

function refOf(ref: RecordRef): RecordRef {
  return {
    chainId: ref.chainId,
    recordId: ref.recordId,
    version: ref.version,
    resourceType: ref.resourceType,
  };
}

function resourceTypeOf(resource: Uint8Array): string | undefined {
  try {
    const parsed: unknown = JSON.parse(fromUtf8(resource));
    const type = (parsed as { resourceType?: unknown } | null)?.resourceType;
    return typeof type === 'string' ? type : undefined;
  } catch {
    return undefined;
  }
}

function toPackage(stored: StoredVersion, envelope: Uint8Array): RecordPackage {
  return {
    ...refOf(stored),
    nonce: toHex(stored.nonce),
    salt: toHex(stored.salt),
    keyCommitment: toHex(stored.keyCommitment),
    ciphertext: toHex(stored.ciphertext),
    commitment: stored.commitment,
    envelope: toHex(envelope),
  };
}
