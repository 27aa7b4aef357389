// Read-only questions about records, pure over a StateReader: the same answers in the node's API and
// (over state fetched with proofs, later) in the browser. Every list is paged and bounded by
// RECORDS_PAGE_MAX; logs come newest first, since that is what a patient or privacy officer reads.
import { paged, type Paged } from '../paging.ts';
import type { StateReader } from '../state.ts';
import {
  accessCountKey,
  accessEvent,
  accessIndexKey,
  breakGlassCountKey,
  breakGlassIndexKey,
  erasure,
  erasureCountKey,
  erasureRequest,
  erasureRequestCountKey,
  patientCountKey,
  patientIndexKey,
  read,
  readCount,
  recordHead,
  recordVersion,
  type AccessRef,
} from './store.ts';
import {
  RECORDS_PAGE_MAX,
  type Page,
  type AccessEventRecord,
  type AccessLogEntry,
  type ErasureRecord,
  type ErasureRequestRecord,
  type RecordHead,
  type RecordVersion,
} from './types.ts';

export type { Paged };

export interface RecordWithHistory extends RecordHead {
  /** Every version, oldest first (at most VERSIONS_PER_RECORD_MAX). */
  readonly history: readonly RecordVersion[];
}

/** The record's latest metadata and every version's commitment; undefined when never registered. */
export function record(state: StateReader, recordId: string): RecordWithHistory | undefined {
  const head = recordHead(state, recordId);
  if (head === undefined) return undefined;
  const history: RecordVersion[] = [];
  for (let v = 1; v <= head.latestVersion; v++) {
    const version = recordVersion(state, recordId, v);
    if (version !== undefined) history.push(version);
  }
  return { ...head, history };
}

/** The patient's records in registration order (erased ones included, marked), without history. */
export function recordsOfPatient(state: StateReader, pseudonym: string, page: Page): Paged<RecordHead> {
  return paged(readCount(state, patientCountKey(pseudonym)), page, RECORDS_PAGE_MAX, false, (n) => {
    const recordId = read<string>(state, patientIndexKey(pseudonym, n));
    return recordId === undefined ? undefined : recordHead(state, recordId);
  });
}

function entry(state: StateReader, ref: AccessRef | undefined): AccessLogEntry | undefined {
  const event: AccessEventRecord | undefined =
    ref === undefined ? undefined : accessEvent(state, ref.custodianOrgId, ref.eventId);
  return event === undefined ? undefined : { ...event, isBreakGlass: event.breakGlass !== null };
}

/** One page of an index of access events (a count key and the n-th AccessRef), newest first. */
function accessEntries(
  state: StateReader,
  countKey: string,
  indexKey: (n: number) => string,
  page: Page,
): Paged<AccessLogEntry> {
  return paged(readCount(state, countKey), page, RECORDS_PAGE_MAX, true, (n) =>
    entry(state, read<AccessRef>(state, indexKey(n))),
  );
}

/** Every access event about the patient, granted and denied, newest first, break-glass flagged. */
export function accessLog(state: StateReader, pseudonym: string, page: Page): Paged<AccessLogEntry> {
  return accessEntries(state, accessCountKey(pseudonym), (n) => accessIndexKey(pseudonym, n), page);
}

/** The privacy officer's view: every break-glass request at this custodian, newest first. */
export function breakGlassEvents(
  state: StateReader,
  custodianOrgId: string,
  page: Page,
): Paged<AccessLogEntry> {
  const indexKey = (n: number) => breakGlassIndexKey(custodianOrgId, n);
  return accessEntries(state, breakGlassCountKey(custodianOrgId), indexKey, page);
}

/** The patient's erasure requests, oldest first. */
export function erasureRequests(
  state: StateReader,
  pseudonym: string,
  page: Page,
): Paged<ErasureRequestRecord> {
  return paged(readCount(state, erasureRequestCountKey(pseudonym)), page, RECORDS_PAGE_MAX, false, (n) =>
    erasureRequest(state, pseudonym, n),
  );
}

/** The crypto-shredding receipts committed for the patient, oldest first. */
export function erasures(state: StateReader, pseudonym: string, page: Page): Paged<ErasureRecord> {
  return paged(readCount(state, erasureCountKey(pseudonym)), page, RECORDS_PAGE_MAX, false, (n) =>
    erasure(state, pseudonym, n),
  );
}
