// Similarity matching (issue 16 §6): a reworded measure still pairs with its registered outcome, case and
// whitespace never change a verdict, and an unrelated measure is never matched.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compareOutcomes, measureSimilarity, SIMILARITY_MIN } from './compare.ts';
import { registrationFromCtGov } from './ctgov.ts';
import { COMMITMENTS, EXAMPLE_STUDY } from './test-fixtures.ts';
import type { RegisteredOutcome, ReportedOutcome } from './types.ts';

const registered = registrationFromCtGov(EXAMPLE_STUDY, COMMITMENTS).outcomes;
const asReported = (o: RegisteredOutcome): ReportedOutcome => ({
  kind: o.kind,
  measure: o.measure,
  timeFrame: o.timeFrame,
});

test('a reworded measure pairs by similarity and keeps its verdict', () => {
  const reported = registered.map(asReported);
  reported[1] = { ...reported[1]!, measure: 'Recurrent ischemic strokes' };
  const comparison = compareOutcomes(registered, reported);
  assert.equal(comparison.outcomes.length, registered.length);
  assert.equal(comparison.outcomes[1]!.verdict, 'prespecified');
  assert.equal(comparison.outcomes[1]!.matchedBy, 'similar');
  assert.ok(measureSimilarity('recurrent ischaemic stroke', 'recurrent ischemic strokes') >= SIMILARITY_MIN);
});

test('a text too different, or too long to compare, is not similar', () => {
  assert.ok(measureSimilarity('overall survival', 'quality of life') < SIMILARITY_MIN);
  assert.ok(measureSimilarity('overall survival', 'overall survivals') >= SIMILARITY_MIN);
  const long = 'a'.repeat(401);
  assert.equal(measureSimilarity(long, `${long}b`), 0);
  assert.equal(measureSimilarity(long, long), 1);
});

const word = fc.stringMatching(/^[a-m]{2,9}$/);
const measureArb = fc.array(word, { minLength: 1, maxLength: 5 }).map((w) => w.join(' '));
const outcomeArb: fc.Arbitrary<RegisteredOutcome> = fc.record({
  kind: fc.constantFrom('primary' as const, 'secondary' as const),
  measure: measureArb,
  timeFrame: fc.constantFrom('4 weeks', '12 months', '36 months'),
  description: fc.constant(''),
});
const registrationArb = fc.uniqueArray(outcomeArb, {
  minLength: 1,
  maxLength: 8,
  selector: (o) => o.measure,
});
// What a report may do to a registered outcome: keep it, drop it, re-time it or switch it.
const editArb = fc.constantFrom('keep', 'drop', 'retime', 'switch');

/** The same text with the case of each letter and the spacing around each word changed at random. */
function restyled(text: string, flips: readonly boolean[], spaces: readonly string[]): string {
  const letters = [...text].map((c, i) => (flips[i % flips.length] ? c.toUpperCase() : c)).join('');
  const words = letters.split(' ');
  return words.map((w, i) => `${spaces[i % spaces.length]}${w}`).join(' ') + spaces[0];
}

function report(outcomes: readonly RegisteredOutcome[], edits: readonly string[]): ReportedOutcome[] {
  return outcomes.flatMap((o, i): ReportedOutcome[] => {
    const edit = edits[i % edits.length];
    if (edit === 'drop') return [];
    if (edit === 'retime') return [{ ...asReported(o), timeFrame: `${o.timeFrame} and 5 years` }];
    if (edit === 'switch')
      return [{ ...asReported(o), kind: o.kind === 'primary' ? 'secondary' : 'primary' }];
    return [asReported(o)];
  });
}

test('property: case and whitespace in the reported measures and time frames never change a verdict', () => {
  fc.assert(
    fc.property(
      registrationArb,
      fc.array(editArb, { minLength: 1, maxLength: 8 }),
      fc.array(fc.boolean(), { minLength: 1, maxLength: 7 }),
      fc.array(fc.constantFrom('', ' ', '  ', '\t', '\n '), { minLength: 1, maxLength: 4 }),
      (outcomes, edits, flips, spaces) => {
        const plain = report(outcomes, edits);
        const styled = plain.map((o) => ({
          ...o,
          measure: restyled(o.measure, flips, spaces),
          timeFrame: restyled(o.timeFrame, flips, spaces),
        }));
        const verdicts = (reported: ReportedOutcome[]) =>
          compareOutcomes(outcomes, reported).outcomes.map((e) => [e.verdict, e.registered?.measure]);
        assert.deepEqual(verdicts(styled), verdicts(plain));
      },
    ),
  );
});

test('property: an unrelated measure is never matched, whatever its kind and time frame', () => {
  // Unrelated: no letter in common with any registered measure (registered use a–m, these n–z).
  const unrelatedArb = fc
    .array(fc.stringMatching(/^[n-z]{2,9}$/), { minLength: 1, maxLength: 5 })
    .map((w) => w.join(' '));
  fc.assert(
    fc.property(
      registrationArb,
      fc.array(unrelatedArb, { minLength: 1, maxLength: 4 }),
      fc.constantFrom('primary' as const, 'secondary' as const),
      (outcomes, unrelated, kind) => {
        const reported = unrelated.map((measure) => ({ kind, measure, timeFrame: outcomes[0]!.timeFrame }));
        const comparison = compareOutcomes(outcomes, reported);
        assert.ok(comparison.outcomes.every((e) => e.verdict === 'not_reported' || e.verdict === 'added'));
        assert.equal(comparison.outcomes.filter((e) => e.verdict === 'added').length, unrelated.length);
      },
    ),
  );
});
