import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { remainingMilli, spend } from './budget.ts';

test('spends add up to the limit exactly, and the query that would overspend is refused', () => {
  let budget = { limitMilli: 1000, spentMilli: 0 };
  for (let i = 0; i < 10; i += 1) budget = spend(budget, 100);
  assert.equal(remainingMilli(budget), 0);
  assert.throws(() => spend(budget, 1), { code: 'ai.budget_exhausted' });
  assert.throws(
    () => spend({ limitMilli: 1000, spentMilli: 950 }, 100),
    (e: any) => {
      return e.code === 'ai.budget_exhausted' && e.details.remainingMilli === 50;
    },
  );
});

test('property: whatever the sequence of queries, the spent total never exceeds the limit', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 5000 }),
      fc.array(fc.integer({ min: 1, max: 700 })),
      (limit, costs) => {
        let budget = { limitMilli: limit, spentMilli: 0 };
        for (const cost of costs) {
          try {
            budget = spend(budget, cost);
          } catch {
            // refused: nothing spent
          }
        }
        assert.ok(budget.spentMilli <= limit);
      },
    ),
  );
});
