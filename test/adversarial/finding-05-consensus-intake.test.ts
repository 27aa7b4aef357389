// Finding 5 (issue 10): the consensus intake buffered next-height votes and proposals signed by any key,
// not only by validators, after checking each signature. Any member peer (every member organisation's
// node is admitted by the P2P layer) could sign with fresh keys and make nodes hold any number of
// 16 MiB "proposals", at a signature check each. Now the next height's buffer keeps only its
// validators' votes and its scheduled proposers' proposals, within a byte budget per signer, and
// refuses the rest before any signature check. The engine is the real one with real Ed25519 signatures;
// messages arrive as the driver hands them over from the P2P layer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { publicKeyFromSeed, sha256 } from '../../src/core/crypto/index.ts';
import { toHex, utf8 } from '../../src/core/bytes.ts';
import { signProposal, verifyProposalSignature } from '../../src/core/proposal.ts';
import { signVote, verifyVoteSignature } from '../../src/core/vote.ts';
import { ConsensusEngine } from '../../src/consensus/engine.ts';
import { FUTURE_BYTES_PER_SIGNER_MAX } from '../../src/consensus/intake.ts';
import { nextHeightSchedule, proposerOf } from '../../src/consensus/proposer.ts';
import { CHAIN_ID, makeKeys, value, type TestValue } from '../../src/consensus/test-support.ts';

const MIB = 1024 * 1024;
type SizedValue = TestValue & { readonly bytes: number };
const sized = (label: string, bytes: number): SizedValue => ({ ...value(label), bytes });

function setup() {
  const keys = makeKeys([1, 1, 1, 1]);
  const checks = { signatures: 0 };
  const engine = new ConsensusEngine<SizedValue>({
    chainId: CHAIN_ID,
    seed: keys.seeds[0]!,
    valueBytes: (v) => v.bytes,
    verifier: {
      vote: (chainId, vote) => (checks.signatures++, verifyVoteSignature(chainId, vote)),
      proposal: (chainId, proposal) => (checks.signatures++, verifyProposalSignature(chainId, proposal)),
    },
  });
  engine.handle({ kind: 'start', height: 1, schedule: keys.schedule, nowMs: 1000 });
  const next = nextHeightSchedule(keys.schedule);
  return { keys, engine, checks, next };
}

function proposalBy(seed: Uint8Array, height: number, round: number, v: SizedValue) {
  const proposer = toHex(publicKeyFromSeed(seed));
  const proposal = signProposal(CHAIN_ID, seed, { height, round, polRound: -1, blockHash: v.hash, proposer });
  return { kind: 'proposal', proposal, value: v, nowMs: 1000 } as const;
}

function voteBy(seed: Uint8Array, height: number, round: number, blockHash: string) {
  const validator = toHex(publicKeyFromSeed(seed));
  const vote = signVote(CHAIN_ID, seed, { type: 'prevote', height, round, blockHash, timeMs: 5, validator });
  return { kind: 'vote', vote, nowMs: 1000 } as const;
}

test('finding 5: next-height proposals and votes signed by keys outside the validator set are not kept, nor their signatures checked', () => {
  const { engine, checks } = setup();
  for (let i = 0; i < 40; i++) {
    const outsider = sha256(utf8(`member peer's fresh key ${i}`));
    const v = sized(`junk ${i}`, 16 * MIB);
    engine.handle(proposalBy(outsider, 2, i % 3, v));
    engine.handle(voteBy(outsider, 2, i % 3, v.hash));
  }
  assert.deepEqual(engine.futureHeld(), { messages: 0, bytes: 0 });
  assert.equal(checks.signatures, 0);
});

test("finding 5: a validator's next-height proposal is kept only for rounds it is scheduled to propose", () => {
  const { keys, engine, checks, next } = setup();
  const round0 = keys.keys.indexOf(proposerOf(next, 0));
  const other = (round0 + 1) % 4;
  engine.handle(proposalBy(keys.seeds[other]!, 2, 0, sized('not its turn', MIB)));
  assert.deepEqual(engine.futureHeld(), { messages: 0, bytes: 0 });
  assert.equal(checks.signatures, 0);
  engine.handle(proposalBy(keys.seeds[round0]!, 2, 0, sized('its turn', MIB)));
  assert.equal(engine.futureHeld().messages, 1);
});

test("finding 5: one proposer's next-height proposals are bounded in bytes; what was kept is replayed when the height starts", () => {
  const { keys, engine, next } = setup();
  const proposer = proposerOf(next, 0);
  const seed = keys.seeds[keys.keys.indexOf(proposer)]!;
  const rounds = [...Array(11).keys()].filter((r) => proposerOf(next, r) === proposer);
  assert.ok(rounds.length >= 2, `the proposer of round 0 proposes again in rounds ${rounds.join(', ')}`);
  const kept = sized('first full block', 16 * MIB);
  engine.handle(proposalBy(seed, 2, rounds[0]!, kept));
  for (const [i, round] of rounds.entries()) {
    // Two different blocks per round (an equivocator's), each as large as a P2P message allows.
    engine.handle(proposalBy(seed, 2, round, sized(`large block ${i}a`, 16 * MIB)));
    engine.handle(proposalBy(seed, 2, round, sized(`large block ${i}b`, 16 * MIB)));
  }
  const held = engine.futureHeld();
  assert.equal(held.messages, 1);
  assert.ok(held.bytes <= FUTURE_BYTES_PER_SIGNER_MAX, `${held.bytes} bytes held`);
  // Votes of validators for the next height are still kept, and the kept proposal is used at height 2.
  for (let i = 1; i < 4; i++) engine.handle(voteBy(keys.seeds[i]!, 2, 0, kept.hash));
  assert.equal(engine.futureHeld().messages, 4);
  const started = engine.handle({ kind: 'start', height: 2, schedule: next, nowMs: 2000 });
  const validating = started.flatMap((o) => (o.kind === 'validateValue' ? [o.value.hash] : []));
  assert.deepEqual(validating, [kept.hash]);
  assert.deepEqual(engine.futureHeld(), { messages: 0, bytes: 0 });
});
