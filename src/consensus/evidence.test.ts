import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commitFromPrecommits } from '../core/vote.ts';
import {
  checkConflictingCommit,
  evidenceOffender,
  verifyEvidence,
  type DuplicateVoteEvidence,
} from '../core/evidence.ts';
import { signProposal } from '../core/proposal.ts';
import {
  CHAIN_ID,
  makeKeys,
  newEngine,
  ofKind,
  proposalInput,
  proposerIndex,
  value,
  voteBy,
  voteInput,
} from './test-support.ts';

const keys = makeKeys([1, 2, 3, 4]);
const [a, b] = [value('A'), value('B')];

function evidenceFromEngine(): DuplicateVoteEvidence {
  const e = newEngine(keys, 0);
  e.handle({ kind: 'start', height: 1, schedule: keys.schedule, nowMs: 1 });
  const first = e.handle(
    voteInput(voteBy(keys, 2, { type: 'prevote', height: 1, round: 0, blockHash: a.hash })),
  );
  assert.equal(ofKind(first, 'evidence').length, 0);
  // The same vote again (even re-signed with another time) is a duplicate, not evidence.
  const again = voteBy(keys, 2, { type: 'prevote', height: 1, round: 0, blockHash: a.hash, timeMs: 77 });
  assert.equal(ofKind(e.handle(voteInput(again)), 'evidence').length, 0);
  const out = e.handle(
    voteInput(voteBy(keys, 2, { type: 'prevote', height: 1, round: 0, blockHash: b.hash })),
  );
  const [found] = ofKind(out, 'evidence');
  assert.ok(found !== undefined && found.evidence.kind === 'duplicate-vote');
  // Reported once per validator, round and type, however many more conflicting votes arrive.
  const more = voteBy(keys, 2, { type: 'prevote', height: 1, round: 0, blockHash: null });
  assert.equal(ofKind(e.handle(voteInput(more)), 'evidence').length, 0);
  return found.evidence;
}

test('two conflicting signed votes become evidence that any node can verify', () => {
  const evidence = evidenceFromEngine();
  assert.equal(evidenceOffender(evidence), keys.keys[2]);
  verifyEvidence(CHAIN_ID, keys.set, evidence);
});

test('verifyEvidence rejects anything that does not prove equivocation', () => {
  const ev = evidenceFromEngine();
  const reject = (bad: unknown, why: RegExp) =>
    assert.throws(() => verifyEvidence(CHAIN_ID, keys.set, bad as DuplicateVoteEvidence), why);
  reject({ ...ev, voteB: { ...ev.voteB, blockHash: ev.voteA.blockHash } }, /same block/);
  reject({ ...ev, voteB: { ...ev.voteB, round: 1 } }, /differ/);
  reject({ ...ev, voteB: { ...ev.voteB, type: 'precommit' } }, /differ/);
  reject({ ...ev, voteA: ev.voteB, voteB: ev.voteA }, /ordered/);
  // Changing the block of one vote breaks its signature.
  const tampered = { ...ev.voteB, blockHash: value('C').hash };
  const ordered =
    tampered.signature > ev.voteA.signature ? { ...ev, voteB: tampered } : { ...ev, voteA: tampered };
  reject(ordered, /signature/);
  // Signatures are bound to the chain: the same votes prove nothing on another chain.
  assert.throws(() => verifyEvidence('other-chain', keys.set, ev), /signature/);
  const outsider = makeKeys([5, 5, 5, 5, 5]);
  const strangerEv = {
    ...ev,
    voteA: { ...ev.voteA, validator: outsider.keys[4]! },
    voteB: { ...ev.voteB, validator: outsider.keys[4]! },
  };
  reject(strangerEv, /non-validator/);
});

test('a proposer that signs two blocks for one round is reported', () => {
  const e = newEngine(keys, 0);
  e.handle({ kind: 'start', height: 1, schedule: keys.schedule, nowMs: 1 });
  const p = proposerIndex(keys, 0);
  assert.equal(ofKind(e.handle(proposalInput(keys, 1, 0, a)), 'evidence').length, 0);
  const second = signProposal(CHAIN_ID, keys.seeds[p]!, {
    height: 1,
    round: 0,
    polRound: -1,
    blockHash: b.hash,
    proposer: keys.keys[p]!,
  });
  const [found] = ofKind(e.handle({ kind: 'proposal', proposal: second, value: b, nowMs: 1 }), 'evidence');
  assert.ok(found !== undefined);
  assert.equal(evidenceOffender(found.evidence), keys.keys[p]);
  verifyEvidence(CHAIN_ID, keys.set, found.evidence);
});

test('two valid commits for different blocks are a fork proof naming the validators that signed both', () => {
  // Validators 1, 2, 3 (power 9 of 10) commit A; 0, 2, 3 (power 8) commit B: 2 and 3 signed both.
  const precommits = (signers: number[], hash: string) =>
    signers.map((i) => voteBy(keys, i, { type: 'precommit', height: 1, round: 0, blockHash: hash }));
  const commitA = commitFromPrecommits(precommits([1, 2, 3], a.hash));
  const commitB = commitFromPrecommits(precommits([0, 2, 3], b.hash));
  const proof = checkConflictingCommit(CHAIN_ID, keys.set, commitA, commitB);
  assert.ok(proof !== null);
  assert.deepEqual([...proof.doubleSigners].sort(), [keys.keys[2]!, keys.keys[3]!].sort());
  assert.equal(checkConflictingCommit(CHAIN_ID, keys.set, commitA, commitA), null);
  // A "conflicting commit" without a quorum is just a bad message, not a fork.
  const weak = commitFromPrecommits(precommits([0, 1], b.hash));
  assert.throws(() => checkConflictingCommit(CHAIN_ID, keys.set, commitA, weak), /2\/3/);
});
