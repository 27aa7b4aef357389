// The per-outcome Merkle tree: a pinned root (a change to it is a protocol change), proofs for every
// outcome, order independence, and that any change to an outcome is caught by the root and the proof.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { CoreError } from '../../core/errors.ts';
import { registrationFromCtGov } from './ctgov.ts';
import { outcomeProof, outcomesRoot, verifyOutcomeProof } from './outcome-tree.ts';
import { COMMITMENTS, EXAMPLE_STUDY } from './test-fixtures.ts';
import type { RegisteredOutcome } from './types.ts';

const registered = registrationFromCtGov(EXAMPLE_STUDY, COMMITMENTS).outcomes;

const outcomeArb: fc.Arbitrary<RegisteredOutcome> = fc.record({
  kind: fc.constantFrom('primary' as const, 'secondary' as const),
  measure: fc.string({ minLength: 1, maxLength: 40 }),
  timeFrame: fc.string({ maxLength: 12 }),
  description: fc.string({ maxLength: 40 }),
});
const outcomesArb = fc.uniqueArray(outcomeArb, {
  minLength: 1,
  maxLength: 12,
  selector: (o) => JSON.stringify([o.kind, o.measure, o.timeFrame, o.description]),
});

test('golden vector: the example registration has a pinned outcome root', () => {
  assert.equal(outcomesRoot(registered), GOLDEN_ROOT);
});

test('the root of one outcome is its leaf: SHA-256(0x00 || domain-separated SHA-256 of its canonical JSON)', () => {
  const outcome = registered[0]!;
  const json = JSON.stringify({
    description: outcome.description,
    kind: outcome.kind,
    measure: outcome.measure,
    timeFrame: outcome.timeFrame,
  });
  const inner = createHash('sha256').update(`carechain/v1/trial-outcome\n${json}`).digest();
  const leaf = createHash('sha256')
    .update(Buffer.concat([Buffer.from([0]), inner]))
    .digest('hex');
  assert.equal(outcomesRoot([outcome]), leaf);
});

test('every registered outcome has a proof that verifies against the root', () => {
  const root = outcomesRoot(registered);
  for (const outcome of registered) {
    assert.ok(verifyOutcomeProof(outcome, outcomeProof(registered, outcome), root));
  }
});

test('a duplicate outcome and a proof for an unregistered outcome are refused', () => {
  const code = (c: string) => (e: unknown) => e instanceof CoreError && e.code === c;
  assert.throws(() => outcomesRoot([...registered, registered[2]!]), code('trials.duplicate_outcome'));
  const unknown = { ...registered[0]!, measure: 'Quality of life' };
  assert.throws(() => outcomeProof(registered, unknown), code('trials.unknown_outcome'));
});

test('property: any reordering of the outcomes gives the same root and proofs that verify', () => {
  fc.assert(
    fc.property(
      outcomesArb.chain((outcomes) =>
        fc.tuple(
          fc.constant(outcomes),
          fc.shuffledSubarray(outcomes, {
            minLength: outcomes.length,
          }),
        ),
      ),
      ([outcomes, shuffled]) => {
        const root = outcomesRoot(outcomes);
        assert.equal(outcomesRoot(shuffled), root);
        for (const outcome of shuffled)
          assert.ok(verifyOutcomeProof(outcome, outcomeProof(shuffled, outcome), root));
      },
    ),
  );
});

const fields = ['kind', 'measure', 'timeFrame', 'description'] as const;

test('property: a changed outcome changes the root and fails its original proof', () => {
  fc.assert(
    fc.property(
      outcomesArb,
      fc.nat(),
      fc.constantFrom(...fields),
      fc.string({ minLength: 1, maxLength: 8 }),
      (outcomes, pick, field, extra) => {
        const index = pick % outcomes.length;
        const original = outcomes[index]!;
        const changed: RegisteredOutcome =
          field === 'kind'
            ? { ...original, kind: original.kind === 'primary' ? 'secondary' : 'primary' }
            : { ...original, [field]: original[field] + extra };
        fc.pre(!outcomes.some((o) => fields.every((f) => o[f] === changed[f])));
        const root = outcomesRoot(outcomes);
        const proof = outcomeProof(outcomes, original);
        assert.equal(verifyOutcomeProof(changed, proof, root), false);
        const edited = outcomes.map((o, i) => (i === index ? changed : o));
        assert.notEqual(outcomesRoot(edited), root);
      },
    ),
  );
});

const GOLDEN_ROOT = 'effecc5c1164119dceb039e8bb34401386748254419b276696d52a8aa3ce6f51';
