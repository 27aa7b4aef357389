import assert from 'node:assert/strict';
import { test } from 'node:test';
import { duplicateVoteEvidence } from '../../core/evidence.ts';
import { toHex } from '../../core/bytes.ts';
import { publicKeyFromSeed, sha256 } from '../../core/crypto/index.ts';
import { genesisHash, type Genesis } from '../../core/genesis.ts';
import { signTx } from '../../core/tx.ts';
import { signVote, type Vote } from '../../core/vote.ts';
import { BlockExecutor, executeGenesis } from '../executor.ts';
import { StateOverlay } from '../state.ts';
import { applyOutcome } from '../test-support.ts';
import { EVIDENCE_PREFIX, validatorSetFromState } from './index.ts';

const chainId = 'carechain-test';
const seedOf = (label: string) => sha256(new TextEncoder().encode(label));
const validators = ['v1', 'v2', 'v3', 'v4'].map((l) => ({
  seed: seedOf(l),
  key: toHex(publicKeyFromSeed(seedOf(l))),
}));
const outsider = { seed: seedOf('outsider'), key: toHex(publicKeyFromSeed(seedOf('outsider'))) };
const reporter = seedOf('reporter');
const genesis: Genesis = {
  chainId,
  genesisTimeMs: 0,
  validators: validators.map((v, i) => ({ publicKey: v.key, power: 10 + i, name: `v${i}` })),
  app: {},
};

function state(): StateOverlay {
  const overlay = new StateOverlay({ get: () => undefined });
  for (const [k, v] of executeGenesis(genesis, genesisHash(genesis)).writes)
    if (v !== null) overlay.set(k, v);
  return overlay;
}

function precommit(signer: { seed: Uint8Array; key: string }, blockHash: string): Vote {
  return signVote(chainId, signer.seed, {
    type: 'precommit',
    height: 5,
    round: 1,
    blockHash,
    timeMs: 1,
    validator: signer.key,
  });
}

function submit(executor: BlockExecutor, evidence: unknown, nonce: number): string {
  const tx = signTx(reporter, { chainId, type: 'consensus.evidence', payload: { evidence } as never, nonce });
  return applyOutcome(executor, tx);
}

test('genesis puts the validator set in state', () => {
  assert.deepEqual(
    validatorSetFromState(state()).validators.map((v) => v.publicKey),
    genesis.validators.map((v) => v.publicKey).sort(),
  );
});

test('valid equivocation evidence is recorded once, naming the offender', () => {
  const base = state();
  const executor = new BlockExecutor(base, { chainId, height: 9, timeMs: 0 });
  const evidence = duplicateVoteEvidence(
    precommit(validators[2]!, 'aa'.repeat(32)),
    precommit(validators[2]!, 'bb'.repeat(32)),
  );
  assert.equal(submit(executor, evidence, 1), 'accepted');
  assert.equal(submit(executor, evidence, 2), 'tx.rejected');
  const written = executor.finish('00'.repeat(32)).writes.filter(([k]) => k.startsWith(EVIDENCE_PREFIX));
  assert.equal(written.length, 1);
  const record = JSON.parse(written[0]![1]!);
  assert.equal(record.offender, validators[2]!.key);
  assert.equal(record.height, 5);
  assert.equal(record.committedAt, 9);
});

test('evidence that is not proof of equivocation by a validator is refused', () => {
  const executor = new BlockExecutor(state(), { chainId, height: 9, timeMs: 0 });
  const v = validators[0]!;
  // Not a validator: an outsider's double vote proves nothing about the validator set.
  const outsiderEvidence = duplicateVoteEvidence(
    precommit(outsider, 'aa'.repeat(32)),
    precommit(outsider, 'bb'.repeat(32)),
  );
  assert.equal(submit(executor, outsiderEvidence, 1), 'tx.invalid_payload');
  // Same block twice is not a conflict.
  const a = precommit(v, 'aa'.repeat(32));
  assert.equal(
    submit(executor, { kind: 'duplicate-vote', voteA: a, voteB: { ...a, timeMs: 2 } }, 1),
    'tx.invalid_payload',
  );
  // A forged second vote: signature does not verify, so an honest validator cannot be framed.
  const forged = { ...precommit(v, 'bb'.repeat(32)), blockHash: 'cc'.repeat(32) };
  assert.equal(submit(executor, duplicateVoteEvidence(a, forged), 1), 'tx.invalid_payload');
  assert.equal(submit(executor, 'garbage', 1), 'tx.invalid_payload');
  assert.deepEqual(executor.finish('00'.repeat(32)).writes, []);
});
