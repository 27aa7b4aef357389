// Block sync: a node that is behind (new, restarted, or cut off for a while) fetches the blocks it
// lacks from a peer that announced a higher height. It trusts nothing but genesis: each block's commit
// must carry > 2/3 of the validators' power for exactly that block, and the block itself is checked and
// re-executed like a proposal before it is stored.
import type { Logger } from 'pino';
import { CoreError } from '../../core/errors.ts';
import { verifyCommit } from '../../core/vote.ts';
import type { Ledger } from '../ledger.ts';
import type { ConsensusDriver } from './driver.ts';
import {
  blockValue,
  exactCommit,
  isBlockShape,
  SYNC_ANSWER_BYTES_MAX,
  SYNC_BLOCKS_PER_REQUEST_MAX,
  type SyncedBlock,
} from './wire.ts';

export interface BlockSyncDependencies {
  readonly ledger: Ledger;
  readonly driver: ConsensusDriver;
  readonly logger: Logger;
  request(peerKey: string, method: string, params: unknown): Promise<unknown>;
}

export class BlockSync {
  private readonly deps: BlockSyncDependencies;
  private syncing = false;

  constructor(deps: BlockSyncDependencies) {
    this.deps = deps;
  }

  get active(): boolean {
    return this.syncing;
  }

  /** A peer says its chain reaches `height`; fetch what we lack unless a sync is already running. */
  onPeerHeight(peerKey: string, height: number): void {
    if (this.syncing || height <= this.deps.ledger.tip().height) return;
    this.syncing = true;
    void this.syncFrom(peerKey, height)
      .catch((err: unknown) => {
        const reason = err instanceof Error ? err.message : String(err);
        this.deps.logger.warn({ peer: peerKey.slice(0, 16), reason }, 'block sync stopped');
      })
      .finally(() => {
        this.syncing = false;
        this.deps.driver.resyncToTip();
      });
  }

  /**
   * What a peer asked for: the blocks from `from`, with their commits, up to SYNC_BLOCKS_PER_REQUEST_MAX
   * of them and SYNC_ANSWER_BYTES_MAX of JSON after the first (the peer asks again for the rest).
   */
  serve(params: unknown): SyncedBlock[] {
    const from = (params as { from?: unknown } | null)?.from;
    if (typeof from !== 'number' || !Number.isSafeInteger(from) || from < 1) return [];
    const { store } = this.deps.ledger;
    const out: SyncedBlock[] = [];
    let bytes = 0;
    for (let h = from; h < from + SYNC_BLOCKS_PER_REQUEST_MAX; h++) {
      const stored = store.block(h);
      const commit = store.commit(h);
      if (stored === undefined || commit === undefined) break;
      const item = { block: stored.block, commit };
      bytes += Buffer.byteLength(JSON.stringify(item));
      if (out.length > 0 && bytes > SYNC_ANSWER_BYTES_MAX) break;
      out.push(item);
    }
    return out;
  }

  private async syncFrom(peerKey: string, peerHeight: number): Promise<void> {
    const { ledger } = this.deps;
    while (ledger.tip().height < peerHeight) {
      const answer = await this.deps.request(peerKey, 'blocks', { from: ledger.tip().height + 1 });
      if (!Array.isArray(answer) || answer.length === 0) return;
      for (const item of answer as unknown[]) {
        const synced = item as Partial<SyncedBlock> | null;
        const commit = exactCommit(synced?.commit);
        if (!isBlockShape(synced?.block) || commit === undefined) {
          throw new CoreError('sync.malformed', 'peer sent a malformed block or commit');
        }
        const height = synced.block.header.height;
        if (height <= ledger.tip().height) continue; // consensus decided it meanwhile
        const value = blockValue(synced.block);
        if (value === undefined) throw new CoreError('sync.malformed', 'peer sent an unhashable block');
        if (commit.blockHash !== value.hash || commit.height !== height) {
          throw new CoreError('sync.bad_commit', `commit does not match block ${height}`);
        }
        verifyCommit(ledger.chainId, ledger.signersOf(synced.block), commit);
        this.deps.driver.commitBlock(value, commit);
      }
      this.deps.driver.resyncToTip();
    }
  }
}
