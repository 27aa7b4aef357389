// The shapes of a checkpoint and of an inclusion proof as nodes serve them (src/node/proofs.ts) and
// light clients check them (the web app's explorer): types only, so the browser shares them.
import type { BlockHeader } from './block.ts';
import type { Commit } from './vote.ts';

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
