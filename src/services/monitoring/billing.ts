// Billing facts without readings (issue 18 §5): the committed fact of one device and 30-day period, with
// the day evidence that proves its code against the fact's root. The days come from the chain's own day
// records (a batch count and a digest of batch roots per day), so the answer holds no reading and every
// node gives the same one. CPT 99454 is proved by the first 16 days with data; 99445 and "not billable"
// only by all 30 days (a shortfall is shown by showing every day), as verifyBillingDecision checks.
import { committedDays } from '../../app/monitoring/billing-facts.ts';
import {
  dayEvidence,
  FULL_SUPPLY_DAYS_MIN,
  transmissionFact,
  type DayEvidence,
  type TransmissionFact,
} from '../../app/monitoring/billing.ts';
import { billingKey, type BillingRecord } from '../../app/monitoring/keys.ts';
import { readStateValue, type StateReader } from '../../app/state.ts';
import type { Caller } from '../auth/caller.ts';
import { ServiceError } from '../errors.ts';

export interface BillingFactAnswer {
  readonly fact: BillingRecord & TransmissionFact & { readonly systemId: string };
  readonly evidence: readonly DayEvidence[];
}

/**
 * The fact and its proof, for staff of any organisation (a payer's or auditor's too: the fact is on
 * chain for every member) and for the patient it is about. Anyone else, and any caller for a period with
 * no fact, gets the same 'unknown', so the answer does not tell whose facts exist.
 */
export function billingFactAnswer(
  state: StateReader,
  who: Caller,
  systemId: string,
  periodStartMs: number,
): BillingFactAnswer {
  const record = readStateValue<BillingRecord>(state, billingKey(systemId, periodStartMs));
  const mayRead = who.kind === 'practitioner' || who.pseudonym === record?.patient;
  if (record === undefined || !mayRead) {
    throw new ServiceError('monitoring.unknown_billing', 'no billing fact for this device and period');
  }
  const days = committedDays(state, systemId, record.patient, periodStartMs);
  // The day records of an ended period cannot change (a batch is never committed for a past period),
  // so they fold to the root the fact committed; if they did not, no proof may be served.
  const recomputed = transmissionFact(periodStartMs, days);
  if (recomputed.daysRoot !== record.daysRoot) {
    throw new ServiceError('monitoring.unknown_billing', 'the day records do not match the committed fact');
  }
  const shown =
    record.decision === '99454' ? days.filter((d) => d.batches > 0).slice(0, FULL_SUPPLY_DAYS_MIN) : days;
  return {
    fact: { ...record, ...recomputed, systemId },
    evidence: shown.map((d) => dayEvidence(periodStartMs, days, d.day)),
  };
}
