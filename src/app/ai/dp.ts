// Discrete differential privacy for aggregate analytics (issue 20 §4). A count, sum or histogram bin is
// released as its true integer value plus discrete Laplace noise (the two-sided geometric mechanism),
// sampled EXACTLY from integer randomness by Canonne, Kamath and Steinke's algorithm ("The Discrete
// Gaussian for Differential Privacy", 2020, Algorithms 1 and 2). No floating point touches the noise: a
// float Laplace sampler leaks the true value through the gaps in its outputs (Mironov 2012), which is
// why the issue forbids it. The randomness source is injected, so this file stays pure: the service
// passes node:crypto's randomInt, the tests a seeded generator.
import { CoreError } from '../../core/errors.ts';

/** A uniform integer in [0, bound): crypto.randomInt's contract. bound is a positive safe integer. */
export type RandomInt = (bound: number) => number;

/** A positive rational n/d, how ε and the noise scale are carried without rounding. */
export interface Rational {
  readonly n: number;
  readonly d: number;
}

/** ε in thousandths: the ledger keeps budgets as integers, so spends add without rounding drift. */
export const MILLI = 1000;

function assertRational({ n, d }: Rational): void {
  if (!Number.isSafeInteger(n) || !Number.isSafeInteger(d) || n < 0 || d <= 0) {
    throw new CoreError(
      'ai.invalid_privacy_parameter',
      'privacy parameters must be non-negative ratios of integers',
      {
        n,
        d,
      },
    );
  }
}

/** Bernoulli(n/d) for 0 ≤ n/d ≤ 1. */
function bernoulli(p: Rational, random: RandomInt): boolean {
  return random(p.d) < p.n;
}

/** Bernoulli(exp(−γ)) for γ = n/d in [0, 1] (CKS Algorithm 1, first case). */
function bernoulliExpSmall(gamma: Rational, random: RandomInt): boolean {
  let k = 1;
  while (bernoulli({ n: gamma.n, d: gamma.d * k }, random)) k += 1;
  return k % 2 === 1;
}

/** Bernoulli(exp(−γ)) for any γ = n/d ≥ 0 (CKS Algorithm 1): whole units first, then the fraction. */
export function bernoulliExp(gamma: Rational, random: RandomInt): boolean {
  assertRational(gamma);
  const whole = Math.floor(gamma.n / gamma.d);
  for (let i = 0; i < whole; i += 1) {
    if (!bernoulliExpSmall({ n: 1, d: 1 }, random)) return false;
  }
  return bernoulliExpSmall({ n: gamma.n - whole * gamma.d, d: gamma.d }, random);
}

/**
 * One draw of the discrete Laplace distribution with scale t = scale.n / scale.d, whose probability of
 * x is proportional to exp(−|x| / t) (CKS Algorithm 2).
 */
export function sampleDiscreteLaplace(scale: Rational, random: RandomInt): number {
  assertRational(scale);
  if (scale.n === 0) return 0;
  const s = scale.d;
  const t = scale.n;
  for (;;) {
    const u = random(t);
    if (!bernoulliExp({ n: u, d: t }, random)) continue;
    let v = 0;
    while (bernoulliExp({ n: 1, d: 1 }, random)) v += 1;
    const y = Math.floor((u + t * v) / s);
    const negative = bernoulli({ n: 1, d: 2 }, random);
    if (negative && y === 0) continue;
    return negative ? -y : y;
  }
}

/** The noise scale Δ/ε for an ε given in thousandths and an integer sensitivity Δ. */
export function laplaceScale(epsilonMilli: number, sensitivity: number): Rational {
  if (!Number.isSafeInteger(epsilonMilli) || epsilonMilli <= 0) {
    throw new CoreError('ai.invalid_privacy_parameter', 'ε must be a positive number of thousandths', {
      epsilonMilli,
    });
  }
  if (!Number.isSafeInteger(sensitivity) || sensitivity <= 0) {
    throw new CoreError('ai.invalid_privacy_parameter', 'the sensitivity must be a positive integer', {
      sensitivity,
    });
  }
  return { n: sensitivity * MILLI, d: epsilonMilli };
}

/** The ε-differentially private release of an integer with the given sensitivity. */
export function releaseInteger(
  value: number,
  epsilonMilli: number,
  sensitivity: number,
  random: RandomInt,
): number {
  return value + sampleDiscreteLaplace(laplaceScale(epsilonMilli, sensitivity), random);
}

/**
 * P(X = x) for the discrete Laplace with scale t: (1 − q)/(1 + q) · q^|x| with q = exp(−1/t). For tests and
 * docs only (floating point is fine for describing the distribution, never for sampling it).
 */
export function discreteLaplacePmf(scale: Rational, x: number): number {
  const q = Math.exp(-scale.d / scale.n);
  return ((1 - q) / (1 + q)) * q ** Math.abs(x);
}
