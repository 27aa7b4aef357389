// Builds real chains on disk for tests: a temp data directory, a one-validator genesis, and blocks of
// notary txs produced through the same code path as `carechain up` (mempool → solo producer → SQLite).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toHex } from '../../src/core/bytes.ts';
import { sha256 } from '../../src/core/crypto/index.ts';
import type { Genesis } from '../../src/core/genesis.ts';
import { encodeTx, signTx, txHashOfBytes, type SignedTx } from '../../src/core/tx.ts';
import { commitFromPrecommits, signVote } from '../../src/core/vote.ts';
import { proposerOf } from '../../src/consensus/index.ts';
import { scheduleAtHeight } from '../../src/node/consensus/driver.ts';
import pino from 'pino';
import { keyPairFromSeed, type KeyPair } from '../../src/node/keys.ts';
import { CarechainNode } from '../../src/node/node.ts';
import { Ledger } from '../../src/node/ledger.ts';
import type { Storage } from '../../src/node/storage/port.ts';
import { DEFAULT_MEMPOOL_OPTIONS, Mempool } from '../../src/node/mempool.ts';
import { produceSoloBlock } from '../../src/node/solo-producer.ts';
import type { Clock } from '../../src/node/env.ts';

export const TEST_CHAIN_ID = 'carechain-test';

export function tempDir(prefix = 'carechain-test-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function seedOf(label: string): Uint8Array {
  return sha256(new TextEncoder().encode(label));
}

export const validatorKey: KeyPair = keyPairFromSeed(seedOf('validator'));
export const clientKey: KeyPair = keyPairFromSeed(seedOf('client'));

export function testGenesis(): Genesis {
  return {
    chainId: TEST_CHAIN_ID,
    genesisTimeMs: 1_700_000_000_000,
    validators: [{ publicKey: validatorKey.publicKey, power: 10, name: 'test-validator' }],
    app: {},
  };
}

/** A clock that advances 1 s per reading, so block times are deterministic. */
export function steppingClock(startMs = 1_700_000_000_000): Clock {
  let now = startMs;
  return { nowMs: () => (now += 1000) };
}

export function anchorTx(key: KeyPair, nonce: number, label = `doc-${nonce}`): SignedTx {
  return signTx(key.seed, {
    chainId: TEST_CHAIN_ID,
    type: 'notary.anchor',
    payload: {
      digest: toHex(sha256(new TextEncoder().encode(`${key.publicKey}/${label}`))),
      kind: 'document',
    },
    nonce,
  });
}

export interface TestChain {
  readonly ledger: Ledger;
  readonly mempool: Mempool;
  readonly clock: Clock;
  /** Submits txs and produces one block holding them; returns the block height. */
  addBlock(txs: readonly SignedTx[]): number;
}

/** A test chain in a data directory (SQLite) or in any storage of node/storage. */
export function openTestChain(where: string | Storage): TestChain {
  const ledger = Ledger.open(where, testGenesis());
  const clock = steppingClock();
  const context = () => {
    const tip = ledger.tip();
    return {
      chainId: ledger.chainId,
      state: ledger.store.latestState,
      nextHeight: tip.height + 1,
      timeMs: tip.timeMs,
    };
  };
  const mempool = new Mempool(DEFAULT_MEMPOOL_OPTIONS, context(), undefined, ledger.effects);
  return {
    ledger,
    mempool,
    clock,
    addBlock(txs) {
      for (const tx of txs) mempool.add(tx);
      const produced = produceSoloBlock(ledger, mempool, validatorKey, clock);
      mempool.update(produced.txHashes, context());
      return produced.height;
    },
  };
}

/** A chain of `blocks` blocks with `txsPerBlock` anchors each, from one client. */
export function buildChain(where: string | Storage, blocks: number, txsPerBlock: number): TestChain {
  const chain = openTestChain(where);
  let nonce = 0;
  for (let b = 0; b < blocks; b++) {
    chain.addBlock(Array.from({ length: txsPerBlock }, () => anchorTx(clientKey, ++nonce)));
  }
  return chain;
}

/** A real node running as the test chain's validator, its stores where `database` says (the lock tests). */
export function startTestValidator(dataDir: string, database: string): CarechainNode {
  return new CarechainNode(
    {
      dataDir,
      database,
      genesis: testGenesis(),
      key: validatorKey,
      blockIntervalMs: 50,
      emptyBlockIntervalMs: 1000,
    },
    { logger: pino({ level: 'silent' }) },
  );
}

/** The four validators of buildValidatorChain (equal power), in key order. */
export const chainValidatorKeys: readonly KeyPair[] = Array.from({ length: 4 }, (_, i) =>
  keyPairFromSeed(seedOf(`chain-validator-${i}`)),
).sort((a, b) => (a.publicKey < b.publicKey ? -1 : 1));

export function validatorChainGenesis(): Genesis {
  return {
    chainId: TEST_CHAIN_ID,
    genesisTimeMs: 1_700_000_000_000,
    validators: chainValidatorKeys.map((k, i) => ({ publicKey: k.publicKey, power: 1, name: `v${i}` })),
    app: {},
  };
}

/**
 * A 4-validator chain as Tendermint commits it: each block built by the height's round-0 proposer
 * (the driver's schedule) through Ledger.buildBlock, and committed with every validator's precommit,
 * each a second apart from the block time. `txsAt(height, nonce)` gives the block's txs, signed by
 * the caller; the next client nonce is passed in and advanced by the txs returned.
 */
export function buildValidatorChain(
  where: string | Storage,
  blocks: number,
  txsAt: (height: number, nextNonce: number) => SignedTx[],
): Ledger {
  const ledger = Ledger.open(where, validatorChainGenesis());
  let nonce = 1;
  for (let height = 1; height <= blocks; height++) {
    const txs = txsAt(height, nonce);
    nonce += txs.length;
    const lastCommit = height === 1 ? null : (ledger.commit(height - 1) ?? null);
    const proposer = proposerOf(scheduleAtHeight(ledger, height), 0);
    const candidates = txs.map((tx) => {
      const encoded = encodeTx(tx);
      return { tx, encoded, hash: txHashOfBytes(encoded) };
    });
    const { prepared, rejected } = ledger.buildBlock(candidates, proposer, lastCommit);
    if (rejected.length > 0) throw rejected[0]!.error;
    const precommits = chainValidatorKeys.map((k, i) =>
      signVote(TEST_CHAIN_ID, k.seed, {
        type: 'precommit',
        height,
        round: 0,
        blockHash: prepared.hash,
        timeMs: prepared.block.header.timeMs + 1000 * (i + 1),
        validator: k.publicKey,
      }),
    );
    ledger.commitBlock(prepared, commitFromPrecommits(precommits));
  }
  return ledger;
}
