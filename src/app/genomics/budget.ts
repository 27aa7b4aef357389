// The network-wide query budget (issue 19 §5; Raisaro et al. 2017, "Addressing Beacon re-identification
// attacks", and Shringarpure & Bustamante 2015). A beacon answer about an allele moves an attacker's
// evidence that a known person is in the network by at most log2(P(yes | in) / P(yes | out)) bits. The
// budget charges each query that worst case, so the total evidence any researcher identity can gather
// about any one person, across every member beacon, is bounded by its budget.

/** Tail P(X >= k) of X ~ Binomial(n, p), summed from the head (k is a small threshold). */
export function binomialTailAtLeast(n: number, p: number, k: number): number {
  if (k <= 0) return 1;
  if (p <= 0) return 0;
  let pmf = Math.pow(1 - p, n);
  let head = 0;
  for (let i = 0; i < k && i <= n; i += 1) {
    head += pmf;
    pmf = (pmf * (n - i) * p) / ((i + 1) * (1 - p));
  }
  return Math.max(0, 1 - head);
}

export interface AnswerOdds {
  /** P(the beacon answers yes) when the person is among its `individuals`. */
  readonly pIn: number;
  /** P(yes) when a random other person stands in their place. */
  readonly pOut: number;
}

/**
 * Under a low-count threshold (a beacon says yes only when at least `threshold` people carry the allele),
 * the person's own carriage counts only when the others are one short. Carriage is the chance of at
 * least one copy, 1 - (1 - f)^2, for a diploid person.
 */
export function answerOdds(alleleFrequency: number, individuals: number, threshold: number): AnswerOdds {
  const carrier = 1 - (1 - alleleFrequency) ** 2;
  const others = individuals - 1;
  const withPerson = binomialTailAtLeast(others, carrier, threshold - 1);
  const withoutPerson = binomialTailAtLeast(others, carrier, threshold);
  return { pIn: withPerson, pOut: carrier * withPerson + (1 - carrier) * withoutPerson };
}

const PROBABILITY_FLOOR = 1e-12;

/** The most evidence (bits) one answer can give about one carrier's membership: the query's price. */
export function queryInformationBits(
  alleleFrequency: number,
  individuals: number,
  threshold: number,
): number {
  return informationBitsOf(answerOdds(alleleFrequency, individuals, threshold));
}

/** The evidence (bits) a "yes" with these odds gives that the person is in: log2(pIn / pOut), at least 0. */
export function informationBitsOf({ pIn, pOut }: AnswerOdds): number {
  return Math.max(0, Math.log2(Math.max(pIn, PROBABILITY_FLOOR) / Math.max(pOut, PROBABILITY_FLOOR)));
}

export type BudgetVerdict =
  | { readonly allowed: true; readonly spentBits: number }
  | { readonly allowed: false; readonly spentBits: number; readonly remainingBits: number };

/** Whether a query of `priceBits` fits in what is left of `limitBits`; over budget is HTTP 429. */
export function spendBudget(spentBits: number, priceBits: number, limitBits: number): BudgetVerdict {
  if (spentBits + priceBits > limitBits) {
    return { allowed: false, spentBits, remainingBits: Math.max(0, limitBits - spentBits) };
  }
  return { allowed: true, spentBits: spentBits + priceBits };
}
