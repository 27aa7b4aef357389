// Readings at rest (issue 18: they are health data). Each committed period's readings are sealed as one
// vault record with the vault's own code (vault/node-cipher.ts on core/crypto/envelope.ts's formats):
// AES-256-GCM under a fresh data key, the key wrapped (X25519 + HKDF + AES-GCM) for the custodian's node
// key, the key commitment checked on every open. One seal per device and period, not per reading: the
// wrap's X25519 agreement is paid once a period, so sealing costs little next to the readings' rate.
import { bytesEqual, fromHex, fromUtf8, toHex, utf8 } from '../../core/bytes.ts';
import { keyCommitment, type RecordRef } from '../../core/crypto/envelope.ts';
import { hmacSha256 } from '../../core/crypto/index.ts';
import type { Reading } from '../../app/monitoring/batch.ts';
import { NodeError } from '../errors.ts';
import type { KeyPair } from '../keys.ts';
import { decryptRecord, encryptRecord, openEnvelope, sealEnvelope } from '../vault/node-cipher.ts';

/** One period's readings as stored: nothing in it reads as a reading without the custodian's key. */
export interface SealedBatch {
  readonly nonce: Uint8Array;
  readonly keyCommitment: Uint8Array;
  /** AES-256-GCM of the readings' JSON, with its 16-byte tag. */
  readonly ciphertext: Uint8Array;
  /** The data key wrapped for the custodian's node key (envelope.ts format). */
  readonly envelope: Uint8Array;
}

/** Where a batch is stored; bound into the AAD, so a ciphertext moved to another row does not open. */
export interface BatchPlace {
  readonly systemId: string;
  readonly periodStartMs: number;
}

/**
 * The record reference the AAD binds. resourceType is not a FHIR type on purpose: a batch can never be
 * taken for (or opened as) a record version of the records vault.
 */
function refOf(chainId: string, place: BatchPlace): RecordRef {
  return {
    chainId,
    recordId: `${place.systemId}.${place.periodStartMs}`,
    version: 1,
    resourceType: 'MonitoringReadingBatch',
  };
}

const INDEX_KEY_LABEL = utf8('carechain/v1/monitoring-reading-index-key\n');

/** Seals and opens one custodian's reading batches, and tags reading ids for the store's index. */
export class ReadingSealer {
  private readonly chainId: string;
  private readonly custodian: KeyPair;
  private readonly custodianKey: Uint8Array;
  private readonly indexKey: Uint8Array;

  constructor(chainId: string, custodian: KeyPair) {
    this.chainId = chainId;
    this.custodian = custodian;
    this.custodianKey = fromHex(custodian.publicKey);
    // A PHD identifier can carry the MDC code ("obs-1/150456") or a guessable counter, so the index holds
    // HMAC-SHA-256 tags of the ids, keyed from the node's seed: the same key after a restart, and nobody
    // with only the file can test a guess.
    this.indexKey = hmacSha256(custodian.seed, INDEX_KEY_LABEL);
  }

  seal(place: BatchPlace, readings: readonly Reading[]): SealedBatch {
    const ref = refOf(this.chainId, place);
    const sealed = encryptRecord(utf8(JSON.stringify(readings.map(plainReading))), ref);
    try {
      return {
        nonce: sealed.nonce,
        keyCommitment: sealed.keyCommitment,
        ciphertext: sealed.ciphertext,
        envelope: sealEnvelope(sealed.dataKey, this.custodianKey, ref),
      };
    } finally {
      // Best effort, as in the vault: JS gives no guarantee that no other copy exists in memory.
      sealed.dataKey.fill(0);
    }
  }

  open(place: BatchPlace, batch: SealedBatch): Reading[] {
    const ref = refOf(this.chainId, place);
    const dataKey = openEnvelope(batch.envelope, this.custodian.seed, ref);
    try {
      if (!bytesEqual(keyCommitment(dataKey), batch.keyCommitment)) {
        throw new NodeError('vault.corrupt', 'a stored reading batch does not match its key commitment', {
          ...place,
        });
      }
      return JSON.parse(fromUtf8(decryptRecord(dataKey, batch.nonce, batch.ciphertext, ref))) as Reading[];
    } finally {
      dataKey.fill(0);
    }
  }

  /** The index tag of a device's reading id: HMAC over both, so equal ids of two devices differ. */
  tag(systemId: string, readingId: string): string {
    return toHex(hmacSha256(this.indexKey, utf8(`${systemId}\n${readingId}`))).slice(0, 32);
  }
}

/** Exactly the five fields of a reading (a caller's object may carry more, and they must not be sealed). */
function plainReading({ id, code, value, unit, timeMs }: Reading): Reading {
  return { id, code, value, unit, timeMs };
}
