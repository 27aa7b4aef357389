// Where the consent module keeps its state, and the reads over it. Every value is canonical JSON.
//
//   consent/record/<pseudonym>/<consentId>        → ConsentRecord
//   consent/count/<pseudonym>                     → number of consents ever granted (revoked ones too)
//   consent/index/<pseudonym>/<n>                 → consentId of the patient's n-th consent (0-based)
//   consent/unrevoked-count/<pseudonym>           → number of the patient's consents not revoked
//   consent/unrevoked/<pseudonym>/<n>             → consentId of the n-th of those (order not kept:
//                                                   a revocation moves the last one into its slot)
//   consent/unrevoked-slot/<pseudonym>/<consentId> → n, where that consent sits in the list above
//   consent/request/<pseudonym>/<requestId>       → ConsentRequestRecord
//   consent/request-count/<pseudonym>             → number of requests ever made to the patient
//   consent/request-index/<pseudonym>/<n>         → requestId of the n-th request (0-based)
//
// Ids live in the patient's own namespace: a consent id seen in the mempool cannot be taken first by
// someone else (only the patient and their proxies write there). The state has point reads only, so the
// per-patient counters and indexes are what make listing possible. Revoked consents stay in the history
// (the patient sees them, and the state at a past height still has them unrevoked), but leave the
// unrevoked list: that list is what an access is decided from at the latest state (a consent revoked at
// or before it is never in force at a later height), and what the per-patient cap counts, so revoking
// makes room and a patient cannot be locked out for good (issue 10, finding 15).
import { paged } from '../paging.ts';
import { readStateCount as count, readStateValue as read, type StateReader } from '../state.ts';
import { periodContains } from './evaluate.ts';
import type { ConsentRecord, ConsentRequestRecord } from './types.ts';

/**
 * Bounds the work of one evaluation (each read of health data lists the patient's unrevoked consents):
 * how many consents a patient may hold unrevoked at once. Revoking one makes room for another.
 */
export const CONSENTS_PER_PATIENT_MAX = 1000;
/** Bounds one page of requests. */
export const REQUEST_PAGE_MAX = 100;

export const consentKey = (pseudonym: string, consentId: string): string =>
  `consent/record/${pseudonym}/${consentId}`;
export const consentCountKey = (pseudonym: string): string => `consent/count/${pseudonym}`;
export const consentIndexKey = (pseudonym: string, n: number): string => `consent/index/${pseudonym}/${n}`;
export const unrevokedCountKey = (pseudonym: string): string => `consent/unrevoked-count/${pseudonym}`;
export const unrevokedKey = (pseudonym: string, n: number): string => `consent/unrevoked/${pseudonym}/${n}`;
export const unrevokedSlotKey = (pseudonym: string, consentId: string): string =>
  `consent/unrevoked-slot/${pseudonym}/${consentId}`;
export const requestKey = (pseudonym: string, requestId: string): string =>
  `consent/request/${pseudonym}/${requestId}`;
export const requestCountKey = (pseudonym: string): string => `consent/request-count/${pseudonym}`;
export const requestIndexKey = (pseudonym: string, n: number): string =>
  `consent/request-index/${pseudonym}/${n}`;

export function consentRecord(
  state: StateReader,
  pseudonym: string,
  consentId: string,
): ConsentRecord | undefined {
  return read<ConsentRecord>(state, consentKey(pseudonym, consentId));
}

export function consentCount(state: StateReader, pseudonym: string): number {
  return count(state, consentCountKey(pseudonym));
}

/** The consents an index lists (n-th key → consent id), in index order. */
function listed(
  state: StateReader,
  pseudonym: string,
  total: number,
  indexKey: (pseudonym: string, n: number) => string,
): ConsentRecord[] {
  const out: ConsentRecord[] = [];
  for (let n = 0; n < total; n++) {
    const id = read<string>(state, indexKey(pseudonym, n));
    const record = id === undefined ? undefined : consentRecord(state, pseudonym, id);
    if (record !== undefined) out.push(record);
  }
  return out;
}

/** Every consent the patient ever granted, in commit order, revoked ones included: their history. */
export function consentsOf(state: StateReader, pseudonym: string): ConsentRecord[] {
  return listed(state, pseudonym, consentCount(state, pseudonym), consentIndexKey);
}

export function unrevokedCount(state: StateReader, pseudonym: string): number {
  return count(state, unrevokedCountKey(pseudonym));
}

/**
 * The patient's consents not revoked in this state, in no particular order (evaluateAccess does not
 * depend on it). At most CONSENTS_PER_PATIENT_MAX: what deciding an access at this state or after reads.
 */
export function unrevokedConsents(state: StateReader, pseudonym: string): ConsentRecord[] {
  return listed(state, pseudonym, unrevokedCount(state, pseudonym), unrevokedKey);
}

/**
 * The consents not revoked in this state; given atMs, only those whose period contains it. The state is
 * the latest committed one, so "not revoked" is "not revoked at or before its height".
 */
export function activeConsents(state: StateReader, pseudonym: string, atMs?: number): ConsentRecord[] {
  return unrevokedConsents(state, pseudonym).filter(
    (c) => atMs === undefined || periodContains(c.period, atMs),
  );
}

export function consentRequest(
  state: StateReader,
  pseudonym: string,
  requestId: string,
): ConsentRequestRecord | undefined {
  return read<ConsentRequestRecord>(state, requestKey(pseudonym, requestId));
}

export function requestCount(state: StateReader, pseudonym: string): number {
  return count(state, requestCountKey(pseudonym));
}

/** One page of the requests made to a patient, oldest first. Practitioners add them, so they are paged. */
export function consentRequestsOf(
  state: StateReader,
  pseudonym: string,
  page: { offset: number; limit: number },
): { total: number; requests: ConsentRequestRecord[] } {
  const { total, items } = paged(requestCount(state, pseudonym), page, REQUEST_PAGE_MAX, false, (n) => {
    const id = read<string>(state, requestIndexKey(pseudonym, n));
    return id === undefined ? undefined : consentRequest(state, pseudonym, id);
  });
  return { total, requests: [...items] };
}
