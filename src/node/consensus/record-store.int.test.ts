// The restart record must come back exactly as saved, across heights, even when it refers to a block
// from an earlier height (a validator's last signed proposal is kept until it proposes again).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { ConsensusRecord } from '../../consensus/index.ts';
import { encodeTx, txHashOfBytes } from '../../core/tx.ts';
import { anchorTx, clientKey, openTestChain, tempDir } from '../../../test/harness/chain.ts';
import { SqliteStorage } from '../storage/sqlite/sqlite-storage.ts';
import { LedgerStore } from '../store/store.ts';
import { ConsensusRecordStore } from './record-store.ts';
import { blockValue, type BlockValue } from './wire.ts';

const dir = tempDir();
after(() => dir.remove());

test('records round-trip through a reopen, keeping blocks from earlier heights they refer to', () => {
  const chain = openTestChain(dir.path);
  const tx = anchorTx(clientKey, 1);
  const encoded = encodeTx(tx);
  const built = chain.ledger.buildBlock(
    [{ tx, encoded, hash: txHashOfBytes(encoded) }],
    clientKey.publicKey,
    null,
  );
  const proposedAtHeight1 = blockValue(built.prepared.block)!;
  const base: ConsensusRecord<BlockValue> = {
    height: 1,
    round: 0,
    step: 'prevote',
    lockedRound: 0,
    lockedValue: proposedAtHeight1,
    validRound: 0,
    validValue: proposedAtHeight1,
    lastProposal: {
      proposal: {
        height: 1,
        round: 0,
        polRound: -1,
        blockHash: proposedAtHeight1.hash,
        proposer: clientKey.publicKey,
        signature: 'ab'.repeat(64),
      },
      value: proposedAtHeight1,
    },
    lastPrevote: null,
    lastPrecommit: null,
    validPolka: [],
  };
  const store = new ConsensusRecordStore(chain.ledger.store.port);
  store.save(base);
  // Height 5: no lock, but the last proposal is still the one of height 1.
  const later: ConsensusRecord<BlockValue> = {
    ...base,
    height: 5,
    lockedRound: -1,
    lockedValue: null,
    validRound: -1,
    validValue: null,
  };
  store.save(later);
  chain.ledger.close();

  const reopened = LedgerStore.open(new SqliteStorage(dir.path));
  assert.deepEqual(new ConsensusRecordStore(reopened.port).load(), JSON.parse(JSON.stringify(later)));
  reopened.close();
});
