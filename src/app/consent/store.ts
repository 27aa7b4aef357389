// Where the consent module keeps its state, and the reads over it. Every value is canonical JSON.
//
//   consent/record/<pseudonym>/<consentId>        → ConsentRecord
//   consent/count/<pseudonym>                     → number of consents ever granted (revoked ones too)
//   consent/index/<pseudonym>/<n>                 → consentId of the patient's n-th consent (0-based)
//   consent/request/<pseudonym>/<requestId>       → ConsentRequestRecord
//   consent/request-count/<pseudonym>             → number of requests ever made to the patient
//   consent/request-index/<pseudonym>/<n>         → requestId of the n-th request (0-based)
//
// Ids live in the patient's own namespace: a consent id seen in the mempool cannot be taken first by
// someone else (only the patient and their proxies write there). The state has point reads only, so the
// per-patient counters and indexes are what make listing possible. Revoked consents stay: evaluating an
// access at a past height needs them, and the patient's history shows them.
import type { StateReader } from '../state.ts';
import { periodContains } from './evaluate.ts';
import type { ConsentRecord, ConsentRequestRecord } from './types.ts';

/** Bounds the work of one evaluation (each read of health data lists the patient's consents). */
export const CONSENTS_PER_PATIENT_MAX = 1000;
/** Bounds one page of requests. */
export const REQUEST_PAGE_MAX = 100;

export const consentKey = (pseudonym: string, consentId: string): string =>
  `consent/record/${pseudonym}/${consentId}`;
export const consentCountKey = (pseudonym: string): string => `consent/count/${pseudonym}`;
export const consentIndexKey = (pseudonym: string, n: number): string => `consent/index/${pseudonym}/${n}`;
export const requestKey = (pseudonym: string, requestId: string): string =>
  `consent/request/${pseudonym}/${requestId}`;
export const requestCountKey = (pseudonym: string): string => `consent/request-count/${pseudonym}`;
export const requestIndexKey = (pseudonym: string, n: number): string =>
  `consent/request-index/${pseudonym}/${n}`;

function read<T>(state: StateReader, key: string): T | undefined {
  const value = state.get(key);
  return value === undefined ? undefined : (JSON.parse(value) as T);
}

function count(state: StateReader, key: string): number {
  return read<number>(state, key) ?? 0;
}

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

/** Every consent the patient ever granted, in commit order, revoked ones included: evaluateAccess's input. */
export function consentsOf(state: StateReader, pseudonym: string): ConsentRecord[] {
  const out: ConsentRecord[] = [];
  const total = consentCount(state, pseudonym);
  for (let n = 0; n < total; n++) {
    const id = read<string>(state, consentIndexKey(pseudonym, n));
    const record = id === undefined ? undefined : consentRecord(state, pseudonym, id);
    if (record !== undefined) out.push(record);
  }
  return out;
}

/**
 * The consents not revoked in this state; given atMs, only those whose period contains it. The state is
 * the latest committed one, so "not revoked" is "not revoked at or before its height".
 */
export function activeConsents(state: StateReader, pseudonym: string, atMs?: number): ConsentRecord[] {
  return consentsOf(state, pseudonym).filter(
    (c) => c.revokedAtHeight === null && (atMs === undefined || periodContains(c.period, atMs)),
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
  const total = requestCount(state, pseudonym);
  const limit = Math.min(Math.max(page.limit, 0), REQUEST_PAGE_MAX);
  const requests: ConsentRequestRecord[] = [];
  for (let n = Math.max(page.offset, 0); n < total && requests.length < limit; n++) {
    const id = read<string>(state, requestIndexKey(pseudonym, n));
    const record = id === undefined ? undefined : consentRequest(state, pseudonym, id);
    if (record !== undefined) requests.push(record);
  }
  return { total, requests };
}
