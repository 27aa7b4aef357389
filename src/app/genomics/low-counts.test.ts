import assert from 'node:assert/strict';
import { test } from 'node:test';
import { queryInformationBits } from './budget.ts';
import { lowCountInformationBits, shownCount } from './low-counts.ts';

const draws = (n: number) => Array.from({ length: n }, (_, i) => (i + 0.5) / n);

test('zero and counts at or above the threshold are shown as they are; a low count is hidden by its draw', () => {
  const policy = { threshold: 5, hideProbability: 0.5 };
  assert.equal(shownCount(0, policy, 0.9), 0);
  assert.equal(shownCount(5, policy, 0.1), 5);
  assert.equal(shownCount(12, policy, 0.1), 12);
  assert.equal(shownCount(3, policy, 0.1), 0, 'a draw under the hiding chance hides');
  assert.equal(shownCount(3, policy, 0.7), 3, 'a draw above it shows the count');
  // Over a spread of draws, the hidden share is the hiding chance.
  const hidden = draws(1000).filter((draw) => shownCount(1, policy, draw) === 0).length;
  assert.equal(hidden, 500);
});

test('hiding probability 1 is the plain threshold and 0 no threshold', () => {
  for (const draw of draws(20)) {
    assert.equal(shownCount(4, { threshold: 5, hideProbability: 1 }, draw), 0);
    assert.equal(shownCount(4, { threshold: 5, hideProbability: 0 }, draw), 4);
  }
});

test('the price of a randomised answer lies between the threshold’s and no threshold’s, monotone in between', () => {
  // The answer is the threshold's with the hiding chance and the unthresholded one otherwise, so its
  // odds ratio is a mediant of theirs. Which of the two is dearer depends on the allele and N.
  for (const [f, n, t] of [
    [0.001, 1000, 5],
    [0.3, 3, 2],
  ] as const) {
    const threshold = queryInformationBits(f, n, t);
    const none = queryInformationBits(f, n, 1);
    assert.notEqual(threshold, none);
    assert.equal(lowCountInformationBits(f, n, { threshold: t, hideProbability: 1 }), threshold);
    assert.ok(Math.abs(lowCountInformationBits(f, n, { threshold: t, hideProbability: 0 }) - none) < 1e-12);
    const prices = [0, 0.25, 0.5, 0.75, 1].map((hideProbability) =>
      lowCountInformationBits(f, n, { threshold: t, hideProbability }),
    );
    const [low, high] = [Math.min(threshold, none), Math.max(threshold, none)];
    for (const price of prices.slice(1, -1))
      assert.ok(low < price && price < high, `${low} < ${price} < ${high}`);
    const rising = prices.every((price, i) => i === 0 || price > prices[i - 1]!);
    const falling = prices.every((price, i) => i === 0 || price < prices[i - 1]!);
    assert.ok(rising || falling, JSON.stringify(prices));
  }
});
