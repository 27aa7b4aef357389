// Transactions: what a signer asks the ledger to do. The signature covers the canonical (RFC 8785)
// encoding of every field but the signature, under the 'tx' purpose and the chain id, so a tx can be
// replayed neither on another chain nor as another kind of message; the nonce stops replays on this one.
import { fromHex, isHex, toHex } from './bytes.ts';
import { canonicalBytes, assertCanonicalValue, type CanonicalValue } from './canonical.ts';
import { sha256, signMessage, verifyMessage, publicKeyFromSeed } from './crypto/index.ts';
import { CoreError } from './errors.ts';
import { CHAIN_ID_LENGTH_MAX, TX_TYPE_LENGTH_MAX, txBytesMaxOf } from './limits.ts';

export interface TxBody {
  readonly chainId: string;
  /** "module.action", e.g. "notary.anchor". */
  readonly type: string;
  readonly payload: CanonicalValue;
  /** Ed25519 public key of the signer, hex. */
  readonly signer: string;
  /** Per-signer counter starting at 1; each tx must carry the signer's previous nonce + 1. */
  readonly nonce: number;
}

export interface SignedTx extends TxBody {
  readonly signature: string;
}

/** Stable codes for every way a tx can be refused (the API exposes them verbatim). */
export type TxErrorCode =
  | 'tx.malformed'
  | 'tx.too_large'
  | 'tx.wrong_chain'
  | 'tx.bad_signature'
  | 'tx.nonce_replayed'
  | 'tx.nonce_gap'
  | 'tx.unknown_type'
  | 'tx.invalid_payload'
  | 'tx.rejected';

export class TxError extends CoreError {
  constructor(code: TxErrorCode, message: string, details: CoreError['details'] = {}) {
    super(code, message, details);
    this.name = 'TxError';
  }
}

const TYPE_PATTERN = /^[a-z][a-z0-9]*\.[a-z][a-zA-Z0-9]*$/;
const CHAIN_ID_PATTERN = /^[a-z0-9][a-z0-9-]*$/;
const TX_FIELDS = ['chainId', 'nonce', 'payload', 'signature', 'signer', 'type'];

function bodyOf(tx: TxBody): TxBody {
  return { chainId: tx.chainId, type: tx.type, payload: tx.payload, signer: tx.signer, nonce: tx.nonce };
}

export function txSigningMessage(tx: TxBody): Uint8Array {
  return canonicalBytes(bodyOf(tx));
}

/** The canonical bytes of a signed tx: its Merkle leaf input and the preimage of its hash. */
export function encodeTx(tx: SignedTx): Uint8Array {
  return canonicalBytes({ ...bodyOf(tx), signature: tx.signature });
}

export function txHashOfBytes(encoded: Uint8Array): string {
  return toHex(sha256(encoded));
}

export function txHash(tx: SignedTx): string {
  return txHashOfBytes(encodeTx(tx));
}

export function signTx(seed: Uint8Array, body: Omit<TxBody, 'signer'>): SignedTx {
  const withSigner: TxBody = { ...body, signer: toHex(publicKeyFromSeed(seed)) };
  assertCanonicalValue(withSigner.payload);
  const signature = toHex(signMessage(seed, 'tx', body.chainId, txSigningMessage(withSigner)));
  return { ...withSigner, signature };
}

/**
 * Checks everything about a tx that needs no ledger state: shape, size, chain and signature.
 * Returns the tx with exactly its own fields; throws TxError otherwise. Stateful checks (nonce, type,
 * payload) belong to the app (src/app), which knows the state.
 */
export function checkTxStateless(input: unknown, chainId: string): { tx: SignedTx; encoded: Uint8Array } {
  const tx = parseTxShape(input);
  let encoded: Uint8Array;
  try {
    encoded = encodeTx(tx);
  } catch (err) {
    throw new TxError('tx.malformed', err instanceof CoreError ? err.message : 'tx is not canonical JSON');
  }
  const bytesMax = txBytesMaxOf(tx.type);
  if (encoded.length > bytesMax) {
    throw new TxError('tx.too_large', `tx exceeds ${bytesMax} bytes`, {
      expected: bytesMax,
      actual: encoded.length,
    });
  }
  if (tx.chainId !== chainId) {
    throw new TxError('tx.wrong_chain', 'tx is for another chain', { expected: chainId, actual: tx.chainId });
  }
  const valid = verifyMessage(
    fromHex(tx.signer),
    'tx',
    tx.chainId,
    txSigningMessage(tx),
    fromHex(tx.signature),
  );
  if (!valid) throw new TxError('tx.bad_signature', 'tx signature does not verify', { signer: tx.signer });
  return { tx, encoded };
}

function parseTxShape(input: unknown): SignedTx {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TxError('tx.malformed', 'tx must be a JSON object');
  }
  const record = input as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  if (keys.length !== TX_FIELDS.length || keys.some((k, i) => k !== TX_FIELDS[i])) {
    throw new TxError('tx.malformed', `tx must have exactly the fields ${TX_FIELDS.join(', ')}`);
  }
  const { chainId, type, payload, signer, nonce, signature } = record;
  if (
    typeof chainId !== 'string' ||
    chainId.length > CHAIN_ID_LENGTH_MAX ||
    !CHAIN_ID_PATTERN.test(chainId)
  ) {
    throw new TxError('tx.malformed', 'chainId must be a short lowercase identifier');
  }
  if (typeof type !== 'string' || type.length > TX_TYPE_LENGTH_MAX || !TYPE_PATTERN.test(type)) {
    throw new TxError('tx.malformed', 'type must look like "module.action"');
  }
  if (!isHex(signer, 32)) throw new TxError('tx.malformed', 'signer must be a 32-byte lowercase hex key');
  if (!isHex(signature, 64)) throw new TxError('tx.malformed', 'signature must be 64-byte lowercase hex');
  if (typeof nonce !== 'number' || !Number.isSafeInteger(nonce) || nonce < 1) {
    throw new TxError('tx.malformed', 'nonce must be a positive integer');
  }
  try {
    assertCanonicalValue(payload);
  } catch {
    throw new TxError('tx.malformed', 'payload must be JSON with integer numbers only');
  }
  return { chainId, type, payload, signer, nonce, signature };
}
