// The mechanism is checked as a statistician would: many draws from a seeded source, binned, and a
// chi-square goodness-of-fit test against the discrete Laplace's probability mass. A sampler with a scale
// 15% off fails the same test, so the test can fail.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  bernoulliExp,
  discreteLaplacePmf,
  laplaceScale,
  releaseInteger,
  sampleDiscreteLaplace,
  type RandomInt,
  type Rational,
} from './dp.ts';

/** A seeded uniform integer source (xorshift128+ with rejection), deterministic so the test never flakes. */
function seededRandom(seed: number): RandomInt {
  let s0 = BigInt(seed) | 1n;
  let s1 = 0x9e3779b97f4a7c15n;
  const mask = (1n << 64n) - 1n;
  const next = (): bigint => {
    let x = s0;
    const y = s1;
    s0 = y;
    x = (x ^ (x << 23n)) & mask;
    s1 = x ^ y ^ (x >> 17n) ^ (y >> 26n);
    return (s1 + y) & mask;
  };
  return (bound) => {
    const b = BigInt(bound);
    const limit = (1n << 64n) - ((1n << 64n) % b);
    for (;;) {
      const r = next();
      if (r < limit) return Number(r % b);
    }
  };
}

/** Chi-square statistic of draws against a pmf over −k..k, with both tails as two more bins. */
function chiSquare(draws: readonly number[], pmf: (x: number) => number, k: number): number {
  const counts = new Map<number, number>();
  for (const x of draws) {
    const bin = x < -k ? -k - 1 : x > k ? k + 1 : x;
    counts.set(bin, (counts.get(bin) ?? 0) + 1);
  }
  let inside = 0;
  for (let x = -k; x <= k; x += 1) inside += pmf(x);
  const tail = (1 - inside) / 2;
  let statistic = 0;
  for (let bin = -k - 1; bin <= k + 1; bin += 1) {
    const expected = draws.length * (bin < -k || bin > k ? tail : pmf(bin));
    statistic += ((counts.get(bin) ?? 0) - expected) ** 2 / expected;
  }
  return statistic;
}

// 2k + 3 bins, 2k + 2 degrees of freedom; for k = 8 (18 df) the 0.1% critical value is 42.31.
const K = 8;
const CRITICAL_18_DF = 42.31;

test('discrete Laplace draws match the distribution (chi-square, 100,000 draws, ε = 0.5)', () => {
  const random = seededRandom(20261206);
  const scale = laplaceScale(500, 1); // Δ/ε = 2
  const draws = Array.from({ length: 100_000 }, () => sampleDiscreteLaplace(scale, random));
  const statistic = chiSquare(draws, (x) => discreteLaplacePmf(scale, x), K);
  assert.ok(statistic < CRITICAL_18_DF, `chi-square ${statistic.toFixed(1)} ≥ ${CRITICAL_18_DF}`);
  const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
  assert.ok(Math.abs(mean) < 0.05, `mean ${mean} is not centred on zero`);
});

test('the same test rejects a mechanism whose scale is 15% off (the test can fail)', () => {
  const random = seededRandom(7);
  const claimed = laplaceScale(500, 1);
  const actual: Rational = { n: claimed.n * 115, d: claimed.d * 100 };
  const draws = Array.from({ length: 100_000 }, () => sampleDiscreteLaplace(actual, random));
  assert.ok(chiSquare(draws, (x) => discreteLaplacePmf(claimed, x), K) > CRITICAL_18_DF);
});

test('Bernoulli(exp(−γ)) is exact in frequency for γ below and above one', () => {
  const random = seededRandom(11);
  for (const gamma of [
    { n: 1, d: 3 },
    { n: 5, d: 2 },
  ]) {
    const trials = 50_000;
    let ones = 0;
    for (let i = 0; i < trials; i += 1) if (bernoulliExp(gamma, random)) ones += 1;
    const p = Math.exp(-gamma.n / gamma.d);
    const sd = Math.sqrt((p * (1 - p)) / trials);
    assert.ok(Math.abs(ones / trials - p) < 4 * sd, `γ=${gamma.n}/${gamma.d}: ${ones / trials} vs ${p}`);
  }
});

test('a release is the value plus integer noise, and bad parameters are refused with a code', () => {
  const random = seededRandom(3);
  const released = releaseInteger(120, 1000, 1, random);
  assert.ok(Number.isInteger(released));
  assert.throws(() => releaseInteger(1, 0, 1, random), { code: 'ai.invalid_privacy_parameter' });
  assert.throws(() => releaseInteger(1, 100, 0.5, random), { code: 'ai.invalid_privacy_parameter' });
});
