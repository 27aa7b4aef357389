// Block production for a chain with one validator (the node itself): build a block from the mempool,
// precommit it, and store it with that one-signature commit. The multi-validator network replaces this
// with the Tendermint driver; both go through Ledger.buildBlock and Ledger.commitBlock.
import { signVote, commitFromPrecommits } from '../core/vote.ts';
import type { Clock } from './env.ts';
import type { KeyPair } from './keys.ts';
import type { Ledger } from './ledger.ts';
import type { Mempool } from './mempool.ts';
import { NodeError } from './errors.ts';
import { BLOCK_TXS_MAX } from '../core/limits.ts';

export interface ProducedBlock {
  readonly height: number;
  readonly hash: string;
  readonly txHashes: readonly string[];
}

export function produceSoloBlock(
  ledger: Ledger,
  mempool: Mempool,
  key: KeyPair,
  clock: Clock,
): ProducedBlock {
  const validators = ledger.validatorSet.validators;
  if (validators.length !== 1 || validators[0]!.publicKey !== key.publicKey) {
    throw new NodeError(
      'node.not_solo',
      'solo block production needs a genesis with this node as sole validator',
    );
  }
  const tip = ledger.tip();
  const lastCommit = tip.height === 0 ? null : (ledger.store.commit(tip.height) ?? null);
  const { prepared } = ledger.buildBlock(mempool.reap(BLOCK_TXS_MAX), key.publicKey, lastCommit);
  // A precommit's time must move past the block's own time, or the next block's BFT time would not
  // increase (Tendermint spec, BFT time: vote time > block time).
  const timeMs = Math.max(clock.nowMs(), prepared.block.header.timeMs + 1);
  const vote = signVote(ledger.chainId, key.seed, {
    type: 'precommit',
    height: prepared.block.header.height,
    round: 0,
    blockHash: prepared.hash,
    timeMs,
    validator: key.publicKey,
  });
  ledger.commitBlock(prepared, commitFromPrecommits([vote]));
  return { height: prepared.block.header.height, hash: prepared.hash, txHashes: prepared.write.txHashes };
}
