// The COMPare check: each verdict on a worked example, explicit links, and properties over random
// registrations (a faithful report is all pre-specified; a dropped, added, re-timed or switched outcome
// is caught, each with a proof to the registration's root).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { CoreError } from '../../core/errors.ts';
import { compareOutcomes, type OutcomeComparison } from './compare.ts';
import { registrationFromCtGov } from './ctgov.ts';
import { outcomesRoot, verifyOutcomeProof } from './outcome-tree.ts';
import { COMMITMENTS, EXAMPLE_STUDY } from './test-fixtures.ts';
import type { RegisteredOutcome, ReportedOutcome } from './types.ts';

const registered = registrationFromCtGov(EXAMPLE_STUDY, COMMITMENTS).outcomes;
const [composite, stroke, mortality, sinus] = registered as [
  RegisteredOutcome,
  RegisteredOutcome,
  RegisteredOutcome,
  RegisteredOutcome,
];

const asReported = (o: RegisteredOutcome): ReportedOutcome => ({
  kind: o.kind,
  measure: o.measure,
  timeFrame: o.timeFrame,
});

function verdicts(comparison: OutcomeComparison): [string, string][] {
  return comparison.outcomes.map((e) => [e.verdict, (e.registered ?? e.reported)!.measure]);
}

function assertProofs(comparison: OutcomeComparison, outcomes: readonly RegisteredOutcome[]): void {
  assert.equal(comparison.outcomesRoot, outcomesRoot(outcomes));
  for (const entry of comparison.outcomes) {
    if (entry.registered === undefined) {
      assert.equal(entry.proof, undefined);
      continue;
    }
    assert.ok(verifyOutcomeProof(entry.registered, entry.proof!, comparison.outcomesRoot));
  }
}

test('each verdict: pre-specified (wording tolerated), switched, time frame changed, not reported, added', () => {
  const reported: ReportedOutcome[] = [
    asReported(composite),
    { kind: 'secondary', measure: 'Recurrent Ischaemic  Stroke.', timeFrame: '36 Months' },
    { ...asReported(mortality), kind: 'primary' },
    { kind: 'secondary', measure: 'Quality of life (EQ-5D)', timeFrame: '12 months' },
  ];
  const comparison = compareOutcomes(registered, reported);
  assert.deepEqual(verdicts(comparison), [
    ['prespecified', composite.measure],
    ['prespecified', stroke.measure],
    ['switched', mortality.measure],
    ['not_reported', sinus.measure],
    ['added', 'Quality of life (EQ-5D)'],
  ]);
  assert.deepEqual(comparison.outcomes[2]!.changes, ['primary_secondary']);
  assertProofs(comparison, registered);
});

test('a re-timed outcome is time frame changed; re-timed and switched is switched, with both changes', () => {
  const retimed = compareOutcomes(registered, [{ ...asReported(sinus), timeFrame: '24 months' }]);
  assert.equal(retimed.outcomes[3]!.verdict, 'timeframe_changed');
  assert.deepEqual(retimed.outcomes[3]!.changes, ['time_frame']);
  const both = compareOutcomes(registered, [
    { kind: 'primary', measure: sinus.measure, timeFrame: '24 months' },
  ]);
  assert.equal(both.outcomes[3]!.verdict, 'switched');
  assert.deepEqual(both.outcomes[3]!.changes, ['time_frame', 'primary_secondary']);
});

test("a sponsor's explicit link pairs a reworded outcome, and is recorded as the match", () => {
  const reported: ReportedOutcome = {
    kind: 'secondary',
    measure: 'Death from any cause',
    timeFrame: '36 months',
    registeredMeasure: 'All-cause mortality',
  };
  const withLink = compareOutcomes(registered, [reported]);
  assert.equal(withLink.outcomes[2]!.verdict, 'prespecified');
  assert.equal(withLink.outcomes[2]!.matchedBy, 'link');
  const { registeredMeasure: _dropped, ...unlinked } = reported;
  assert.deepEqual(
    verdicts(compareOutcomes(registered, [unlinked])).filter(([v]) => v !== 'not_reported'),
    [['added', 'Death from any cause']],
  );
});

test('a link to no registered outcome, or to one already paired, is refused', () => {
  const refused = (e: unknown) => e instanceof CoreError && e.code === 'trials.unknown_outcome';
  const link = (registeredMeasure: string): ReportedOutcome => ({ ...asReported(stroke), registeredMeasure });
  assert.throws(() => compareOutcomes(registered, [link('Quality of life')]), refused);
  assert.throws(
    () => compareOutcomes(registered, [link(mortality.measure), link(mortality.measure)]),
    refused,
  );
});

test('one measure at two time frames pairs each report with its own registered time frame', () => {
  const early = { kind: 'secondary' as const, measure: 'HbA1c', timeFrame: '6 months', description: '' };
  const late = { ...early, timeFrame: '12 months' };
  const comparison = compareOutcomes([early, late], [asReported(late), asReported(early)]);
  assert.deepEqual(
    comparison.outcomes.map((e) => e.verdict),
    ['prespecified', 'prespecified'],
  );
});

const outcomeArb: fc.Arbitrary<RegisteredOutcome> = fc.record({
  kind: fc.constantFrom('primary' as const, 'secondary' as const),
  measure: fc.stringMatching(/^[a-z]{3,12}( [a-z]{2,8}){0,3}$/),
  timeFrame: fc.constantFrom('4 weeks', '12 months', '36 months'),
  description: fc.string({ maxLength: 20 }),
});
// Distinct measures, so each report has one honest counterpart.
const registrationArb = fc.uniqueArray(outcomeArb, {
  minLength: 1,
  maxLength: 10,
  selector: (o) => o.measure,
});

test('property: reporting exactly the registered outcomes, in any order, is all pre-specified', () => {
  fc.assert(
    fc.property(
      registrationArb.chain((outcomes) =>
        fc.tuple(fc.constant(outcomes), fc.shuffledSubarray(outcomes, { minLength: outcomes.length })),
      ),
      ([outcomes, shuffled]) => {
        const comparison = compareOutcomes(outcomes, shuffled.map(asReported));
        assert.ok(comparison.outcomes.every((e) => e.verdict === 'prespecified'));
        assert.equal(comparison.outcomes.length, outcomes.length);
        assertProofs(comparison, outcomes);
      },
    ),
  );
});

test('property: a dropped, re-timed, switched or added outcome gets its verdict and the rest stay pre-specified', () => {
  const change = fc.constantFrom('drop' as const, 'retime' as const, 'switch' as const, 'add' as const);
  fc.assert(
    fc.property(registrationArb, fc.nat(), change, (outcomes, pick, kind) => {
      const index = pick % outcomes.length;
      const target = outcomes[index]!;
      const reported = outcomes.map(asReported);
      const expected: Record<typeof kind, string> = {
        drop: 'not_reported',
        retime: 'timeframe_changed',
        switch: 'switched',
        add: 'added',
      };
      if (kind === 'drop') reported.splice(index, 1);
      if (kind === 'retime')
        reported[index] = { ...reported[index]!, timeFrame: `${target.timeFrame} and 5 years` };
      if (kind === 'switch') {
        reported[index] = { ...reported[index]!, kind: target.kind === 'primary' ? 'secondary' : 'primary' };
      }
      if (kind === 'add') reported.push({ kind: 'secondary', measure: '1234 5678', timeFrame: '4 weeks' });
      const comparison = compareOutcomes(outcomes, reported);
      const flagged = comparison.outcomes.filter((e) => e.verdict !== 'prespecified');
      assert.deepEqual(
        flagged.map((e) => e.verdict),
        [expected[kind]],
      );
      if (kind !== 'add') assert.equal(flagged[0]!.registered, target);
      assertProofs(comparison, outcomes);
    }),
  );
});
