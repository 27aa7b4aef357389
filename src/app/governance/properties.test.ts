// Properties of the vote rule and of validator changes, on the real tx handlers where it matters.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Validator } from '../../core/validators.ts';
import { TxError } from '../../core/tx.ts';
import { proposal } from './queries.ts';
import { GovernanceNet } from './test-fixtures.ts';
import type { VoteChoice } from './types.ts';
import { checkValidatorChange } from './validator-set.ts';

const choice = fc.constantFrom<VoteChoice | 'abstain'>('yes', 'no', 'veto', 'abstain');

/** Runs one vote on a fresh network of `ballots.length` members, casting ballots in `order`. */
function runVote(ballots: readonly (VoteChoice | 'abstain')[], order: readonly number[]) {
  const net = new GovernanceNet(ballots.length);
  const id = net.proposeOk(0, { kind: 'set-parameter', name: 'voting-period-blocks', value: 77 });
  for (const i of order) {
    const ballot = ballots[i]!;
    if (ballot !== 'abstain') net.vote(i, id, ballot);
  }
  return proposal(net.chain.state, id)!;
}

test('any order of the same ballots gives the same outcome', () => {
  fc.assert(
    fc.property(
      fc
        .array(choice, { minLength: 1, maxLength: 7 })
        .chain((ballots) =>
          fc.tuple(
            fc.constant(ballots),
            fc.shuffledSubarray([...ballots.keys()], { minLength: ballots.length }),
            fc.shuffledSubarray([...ballots.keys()], { minLength: ballots.length }),
          ),
        ),
      ([ballots, first, second]) => {
        assert.equal(runVote(ballots, first).status, runVote(ballots, second).status);
      },
    ),
    { numRuns: 25 },
  );
});

test('a proposal never passes without more than 2/3 yes, nor is rejected without more than 1/3 veto', () => {
  fc.assert(
    fc.property(fc.array(choice, { minLength: 1, maxLength: 7 }), (ballots) => {
      const p = runVote(ballots, [...ballots.keys()]);
      const n = ballots.length;
      if (p.status === 'passed') assert.ok(p.tally.yes * 3 > n * 2);
      if (p.status === 'rejected') assert.ok(p.tally.veto * 3 > n);
      // And the converse: the ballots that cross a threshold always decide.
      const yes = ballots.filter((b) => b === 'yes').length;
      const veto = ballots.filter((b) => b === 'veto').length;
      if (yes * 3 > n * 2) assert.equal(p.status, 'passed');
      else if (veto * 3 > n) assert.equal(p.status, 'rejected');
      else assert.equal(p.status, 'open');
    }),
    { numRuns: 40 },
  );
});

const validators = fc
  .uniqueArray(fc.record({ key: fc.integer({ min: 0, max: 15 }), power: fc.integer({ min: 1, max: 20 }) }), {
    minLength: 1,
    maxLength: 8,
    selector: (v) => v.key,
  })
  .map((list): Validator[] =>
    list.map(({ key, power }) => ({ publicKey: key.toString(16).padStart(64, '0'), power, name: `v${key}` })),
  );

test('an accepted change keeps more than 2/3 of the outgoing power and adds less than 1/3 of it', () => {
  fc.assert(
    fc.property(validators, validators, (before, after) => {
      let accepted = true;
      try {
        checkValidatorChange(before, after);
      } catch (err) {
        if (!(err instanceof TxError)) throw err;
        accepted = false;
      }
      if (!accepted) return;
      const total = before.reduce((s, v) => s + v.power, 0);
      const old = new Map(before.map((v) => [v.publicKey, v.power]));
      const kept = after.reduce((s, v) => s + Math.min(v.power, old.get(v.publicKey) ?? 0), 0);
      const added = after.reduce((s, v) => s + Math.max(0, v.power - (old.get(v.publicKey) ?? 0)), 0);
      assert.ok(kept * 3 > total * 2, 'kept more than 2/3');
      assert.ok(added * 3 < total, 'added less than 1/3');
      assert.ok(after.length >= 1);
    }),
    { numRuns: 2000 },
  );
});
