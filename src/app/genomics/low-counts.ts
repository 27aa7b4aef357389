// How a beacon shows a low count (issue 19 §5: "Raisaro-style thresholds or randomised answers"). Raisaro
// et al. 2017 obscure rare alleles either by a threshold (a count under T answers "no") or by hiding a
// random part of the rare answers. Both are one policy here: a count from 1 to T-1 is hidden (answered as
// 0, "no") with probability `hideProbability`, else shown as it is; 1 is the plain threshold, 0 no
// threshold at all. A count of 0 and a count of at least T are always shown.
//
// The hiding draw is the caller's, fixed per researcher and question (an HMAC of the query), so asking
// the same question again gives the same answer and repetition cannot average the randomness away;
// every differently worded question is a new query and pays again.
import { answerOdds, informationBitsOf, type AnswerOdds } from './budget.ts';

export interface LowCountPolicy {
  /** Counts from 1 to threshold-1 are low (1: no count is low). */
  readonly threshold: number;
  /** The chance a low count is answered as 0, in [0, 1]; 1 is Raisaro's threshold. */
  readonly hideProbability: number;
}

/** The count the beacon shows; `draw` is uniform in [0, 1) and fixed for this researcher's question. */
export function shownCount(count: number, policy: LowCountPolicy, draw: number): number {
  if (count === 0 || count >= policy.threshold) return count;
  return draw < policy.hideProbability ? 0 : count;
}

/**
 * The odds of "yes" under the policy. A low count is hidden with probability h, whatever the data, so the
 * answer is the threshold-T answer with probability h and the no-threshold answer otherwise: the odds
 * are that mixture.
 */
export function lowCountAnswerOdds(
  alleleFrequency: number,
  individuals: number,
  policy: LowCountPolicy,
): AnswerOdds {
  const hide = Math.min(1, Math.max(0, policy.hideProbability));
  const hidden = answerOdds(alleleFrequency, individuals, policy.threshold);
  const shown = answerOdds(alleleFrequency, individuals, 1);
  return {
    pIn: hide * hidden.pIn + (1 - hide) * shown.pIn,
    pOut: hide * hidden.pOut + (1 - hide) * shown.pOut,
  };
}

/** The query's price under the policy: the most one answer can tell about one carrier (budget.ts). */
export function lowCountInformationBits(
  alleleFrequency: number,
  individuals: number,
  policy: LowCountPolicy,
): number {
  return informationBitsOf(lowCountAnswerOdds(alleleFrequency, individuals, policy));
}
