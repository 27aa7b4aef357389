// What a ledger refusal of a domain's own tx means to its caller, as a catalogue code: a refused tx its
// module's reason, a bad payload '<domain>.invalid', an oversized one '<domain>.too_large', anything else
// of the tx checks '<domain>.unavailable' (our own nonce raced another request: the client may retry).
// NodeErrors (mempool.full → 503 with Retry-After) keep their code: the API's translator maps them.
import type { CanonicalValue } from '../core/canonical.ts';
import type { Details } from '../core/errors.ts';
import { TX_BYTES_MAX } from '../core/limits.ts';
import { signTx, TxError } from '../core/tx.ts';
import type { CarechainNode } from '../node/node.ts';
import { ServiceError } from './errors.ts';

export function ledgerRefusal(err: unknown, type: string, domain: string): unknown {
  if (!(err instanceof TxError)) return err;
  const details: Details = err.details;
  if (err.code === 'tx.rejected') {
    const reason = typeof details.reason === 'string' ? details.reason : `${domain}.rejected`;
    return new ServiceError(reason, err.message, details);
  }
  if (err.code === 'tx.invalid_payload') return new ServiceError(`${domain}.invalid`, err.message, details);
  if (err.code === 'tx.too_large') {
    return new ServiceError(`${domain}.too_large`, `the ${type} tx is larger than ${TX_BYTES_MAX} bytes`);
  }
  return new ServiceError(`${domain}.unavailable`, `the ledger did not accept the ${type} tx (${err.code})`);
}

export interface NodeTx {
  readonly type: string;
  readonly payload: CanonicalValue;
  /** The catalogue prefix of the refusals: 'claims' gives claims.invalid, claims.commit_timeout… */
  readonly domain: string;
  readonly commitTimeoutMs: number;
}

/**
 * A tx this node signs with its own key for a service, submitted and followed to its commit. A ledger
 * refusal is the domain's code (above); no commit in time is '<domain>.commit_timeout' with the tx hash,
 * so the client can look the tx up before retrying.
 */
export async function commitAsNode(
  node: CarechainNode,
  tx: NodeTx,
): Promise<{ txHash: string; height: number }> {
  const { type, payload, domain } = tx;
  const nonce = node.mempool.nextNonce(node.key.publicKey);
  const signed = signTx(node.key.seed, { chainId: node.ledger.chainId, type, payload, nonce });
  return commitSigned(node, signed, { type, domain, commitTimeoutMs: tx.commitTimeoutMs });
}

/** A signed tx (the node's own, or one a patient signed and the node relays), followed to its commit. */
export async function commitSigned(
  node: CarechainNode,
  signed: unknown,
  tx: Omit<NodeTx, 'payload'>,
): Promise<{ txHash: string; height: number }> {
  const { type, domain } = tx;
  let hash: string;
  try {
    hash = node.submit(signed);
  } catch (err) {
    throw ledgerRefusal(err, type, domain);
  }
  const committed = await node.waitForCommit(hash, tx.commitTimeoutMs);
  if (committed === undefined) {
    throw new ServiceError(`${domain}.commit_timeout`, `the ${type} tx was not committed in time`, {
      txHash: hash,
    });
  }
  return { txHash: committed.hash, height: committed.height };
}
