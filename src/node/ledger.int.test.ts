// The ledger on a real SQLite file: blocks link, nonces protect against replay, the state survives a
// reopen, and proofs from the store verify.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { lastNonce } from '../app/executor.ts';
import { fromHex } from '../core/bytes.ts';
import { verifyConsistency, verifyInclusionHex } from '../core/merkle/index.ts';
import { TxError } from '../core/tx.ts';
import { verifyCommit } from '../core/vote.ts';
import { anchorTx, buildChain, clientKey, openTestChain, tempDir } from '../../test/harness/chain.ts';
import { proveConsistency, proveInclusion } from './proofs.ts';

const dir = tempDir();
after(() => dir.remove());

test('blocks link by hash, carry valid commits, and the log grows by each block’s txs', () => {
  const chain = buildChain(dir.path, 5, 3);
  const { ledger } = chain;
  assert.equal(ledger.tip().height, 5);
  assert.equal(ledger.tip().logSize, 15);
  for (let h = 2; h <= 5; h++) {
    const block = ledger.store.block(h)!;
    assert.equal(block.block.header.previousHash, ledger.store.block(h - 1)!.hash);
    assert.ok(block.block.header.timeMs > ledger.store.block(h - 1)!.block.header.timeMs);
    verifyCommit(ledger.chainId, ledger.validatorSet, block.block.lastCommit!);
  }
  ledger.close();
});

test('a replayed tx and a tx skipping a nonce are refused with their codes, and nothing is written', () => {
  const chain = openTestChain(dir.path);
  const before = chain.ledger.tip();
  assert.equal(lastNonce(chain.ledger.store.latestState, clientKey.publicKey), 15);
  const code = (fn: () => unknown) => {
    try {
      fn();
      return 'accepted';
    } catch (err) {
      return err instanceof TxError ? err.code : String(err);
    }
  };
  assert.equal(
    code(() => chain.mempool.add(anchorTx(clientKey, 15, 'again'))),
    'tx.nonce_replayed',
  );
  assert.equal(
    code(() => chain.mempool.add(anchorTx(clientKey, 17))),
    'tx.nonce_gap',
  );
  assert.equal(
    code(() => chain.mempool.add(anchorTx(clientKey, 16, 'doc-1'))),
    'tx.rejected',
  ); // digest anchored
  assert.equal(chain.mempool.size, 0);
  assert.deepEqual(chain.ledger.tip(), before);
  chain.ledger.close();
});

test('inclusion proofs for every tx and consistency proofs between every pair of checkpoints verify', () => {
  const chain = openTestChain(dir.path);
  const { ledger } = chain;
  const sizes = [0];
  for (let h = 1; h <= ledger.tip().height; h++) sizes.push(ledger.store.block(h)!.block.header.logSize);
  for (let h = 1; h <= ledger.tip().height; h++) {
    for (const row of ledger.store.blockTxRows(h)) {
      const proof = proveInclusion(ledger, row.hash);
      assert.ok(verifyInclusionHex(proof, proof.checkpoint.logRoot));
      verifyCommit(ledger.chainId, ledger.validatorSet, proof.checkpoint.commit);
    }
  }
  for (const from of sizes.filter((s) => s > 0)) {
    for (const to of sizes.filter((s) => s >= from)) {
      const p = proveConsistency(ledger, from, to);
      assert.ok(verifyConsistency(from, to, fromHex(p.fromRoot), fromHex(p.toRoot), p.proof.map(fromHex)));
    }
  }
  assert.throws(() => proveConsistency(ledger, 3, 2), /from <= to/);
  assert.throws(() => proveConsistency(ledger, 0, 3), /the empty tree needs no proof/);
  ledger.close();
});

test('a prefix’s version changes with the blocks that write under it, and only with them', () => {
  const own = tempDir();
  const chain = openTestChain(own.path);
  const { ledger } = chain;
  const anchors = ledger.prefixVersion('notary/anchor/');
  const genomes = ledger.prefixVersion('genomics/dataset/');
  assert.equal(ledger.prefixVersion('notary/anchor/'), anchors);
  chain.addBlock([anchorTx(clientKey, 1)]);
  const afterAnchor = ledger.prefixVersion('notary/anchor/');
  assert.notEqual(afterAnchor, anchors);
  assert.equal(ledger.prefixVersion('genomics/dataset/'), genomes);
  chain.addBlock([]);
  assert.equal(ledger.prefixVersion('notary/anchor/'), afterAnchor);
  ledger.close();
  own.remove();
});

test('reopening with a different genesis is refused', async () => {
  const { Ledger } = await import('./ledger.ts');
  const { testGenesis } = await import('../../test/harness/chain.ts');
  assert.throws(() => Ledger.open(dir.path, { ...testGenesis(), genesisTimeMs: 1 }), /another chain/);
});
