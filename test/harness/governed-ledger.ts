// A real ledger driven block by block through governance votes (issue 15), for tests that need a chain
// whose validator set changed: each block is built as its scheduled proposer would build it and
// committed with precommits from every key of the set that signs it; a change is proposed by member 0
// and voted yes by the admins given. Member i is org-i of app/governance/test-fixtures.ts.
import assert from 'node:assert/strict';
import { member, networkGenesis, type Member } from '../../src/app/governance/test-fixtures.ts';
import type { Party } from '../../src/app/test-support.ts';
import type { Block } from '../../src/core/block.ts';
import type { Genesis } from '../../src/core/genesis.ts';
import { encodeTx, signTx, txHashOfBytes, type SignedTx } from '../../src/core/tx.ts';
import { commitFromPrecommits, signVote, type Commit } from '../../src/core/vote.ts';
import { proposerOf } from '../../src/consensus/index.ts';
import { scheduleAtHeight } from '../../src/node/consensus/driver.ts';
import type { Ledger, PreparedBlock } from '../../src/node/ledger.ts';

export class GovernedChain {
  readonly members: Member[];
  readonly genesis: Genesis;
  /** Every node key that may ever validate, by public key, to sign precommits with. */
  private readonly seeds = new Map<string, Uint8Array>();
  private readonly nonces = new Map<string, number>();

  constructor(size: number, laterKeys: readonly Party[] = []) {
    this.members = Array.from({ length: size }, (_, i) => member(i));
    this.genesis = networkGenesis(this.members);
    for (const p of [...this.members.map((m) => m.node), ...laterKeys]) this.seeds.set(p.key, p.seed);
  }

  get chainId(): string {
    return this.genesis.chainId;
  }

  /** A tx signed by `signer` with its next nonce. */
  tx(signer: Party, type: string, payload: object): SignedTx {
    const nonce = (this.nonces.get(signer.key) ?? 0) + 1;
    this.nonces.set(signer.key, nonce);
    return signTx(signer.seed, { chainId: this.chainId, type, payload: payload as never, nonce });
  }

  /** A commit of `hash` at `height`, round 0, signed by `keys`. */
  precommits(height: number, hash: string, timeMs: number, keys: readonly string[]): Commit {
    return commitFromPrecommits(
      keys.map((key, i) =>
        signVote(this.chainId, this.seeds.get(key)!, {
          type: 'precommit',
          height,
          round: 0,
          blockHash: hash,
          timeMs: timeMs + 1000 * (i + 1),
          validator: key,
        }),
      ),
    );
  }

  /** Builds the next block as its scheduled proposer would; every tx must be accepted. */
  build(ledger: Ledger, txs: readonly SignedTx[]): PreparedBlock {
    const height = ledger.tip().height + 1;
    const candidates = txs.map((t) => {
      const encoded = encodeTx(t);
      return { tx: t, encoded, hash: txHashOfBytes(encoded) };
    });
    const proposer = proposerOf(scheduleAtHeight(ledger, height), 0);
    const lastCommit = height === 1 ? null : ledger.commit(height - 1)!;
    const { prepared, rejected } = ledger.buildBlock(candidates, proposer, lastCommit);
    assert.deepEqual(rejected, []);
    return prepared;
  }

  /** Builds and commits the next block with precommits from every key of the set that signs it. */
  produce(ledger: Ledger, txs: readonly SignedTx[] = []): Block {
    const prepared = this.build(ledger, txs);
    const keys = ledger.validatorSet.validators.map((v) => v.publicKey);
    const { header } = prepared.block;
    ledger.commitBlock(prepared, this.precommits(header.height, prepared.hash, header.timeMs, keys));
    return prepared.block;
  }

  /** Proposes `action` as member 0 and has `voters` vote yes, a block each; returns the decided height. */
  pass(ledger: Ledger, action: object, voters: readonly Party[]): number {
    const propose = this.tx(this.members[0]!.admin, 'governance.propose', { action, reason: 'churn test' });
    this.produce(ledger, [propose]);
    const proposalId = txHashOfBytes(encodeTx(propose));
    const votes = voters.map((admin) =>
      this.tx(admin, 'governance.vote', { proposalId, choice: 'yes', reason: '' }),
    );
    this.produce(ledger, votes);
    return ledger.tip().height;
  }
}
