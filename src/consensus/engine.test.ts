import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commitTimeMs, verifyCommit, type Vote } from '../core/vote.ts';
import { ConsensusEngine } from './engine.ts';
import { Signer } from './signer.ts';
import {
  CHAIN_ID,
  Cluster,
  makeKeys,
  newEngine,
  ofKind,
  proposalInput,
  proposerIndex,
  value,
  voteBy,
  voteInput,
  type Keys,
  type TestValue,
} from './test-support.ts';
import type { Output } from './types.ts';

const start = (keys: Keys) => ({ kind: 'start', height: 1, schedule: keys.schedule, nowMs: 1000 }) as const;
const timeout = (round: number, step: 'propose' | 'prevote' | 'precommit') =>
  ({ kind: 'timeout', height: 1, round, step, nowMs: 1000 }) as const;
const validated = (v: TestValue, valid = true) =>
  ({ kind: 'valueValidated', height: 1, hash: v.hash, valid, nowMs: 1000 }) as const;

function sentVotes(outputs: readonly Output<TestValue>[]): Vote[] {
  return ofKind(outputs, 'broadcast').flatMap((b) => (b.message.kind === 'vote' ? [b.message.vote] : []));
}

/** Four equal validators; `me` is the one that proposes only from round 3, so rounds 0-2 are others'. */
function setup(): { keys: Keys; me: number; others: number[]; e: ConsensusEngine<TestValue> } {
  const keys = makeKeys([1, 1, 1, 1]);
  const me = proposerIndex(keys, 3);
  const others = [0, 1, 2, 3].filter((i) => i !== me);
  const e = newEngine(keys, me);
  e.handle(start(keys));
  return { keys, me, others, e };
}

/** Feeds round `round`'s proposal of v (validated) and returns our outputs. */
function propose(e: ConsensusEngine<TestValue>, keys: Keys, round: number, v: TestValue, polRound = -1) {
  return [...e.handle(proposalInput(keys, 1, round, v, polRound)), ...e.handle(validated(v))];
}

test('four equal validators decide one block at height 1 with a verifiable commit', () => {
  const c = new Cluster(makeKeys([1, 1, 1, 1]));
  c.start();
  c.run();
  const decided = c.engines.map((_, i) => c.decisions(i));
  for (const d of decided) assert.equal(d.length, 1);
  const first = decided[0]![0]!;
  for (const d of decided) assert.equal(d[0]!.value.hash, first.value.hash);
  verifyCommit(CHAIN_ID, c.keys.set, first.commit);
  assert.ok(commitTimeMs(c.keys.set, first.commit) > first.value.timeMs);
});

test('unequal powers: the heavy validators alone make progress while a light one is cut off', () => {
  const c = new Cluster(makeKeys([5, 5, 5, 1]));
  c.drop = (from, to) => from === 3 || to === 3;
  c.start();
  c.run();
  c.fireTimeouts('propose'); // in case the cut-off validator was the first proposer
  c.fireTimeouts();
  for (const i of [0, 1, 2]) assert.equal(c.decisions(i).length, 1, `validator ${i}`);
  assert.equal(c.decisions(3).length, 0);
});

test('a locked validator prevotes nil for another block, and unlocks only on a later polka (lines 22-29)', () => {
  const { keys, others, e } = setup();
  const [a, b] = [value('A'), value('B')];
  // Round 0: a polka for A locks us on A (lines 36-41).
  assert.equal(sentVotes(propose(e, keys, 0, a))[0]!.blockHash, a.hash);
  const lockOut = [0, 1].flatMap((k) =>
    e.handle(
      voteInput(voteBy(keys, others[k]!, { type: 'prevote', height: 1, round: 0, blockHash: a.hash })),
    ),
  );
  const precommit = sentVotes(lockOut).find((v) => v.type === 'precommit');
  assert.equal(precommit?.blockHash, a.hash);
  const persisted = ofKind(lockOut, 'persist').at(-1)!.record;
  assert.equal(persisted.lockedRound, 0);
  assert.equal(persisted.lockedValue?.hash, a.hash);
  assert.ok(
    lockOut.findIndex((o) => o.kind === 'persist') < lockOut.findIndex((o) => o.kind === 'broadcast'),
  );

  // Round 1: a fresh B (vr = -1) gets our nil prevote, because we are locked on A (line 23).
  e.handle(timeout(0, 'precommit'));
  assert.equal(e.round, 1);
  assert.equal(sentVotes(propose(e, keys, 1, b))[0]!.blockHash, null);

  // Round 2: B again with vr = 1. Without the round-1 polka we must wait (line 28)...
  e.handle(timeout(1, 'precommit'));
  assert.equal(sentVotes(propose(e, keys, 2, b, 1)).length, 0);
  // ...and with it, lockedRound 0 <= vr 1 lets us prevote B (line 29).
  const polka = others.flatMap((i) =>
    e.handle(voteInput(voteBy(keys, i, { type: 'prevote', height: 1, round: 1, blockHash: b.hash }))),
  );
  const votes = sentVotes(polka);
  assert.deepEqual(
    votes.map((v) => [v.round, v.type, v.blockHash]),
    [[2, 'prevote', b.hash]],
  );
});

test('the lock survives a restart from the persisted record', () => {
  const { keys, me, others, e } = setup();
  const [a, b] = [value('A'), value('B')];
  const outputs = [
    ...propose(e, keys, 0, a),
    ...[0, 1].flatMap((k) =>
      e.handle(
        voteInput(voteBy(keys, others[k]!, { type: 'prevote', height: 1, round: 0, blockHash: a.hash })),
      ),
    ),
  ];
  const record = ofKind(outputs, 'persist').at(-1)!.record;
  const restarted = newEngine(keys, me, { record });
  const resumed = restarted.handle(start(keys));
  // It re-sends what it signed (the crash may have come before the send) and signs nothing new.
  assert.equal(ofKind(resumed, 'persist').length, 0);
  assert.deepEqual(
    sentVotes(resumed).map((v) => v.signature),
    [record.lastPrevote!.signature, record.lastPrecommit!.signature],
  );
  restarted.handle(timeout(0, 'precommit'));
  assert.equal(sentVotes(propose(restarted, keys, 1, b))[0]!.blockHash, null);
});

test('an invalid block gets a nil prevote; a block is never decided before the driver validates it', () => {
  const { keys, others, e } = setup();
  const a = value('A');
  const before = e.handle(proposalInput(keys, 1, 0, a));
  assert.equal(ofKind(before, 'validateValue').length, 1);
  assert.equal(sentVotes(before).length, 0);
  const precommits = others.flatMap((i) =>
    e.handle(voteInput(voteBy(keys, i, { type: 'precommit', height: 1, round: 0, blockHash: a.hash }))),
  );
  assert.equal(ofKind(precommits, 'decide').length, 0);
  const after = e.handle(validated(a, false));
  assert.equal(sentVotes(after)[0]!.blockHash, null);
  assert.equal(ofKind(after, 'decide').length, 0);
});

test('f+1 power in a later round makes us skip to it (lines 55-56), less does not', () => {
  const keys = makeKeys([1, 1, 1, 5]);
  const e = newEngine(keys, 0);
  e.handle(start(keys));
  e.handle(voteInput(voteBy(keys, 1, { type: 'prevote', height: 1, round: 4, blockHash: null })));
  e.handle(voteInput(voteBy(keys, 2, { type: 'precommit', height: 1, round: 4, blockHash: null })));
  assert.equal(e.round, 0, '2 of 8 is not more than 1/3');
  const out = e.handle(voteInput(voteBy(keys, 3, { type: 'prevote', height: 1, round: 7, blockHash: null })));
  // Validators 1, 2 at round 4 and 3 at round 7: round 7 alone has 5/8; we go to the highest such round.
  assert.equal(e.round, 7);
  const scheduled = ofKind(out, 'scheduleTimeout').at(-1)!;
  assert.deepEqual([scheduled.round, scheduled.step, scheduled.durationMs], [7, 'propose', 3000 + 7 * 500]);
});

test('round skip works from rounds too far ahead to store, and memory stays bounded', () => {
  const keys = makeKeys([1, 1, 1, 1]);
  const e = newEngine(keys, 0, { roundsAheadMax: 5 });
  e.handle(start(keys));
  const rounds = () => (e as unknown as { intake: { rounds: Map<number, unknown> } }).intake.rounds;
  e.handle(voteInput(voteBy(keys, 1, { type: 'prevote', height: 1, round: 1000, blockHash: null })));
  assert.equal(rounds().has(1000), false);
  e.handle(voteInput(voteBy(keys, 2, { type: 'prevote', height: 1, round: 900, blockHash: null })));
  assert.equal(e.round, 900);
  // Messages for heights beyond the next are ignored outright.
  e.handle(voteInput(voteBy(keys, 1, { type: 'prevote', height: 3, round: 0, blockHash: null })));
  assert.equal(rounds().size <= 1, true);
});

test('bad signatures, non-validators and tampered votes are not counted', () => {
  const { keys, others, e } = setup();
  const a = value('A');
  propose(e, keys, 0, a);
  const stranger = makeKeys([1, 1, 1, 1, 1]);
  const forged = others.map((i) => {
    const v = voteBy(keys, i, { type: 'prevote', height: 1, round: 0, blockHash: null });
    return { ...v, blockHash: a.hash }; // signature no longer matches
  });
  const outsider = voteBy(stranger, 4, { type: 'prevote', height: 1, round: 0, blockHash: a.hash });
  const out = [...forged, outsider].flatMap((v) => e.handle(voteInput(v)));
  assert.equal(sentVotes(out).length, 0, 'no precommit: no real polka');
});

test('a non-validator follows the chain and decides, but never signs or persists', () => {
  const keys = makeKeys([1, 1, 1, 1]);
  const observer = new ConsensusEngine<TestValue>({ chainId: CHAIN_ID });
  const a = value('A');
  const outputs = [
    ...observer.handle(start(keys)),
    ...observer.handle(proposalInput(keys, 1, 0, a)),
    ...observer.handle(validated(a)),
    ...[0, 1, 2].flatMap((i) =>
      observer.handle(
        voteInput(voteBy(keys, i, { type: 'precommit', height: 1, round: 0, blockHash: a.hash })),
      ),
    ),
  ];
  assert.equal(ofKind(outputs, 'persist').length + ofKind(outputs, 'broadcast').length, 0);
  const [decision] = ofKind(outputs, 'decide');
  assert.equal(decision?.value.hash, a.hash);
  verifyCommit(CHAIN_ID, keys.set, decision.commit);
});

test('a precommit is later than the block it commits (BFT time)', () => {
  const { keys, others, e } = setup();
  const a = value('A', 5000);
  propose(e, keys, 0, a);
  const out = [0, 1].flatMap((k) =>
    e.handle(
      voteInput(voteBy(keys, others[k]!, { type: 'prevote', height: 1, round: 0, blockHash: a.hash })),
    ),
  );
  assert.equal(sentVotes(out).find((v) => v.type === 'precommit')?.timeMs, 5001);
});

test('no double sign: the signer refuses a second, different vote for one height, round and type', () => {
  const keys = makeKeys([1, 1, 1, 1]);
  const signer = new Signer<TestValue>(CHAIN_ID, keys.seeds[0]!, {
    proposal: null,
    prevote: null,
    precommit: null,
  });
  const body = { type: 'prevote', height: 1, round: 0, timeMs: 1 } as const;
  const first = signer.vote({ ...body, blockHash: null })!;
  assert.equal(first.fresh, true);
  // The same vote again is handed back unchanged, even with another time.
  assert.equal(
    signer.vote({ ...body, blockHash: null, timeMs: 99 })!.signed.signature,
    first.signed.signature,
  );
  assert.throws(() => signer.vote({ ...body, blockHash: value('A').hash }), /two different prevotes/);
  signer.vote({ ...body, round: 1, blockHash: null });
  assert.equal(signer.vote({ ...body, round: 0, blockHash: null }), null, 'an earlier round is refused');
});

test('no double sign across a crash between persisting a vote and sending it', () => {
  const { keys, me, e } = setup();
  const a = value('A');
  const out = e.handle(timeout(0, 'propose')); // prevote nil, persisted, then "crash" before the send
  const record = ofKind(out, 'persist')[0]!.record;
  const restarted = newEngine(keys, me, { record });
  const resent = sentVotes(restarted.handle(start(keys)));
  assert.deepEqual(resent, [record.lastPrevote]);
  assert.equal(sentVotes(propose(restarted, keys, 0, a)).length, 0, 'no second prevote for round 0');

  // The test-only broken engine forgets the record, and does sign a conflicting prevote: the condition
  // the simulator's double-sign check must catch.
  const amnesiac = newEngine(keys, me, { record, unsafe: { forgetSigned: true } });
  amnesiac.handle(start(keys));
  const conflicting = sentVotes(propose(amnesiac, keys, 0, a))[0]!;
  assert.equal(conflicting.round, 0);
  assert.notEqual(conflicting.blockHash, record.lastPrevote!.blockHash);
});

test('an equivocator spraying votes for unknown blocks cannot crowd out its vote for a real block', () => {
  const { keys, others, e } = setup();
  const a = value('A');
  propose(e, keys, 0, a);
  const [x, y] = [others[0]!, others[1]!];
  const garbage = [1, 2, 3, 4, 5].map((i) =>
    voteBy(keys, x, { type: 'prevote', height: 1, round: 0, blockHash: value(`garbage ${i}`).hash }),
  );
  const out = [
    ...garbage.flatMap((v) => e.handle(voteInput(v))),
    ...e.handle(voteInput(voteBy(keys, x, { type: 'prevote', height: 1, round: 0, blockHash: a.hash }))),
    ...e.handle(voteInput(voteBy(keys, y, { type: 'prevote', height: 1, round: 0, blockHash: a.hash }))),
  ];
  assert.equal(ofKind(out, 'evidence').length, 1, 'reported once');
  // Us, x and y: 3 of 4 prevoted A, so we lock and precommit A.
  assert.equal(sentVotes(out).find((v) => v.type === 'precommit')?.blockHash, a.hash);
});
