// No read without a record, for readings too (DESIGN.md principle 3): a practitioner is released a
// device's readings only once a monitoring.logAccess event naming them is committed (app/monitoring/
// access.ts). One event per patient whose readings a request releases, naming the first and last period
// of theirs in it; the events are committed one after the other, each awaited, before anything is sent.
// The patient (or their proxy) reads their own readings without an event, as in the records gateway.
import { monitoringAccessLog, type MonitoringAccessRecord } from '../../app/monitoring/access.ts';
import type { Page, Paged } from '../../app/paging.ts';
import type { StateReader } from '../../app/state.ts';
import { toHex } from '../../core/bytes.ts';
import type { RandomBytes } from '../../core/env.ts';
import type { Caller } from '../auth/caller.ts';
import { ServiceError } from '../errors.ts';
import type { SupplyService } from '../supply/service.ts';

/** One released reading's committed period and the patient that period's batch was committed for. */
export interface ReleasedPeriod {
  readonly periodStartMs: number;
  readonly patient: string;
}

/** The first and last released period of each patient, in the order the patients first appear. */
export function releasedRanges(
  periods: readonly ReleasedPeriod[],
): Array<{ patient: string; first: number; last: number }> {
  const ranges = new Map<string, { first: number; last: number }>();
  for (const { periodStartMs, patient } of periods) {
    const range = ranges.get(patient);
    if (range === undefined) ranges.set(patient, { first: periodStartMs, last: periodStartMs });
    else
      ranges.set(patient, {
        first: Math.min(range.first, periodStartMs),
        last: Math.max(range.last, periodStartMs),
      });
  }
  return [...ranges].map(([patient, { first, last }]) => ({ patient, first, last }));
}

/** Commits the access events a release of these periods' readings to `who` needs; returns once final. */
export type ReleaseLog = (who: Caller, systemId: string, periods: readonly ReleasedPeriod[]) => Promise<void>;

/**
 * The release log of this node: nothing for the patient's own reads; a practitioner's release is logged
 * first, one event per patient, signed with the node key (the organisation acts).
 */
export function releaseLog(committer: SupplyService, randomBytes: RandomBytes): ReleaseLog {
  return async (who, systemId, periods) => {
    if (who.kind !== 'practitioner') return;
    for (const { patient, first, last } of releasedRanges(periods)) {
      await committer.commit('monitoring.logAccess', {
        eventId: toHex(randomBytes(32)),
        requester: who.publicKey,
        systemId,
        patient,
        firstPeriodStartMs: first,
        lastPeriodStartMs: last,
      });
    }
  };
}

/** The caller's own monitoring access log, newest first: the patient or a proxy, nobody else. */
export function ownMonitoringAccessLog(
  state: StateReader,
  who: Caller,
  page: Page,
): Paged<MonitoringAccessRecord> {
  if (who.kind !== 'patient' && who.kind !== 'proxy') {
    throw new ServiceError('monitoring.patient_only', 'only the patient (or their proxy) reads this log');
  }
  return monitoringAccessLog(state, who.pseudonym, page);
}
