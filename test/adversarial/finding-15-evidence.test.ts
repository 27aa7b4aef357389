// Finding 15 (issue 10): evidence payloads were not exact objects, so one offence could be recorded many
// times: the same pair of conflicting votes with an extra field (or a third conflicting vote) hashed to
// a new evidence id. Each offence must be recorded once, and nothing unverified may ride along.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EVIDENCE_PREFIX } from '../../src/app/consensus/index.ts';
import { BlockExecutor, executeGenesis } from '../../src/app/executor.ts';
import { StateOverlay } from '../../src/app/state.ts';
import { applyOutcome } from '../../src/app/test-support.ts';
import { duplicateVoteEvidence } from '../../src/consensus/index.ts';
import { toHex } from '../../src/core/bytes.ts';
import { publicKeyFromSeed } from '../../src/core/crypto/index.ts';
import { genesisHash, type Genesis } from '../../src/core/genesis.ts';
import { signTx } from '../../src/core/tx.ts';
import { signVote, type Vote } from '../../src/core/vote.ts';
import { seedOf } from '../harness/chain.ts';

const chainId = 'carechain-test';
const offender = { seed: seedOf('v1'), key: toHex(publicKeyFromSeed(seedOf('v1'))) };
const others = ['v2', 'v3', 'v4'].map((l) => toHex(publicKeyFromSeed(seedOf(l))));
const genesis: Genesis = {
  chainId,
  genesisTimeMs: 0,
  validators: [offender.key, ...others].map((publicKey, i) => ({ publicKey, power: 10, name: `v${i}` })),
  app: {},
};

function executor(): BlockExecutor {
  const base = new StateOverlay({ get: () => undefined });
  for (const [k, v] of executeGenesis(genesis, genesisHash(genesis)).writes) if (v !== null) base.set(k, v);
  return new BlockExecutor(base, { chainId, height: 9, timeMs: 0 });
}

function precommit(blockHash: string): Vote {
  return signVote(chainId, offender.seed, {
    type: 'precommit',
    height: 5,
    round: 1,
    blockHash,
    timeMs: 1,
    validator: offender.key,
  });
}

/** Submits evidence as a fresh reporter would (each its own key, so nonces never interfere). */
function report(exec: BlockExecutor, payload: unknown, reporter: string): string {
  const tx = signTx(seedOf(reporter), {
    chainId,
    type: 'consensus.evidence',
    payload: payload as never,
    nonce: 1,
  });
  return applyOutcome(exec, tx);
}

function recorded(exec: BlockExecutor): number {
  return exec.finish('00'.repeat(32)).writes.filter(([k]) => k.startsWith(EVIDENCE_PREFIX)).length;
}

const a = precommit('aa'.repeat(32));
const b = precommit('bb'.repeat(32));
const c = precommit('cc'.repeat(32));

test('finding 15: one offence re-sent with extra fields is refused, and recorded once', () => {
  const exec = executor();
  const evidence = duplicateVoteEvidence(a, b);
  assert.equal(report(exec, { evidence }, 'r1'), 'accepted');
  assert.equal(report(exec, { evidence: { ...evidence, note: 1 } }, 'r2'), 'tx.invalid_payload');
  assert.equal(report(exec, { evidence, again: true }, 'r3'), 'tx.invalid_payload');
  const padded = duplicateVoteEvidence({ ...a, extra: 'x' } as Vote, b);
  assert.equal(report(exec, { evidence: padded }, 'r4'), 'tx.invalid_payload');
  assert.equal(recorded(exec), 1);
});

test('finding 15: a third conflicting vote of the same step is the same offence', () => {
  const exec = executor();
  assert.equal(report(exec, { evidence: duplicateVoteEvidence(a, b) }, 'r1'), 'accepted');
  assert.equal(report(exec, { evidence: duplicateVoteEvidence(a, c) }, 'r2'), 'tx.rejected');
  assert.equal(report(exec, { evidence: duplicateVoteEvidence(b, c) }, 'r3'), 'tx.rejected');
  assert.equal(recorded(exec), 1);
});

test('finding 15: a different step of the same validator is a different offence', () => {
  const exec = executor();
  assert.equal(report(exec, { evidence: duplicateVoteEvidence(a, b) }, 'r1'), 'accepted');
  const prevote = (h: string) => signVote(chainId, offender.seed, { ...a, type: 'prevote', blockHash: h });
  const other = duplicateVoteEvidence(prevote('aa'.repeat(32)), prevote('bb'.repeat(32)));
  assert.equal(report(exec, { evidence: other }, 'r2'), 'accepted');
  assert.equal(recorded(exec), 2);
});
