// Properties of the adjudication engine (issue 17 "Done when"): the same claim and table version always
// give the same answer, no amount is ever negative and the split adds up, and PTP and MUE edits fire
// exactly at their limits (MUE: the limit passes, one more unit is denied; PTP: the column 2 line is
// denied exactly when its column 1 code is billed the same day and no bypass modifier is allowed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { adjudicate, adjudicationDigest, PTP_BYPASS_MODIFIERS } from './adjudicate.ts';
import { CARC, type ClaimFacts, type ClaimItem, type RuleTable } from './types.ts';

const CODES = ['A1', 'B2', 'C3', 'D4', 'E5'];
const cents = fc.integer({ min: 0, max: 5_000_000 });

const table: fc.Arbitrary<RuleTable> = fc.record({
  version: fc.integer({ min: 1, max: 5 }),
  feeSchedule: fc.dictionary(fc.constantFrom(...CODES), cents),
  ptpEdits: fc.array(
    fc.record({
      column1: fc.constantFrom(...CODES),
      column2: fc.constantFrom(...CODES),
      modifierIndicator: fc.constantFrom(0 as const, 1 as const),
    }),
    { maxLength: 4 },
  ),
  mueLimits: fc.dictionary(fc.constantFrom(...CODES), fc.integer({ min: 1, max: 6 })),
  plans: fc
    .tuple(fc.subarray(CODES), fc.subarray(CODES), cents, cents, fc.integer({ min: 0, max: 10_000 }))
    .map(([coveredCodes, paRequiredCodes, deductibleCents, copayCents, coinsuranceBasisPoints]) => [
      { planId: 'p', coveredCodes, paRequiredCodes, deductibleCents, copayCents, coinsuranceBasisPoints },
    ]),
});

const claimFacts: fc.Arbitrary<ClaimFacts> = fc
  .record({
    items: fc.array(
      fc.record({
        code: fc.constantFrom(...CODES),
        modifiers: fc.subarray(['59', '25', 'GT', 'XU'], { maxLength: 4 }),
        units: fc.integer({ min: 1, max: 8 }),
        chargeCents: cents,
        serviceDate: fc.constantFrom('2026-01-05', '2026-01-06'),
      }),
      { minLength: 1, maxLength: 8 },
    ),
    deductibleMetCents: cents,
    authorisedCodes: fc.subarray(CODES),
  })
  .map(({ items, ...rest }) => ({
    ...rest,
    planId: 'p',
    use: 'claim' as const,
    type: 'professional' as const,
    items: items.map((item, i): ClaimItem => ({ ...item, sequence: i + 1 })),
  }));

test('the same claim and table version give the same answer, however often and in whatever copy', () => {
  fc.assert(
    fc.property(claimFacts, table, (facts, rules) => {
      const first = adjudicate(facts, rules);
      const copy = adjudicate(structuredClone(facts), structuredClone(rules));
      assert.deepEqual(copy, first);
      assert.equal(adjudicationDigest(copy), adjudicationDigest(first));
    }),
    { numRuns: 300 },
  );
});

test('money never goes negative, is always whole cents, and each line splits exactly', () => {
  fc.assert(
    fc.property(claimFacts, table, (facts, rules) => {
      const result = adjudicate(facts, rules);
      for (const item of result.items) {
        const amounts = [item.allowedCents, item.deductibleCents, item.copayCents, item.coinsuranceCents];
        for (const amount of [...amounts, item.benefitCents, item.patientCents]) {
          assert.ok(Number.isSafeInteger(amount) && amount >= 0, `amount ${amount}`);
        }
        assert.ok(item.allowedCents <= item.chargeCents);
        assert.equal(item.benefitCents + item.patientCents, item.allowedCents);
        assert.equal(item.deductibleCents + item.copayCents + item.coinsuranceCents, item.patientCents);
      }
      const plan = rules.plans[0]!;
      const deductibleTaken = result.items.reduce((t, i) => t + i.deductibleCents, 0);
      assert.ok(deductibleTaken <= Math.max(0, plan.deductibleCents - facts.deductibleMetCents));
    }),
    { numRuns: 300 },
  );
});

/** A plan that covers everything with a fee for everything, so only the edit under test can deny. */
function openTable(extra: Partial<RuleTable>): RuleTable {
  return {
    version: 1,
    feeSchedule: Object.fromEntries(CODES.map((c) => [c, 1_000])),
    ptpEdits: [],
    mueLimits: {},
    plans: [
      {
        planId: 'p',
        coveredCodes: CODES,
        paRequiredCodes: [],
        deductibleCents: 0,
        copayCents: 0,
        coinsuranceBasisPoints: 0,
      },
    ],
    ...extra,
  };
}

function oneLine(units: number, code = 'A1', modifiers: string[] = []): ClaimItem {
  return { sequence: 1, code, modifiers, units, chargeCents: 1_000_000, serviceDate: '2026-01-05' };
}

test('MUE fires exactly past its limit: limit units are paid, limit + 1 are denied with CARC 151', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 9998 }), (limit) => {
      const rules = openTable({ mueLimits: { A1: limit } });
      const facts = (units: number): ClaimFacts => ({
        planId: 'p',
        use: 'claim',
        type: 'professional',
        items: [oneLine(units)],
        deductibleMetCents: 0,
        authorisedCodes: [],
      });
      assert.equal(adjudicate(facts(limit), rules).items[0]!.denied, false);
      const over = adjudicate(facts(limit + 1), rules).items[0]!;
      assert.equal(over.denied, true);
      assert.deepEqual(over.reasons, [CARC.unitsExceeded]);
    }),
    { numRuns: 200 },
  );
});

test('PTP fires exactly when column 1 is billed the same day and no allowed bypass modifier is on column 2', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(0 as const, 1 as const),
      fc.subarray([...new Set([...PTP_BYPASS_MODIFIERS, 'GT', '26'])], { maxLength: 4 }),
      fc.boolean(),
      (indicator, modifiers, sameDay) => {
        const rules = openTable({
          ptpEdits: [{ column1: 'A1', column2: 'B2', modifierIndicator: indicator }],
        });
        const column2 = {
          ...oneLine(1, 'B2', modifiers),
          sequence: 2,
          serviceDate: sameDay ? '2026-01-05' : '2026-01-06',
        };
        const result = adjudicate(
          {
            planId: 'p',
            use: 'claim',
            type: 'professional',
            items: [oneLine(1, 'A1'), column2],
            deductibleMetCents: 0,
            authorisedCodes: [],
          },
          rules,
        );
        const bypassed = indicator === 1 && modifiers.some((m) => PTP_BYPASS_MODIFIERS.includes(m));
        const expectFire = sameDay && !bypassed;
        assert.equal(result.items[0]!.denied, false, 'column 1 is always paid');
        assert.equal(result.items[1]!.denied, expectFire);
        if (expectFire) assert.deepEqual(result.items[1]!.reasons, [CARC.bundled]);
        // Without its column 1 code the column 2 line is always paid.
        const alone = adjudicate(
          {
            planId: 'p',
            use: 'claim',
            type: 'professional',
            items: [{ ...column2, sequence: 1 }],
            deductibleMetCents: 0,
            authorisedCodes: [],
          },
          rules,
        );
        assert.equal(alone.items[0]!.denied, false);
      },
    ),
    { numRuns: 200 },
  );
});
