// Turns a refused checkpoint into a `consensus.forkEvidence` tx signed by this node, after checking it
// is evidence against THIS chain: signed as the log by a member node's key (the app re-checks that),
// and naming a root that differs from this node's own log at that size (or a size the log never
// reached). A witness's refusal of an honest checkpoint (its own state was wrong) is therefore never
// committed. The same path serves the member node's own witness and reports from outside witnesses.
import type { Logger } from 'pino';
import type { ForkEvidenceKind } from '../../app/consensus/fork-evidence.ts';
import { bytesEqual, fromHex } from '../../core/bytes.ts';
import { parseCheckpoint, parseNote, verifyNote } from '../../core/c2sp/index.ts';
import { sha256 } from '../../core/crypto/index.ts';
import { proveConsistency } from '../../node/proofs.ts';
import { signTx } from '../../core/tx.ts';
import type { CarechainNode } from '../../node/node.ts';
import { ServiceError } from '../errors.ts';
import type { ChainIdentity } from './identity.ts';

export function reportFork(
  node: CarechainNode,
  identity: ChainIdentity,
  logger: Logger,
  refused: { kind: ForkEvidenceKind; note: string },
): string {
  let checkpoint: ReturnType<typeof parseCheckpoint>;
  try {
    const note = parseNote(refused.note);
    checkpoint = parseCheckpoint(note.text);
    if (checkpoint.origin !== identity.origin) throw new ServiceError('c2sp.unverified', 'another origin');
    verifyNote(
      note,
      identity.witnesses.map((w) => w.log),
    );
  } catch (err) {
    throw new ServiceError('c2sp.unverified', 'the checkpoint is not signed as this chain’s log', {
      reason: err instanceof Error ? err.message : 'malformed',
    });
  }
  const ownSize = node.ledger.tip().logSize;
  if (checkpoint.size <= ownSize && bytesEqual(ownRootAt(node, checkpoint.size), checkpoint.rootHash)) {
    throw new ServiceError('c2sp.proof_invalid', 'the checkpoint agrees with this chain’s log: not a fork');
  }
  const tx = signTx(node.key.seed, {
    chainId: node.ledger.chainId,
    type: 'consensus.forkEvidence',
    payload: { kind: refused.kind, checkpoint: refused.note },
    nonce: node.mempool.nextNonce(node.key.publicKey),
  });
  const hash = node.submit(tx);
  logger.warn({ origin: checkpoint.origin, size: checkpoint.size, tx: hash }, 'fork evidence reported');
  return hash;
}

/** This chain's log root at a size it has reached (the empty tree's root is SHA-256 of nothing). */
function ownRootAt(node: CarechainNode, size: number): Uint8Array {
  return size === 0 ? sha256(new Uint8Array(0)) : fromHex(proveConsistency(node.ledger, size, size).toRoot);
}
