// Checkpoints and proofs served from the store. A checkpoint is the header at a height with the commit
// that finalised it: the header binds the log size and root, and the commit's precommits (> 2/3 of
// the power) sign the header's hash. Proofs read O(log n) stored log nodes (core/merkle).
import { toHex } from '../core/bytes.ts';
import { consistencyProof, inclusionProof, leafHash, rootAt } from '../core/merkle/index.ts';
import type { Checkpoint, InclusionProofAnswer } from '../core/checkpoint.ts';

export type { Checkpoint, InclusionProofAnswer } from '../core/checkpoint.ts';
import type { ValidatorSetChangeProof } from '../core/set-changes.ts';
import { keptValidatorSetAt } from '../app/consensus/index.ts';
import { recoveryAt, validatorSetHistory } from '../app/governance/index.ts';
import { NodeError } from './errors.ts';
import type { Ledger } from './ledger.ts';

export interface ConsistencyProofAnswer {
  readonly fromSize: number;
  readonly toSize: number;
  readonly fromRoot: string;
  readonly toRoot: string;
  readonly proof: string[];
}

export function checkpointAt(ledger: Ledger, height?: number): Checkpoint {
  const tipHeight = ledger.tip().height;
  const at = height ?? tipHeight;
  if (tipHeight === 0) throw new NodeError('checkpoint.none', 'no block has been committed yet');
  const stored = at >= 1 && at <= tipHeight ? ledger.store.block(at) : undefined;
  const commit = stored && ledger.store.commit(at);
  if (stored === undefined || commit === undefined) {
    throw new NodeError('checkpoint.not_found', `no checkpoint at height ${at}`, { height: at, tipHeight });
  }
  const { header } = stored.block;
  return {
    chainId: header.chainId,
    height: header.height,
    logSize: header.logSize,
    logRoot: header.logRoot,
    blockHash: stored.hash,
    header,
    commit,
  };
}

export function proveInclusion(ledger: Ledger, txHash: string, height?: number): InclusionProofAnswer {
  const stored = ledger.store.tx(txHash);
  if (stored === undefined) throw new NodeError('tx.not_found', 'no committed tx has that hash', { txHash });
  const checkpoint = checkpointAt(ledger, height ?? ledger.tip().height);
  if (stored.logIndex >= checkpoint.logSize) {
    throw new NodeError('proof.out_of_range', 'the tx is not yet in the log at that checkpoint', {
      leafIndex: stored.logIndex,
      treeSize: checkpoint.logSize,
    });
  }
  return {
    txHash,
    leafIndex: stored.logIndex,
    treeSize: checkpoint.logSize,
    leafHash: toHex(leafHash(stored.encoded)),
    auditPath: inclusionProof(ledger.store, stored.logIndex, checkpoint.logSize).map(toHex),
    checkpoint,
  };
}

export function proveConsistency(ledger: Ledger, fromSize: number, toSize: number): ConsistencyProofAnswer {
  const logSize = ledger.tip().logSize;
  if (fromSize < 1 || fromSize > toSize || toSize > logSize) {
    // RFC 9162 §2.1.4 defines consistency from a non-empty tree only: every tree extends the empty one.
    throw new NodeError(
      'proof.out_of_range',
      'need 1 <= from <= to <= the current log size (the empty tree needs no proof)',
      {
        from: fromSize,
        to: toSize,
        logSize,
      },
    );
  }
  return {
    fromSize,
    toSize,
    fromRoot: toHex(rootAt(ledger.store, fromSize)),
    toRoot: toHex(rootAt(ledger.store, toSize)),
    proof: consistencyProof(ledger.store, fromSize, toSize).map(toHex),
  };
}

/** Activations served at once: a light client that needs more asks again from the last one's height. */
export const VALIDATOR_SET_CHANGES_MAX = 256;

/**
 * Every validator-set activation the chain has committed from height `fromHeight` on (at most
 * VALIDATOR_SET_CHANGES_MAX), each with the set it brought and the checkpoint of the block before it,
 * which the outgoing set signed and which names the incoming one: what a light client that trusts only
 * genesis needs to follow the sets (core/set-changes.ts). Activations not yet committed are left out.
 */
export function validatorSetChanges(ledger: Ledger, fromHeight = 0): ValidatorSetChangeProof[] {
  const tip = ledger.tip().height;
  return validatorSetHistory(ledger.state)
    .filter((change) => change.height >= fromHeight && change.height <= tip)
    .slice(0, VALIDATOR_SET_CHANGES_MAX)
    .map((change) => {
      const set = keptValidatorSetAt(ledger.state, change.height);
      if (set === undefined) {
        throw new NodeError('checkpoint.not_found', 'the set of an activation is not kept', {
          height: change.height,
        });
      }
      const recovery = recoveryAt(ledger.state, change.height);
      return {
        validators: set.validators.map((v) => ({ ...v })),
        announcement: checkpointAt(ledger, change.height - 1),
        ...(recovery === undefined ? {} : { recovery: recovery.certificate }),
      };
    });
}
