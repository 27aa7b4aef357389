// The shapes of a checkpoint and of an inclusion proof as nodes serve them (src/node/proofs.ts) and
// light clients check them (the web app's explorer), and the checks a light client makes of a checkpoint,
// so the node, the CLI and the browser verify it with the same code.
import { blockHash, type BlockHeader } from './block.ts';
import { CoreError } from './errors.ts';
import { validatorSetHash, type ValidatorSet } from './validators.ts';
import { verifyCommit, type Commit } from './vote.ts';

/** The header at a height with the commit that finalised it: the header binds the log size and root. */
export interface Checkpoint {
  readonly chainId: string;
  readonly height: number;
  readonly logSize: number;
  readonly logRoot: string;
  readonly blockHash: string;
  readonly header: BlockHeader;
  readonly commit: Commit;
}

/** An RFC 9162 inclusion proof of a tx's leaf, and the checkpoint it proves against. */
export interface InclusionProofAnswer {
  readonly txHash: string;
  readonly leafIndex: number;
  readonly treeSize: number;
  readonly leafHash: string;
  readonly auditPath: string[];
  readonly checkpoint: Checkpoint;
}

/**
 * Throws CoreError('checkpoint.invalid') unless the header hashes to the block hash the checkpoint claims,
 * is of `chainId`, and binds the log size and root the checkpoint claims.
 */
export function verifyCheckpointHeader(chainId: string, checkpoint: Checkpoint): void {
  const computed = blockHash(checkpoint.header);
  if (computed !== checkpoint.blockHash) {
    throw new CoreError('checkpoint.invalid', 'the header does not hash to the block hash', {
      expected: checkpoint.blockHash,
      actual: computed,
    });
  }
  if (checkpoint.header.chainId !== chainId || checkpoint.chainId !== chainId) {
    throw new CoreError('checkpoint.invalid', 'the checkpoint is of another chain', {
      expected: chainId,
      actual: checkpoint.header.chainId,
    });
  }
  if (
    checkpoint.header.height !== checkpoint.height ||
    checkpoint.header.logSize !== checkpoint.logSize ||
    checkpoint.header.logRoot !== checkpoint.logRoot
  ) {
    throw new CoreError(
      'checkpoint.invalid',
      'the checkpoint claims another height, log size or root than its header',
    );
  }
}

/**
 * Throws unless the checkpoint's header is sound (verifyCheckpointHeader), was made by `set` (the header
 * names its hash), and its commit is for that block with precommits from more than 2/3 of `set`'s power:
 * CoreError('checkpoint.invalid'), or verifyCommit's 'commit.invalid' / 'commit.no_quorum'.
 */
export function verifyCheckpoint(chainId: string, set: ValidatorSet, checkpoint: Checkpoint): void {
  verifyCheckpointHeader(chainId, checkpoint);
  if (checkpoint.header.validatorSetHash !== validatorSetHash(set)) {
    throw new CoreError('checkpoint.invalid', 'the block names another validator set');
  }
  verifyCheckpointCommit(chainId, set, checkpoint);
}

/** The commit half of verifyCheckpoint: for this block, and signed by more than 2/3 of `set`. */
export function verifyCheckpointCommit(chainId: string, set: ValidatorSet, checkpoint: Checkpoint): void {
  const { commit } = checkpoint;
  if (commit.blockHash !== checkpoint.blockHash || commit.height !== checkpoint.header.height) {
    throw new CoreError('checkpoint.invalid', 'the commit is for another block');
  }
  verifyCommit(chainId, set, commit);
}
