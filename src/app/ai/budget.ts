// The privacy budget (issue 20 §4): ε is spent per dataset and per analyst, in thousandths so that
// spends add exactly. A query that would take the total past the limit is refused before anything is
// computed, so a refused query releases nothing.
import { CoreError } from '../../core/errors.ts';

export interface PrivacyBudget {
  readonly limitMilli: number;
  readonly spentMilli: number;
}

export function remainingMilli(budget: PrivacyBudget): number {
  return Math.max(0, budget.limitMilli - budget.spentMilli);
}

/** Whether a query costing `epsilonMilli` would take the total past the limit: the one refusal rule. */
export function wouldOverspend(budget: PrivacyBudget, epsilonMilli: number): boolean {
  return budget.spentMilli + epsilonMilli > budget.limitMilli;
}

/** The budget after a query costing `epsilonMilli`, or a refusal naming what is left. */
export function spend(budget: PrivacyBudget, epsilonMilli: number): PrivacyBudget {
  if (!Number.isSafeInteger(epsilonMilli) || epsilonMilli <= 0) {
    throw new CoreError('ai.invalid_privacy_parameter', 'ε must be a positive number of thousandths', {
      epsilonMilli,
    });
  }
  if (wouldOverspend(budget, epsilonMilli)) {
    throw new CoreError('ai.budget_exhausted', 'this query would spend more privacy budget than is left', {
      remainingMilli: remainingMilli(budget),
      requestedMilli: epsilonMilli,
    });
  }
  return { ...budget, spentMilli: budget.spentMilli + epsilonMilli };
}
