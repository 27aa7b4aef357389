// Read-only questions about records, pure over a StateReader: the same answers in the node's API and
// (over state fetched with proofs, later) in the browser. Every list is paged and bounded by
// RECORDS_PAGE_MAX; logs come newest first, since that is what a patient or privacy officer reads.
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
  type AccessEventRecord,
  type AccessLogEntry,
  type ErasureRecord,
  type ErasureRequestRecord,
  type Page,
  type RecordHead,
  type RecordVersion,
} from './types.ts';

export interface RecordWithHistory extends RecordHead {
  /** Every version, oldest first (at most VERSIONS_PER_RECORD_MAX). */
  readonly history: readonly RecordVersion[];
}

export interface Paged<T> {
  /** How many items the whole list has. */
  readonly total: number;
  readonly items: readonly T[];
}

/** The positions one page covers, in list order (0-based), or newest first when newestFirst. */
function pagePositions(total: number, page: Page, newestFirst: boolean): number[] {
  const limit = Math.min(Math.max(Math.trunc(page.limit), 0), RECORDS_PAGE_MAX);
  const offset = Math.max(Math.trunc(page.offset), 0);
  const positions: number[] = [];
  for (let k = offset; k < total && positions.length < limit; k++) {
    positions.push(newestFirst ? total - 1 - k : k);
  }
  return positions;
}

function paged<T>(
  total: number,
  page: Page,
  newestFirst: boolean,
  at: (n: number) => T | undefined,
): Paged<T> {
  const items: T[] = [];
  for (const n of pagePositions(total, page, newestFirst)) {
    const item = at(n);
    if (item !== undefined) items.push(item);
  }
  return { total, items };
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
  return paged(readCount(state, patientCountKey(pseudonym)), page, false, (n) => {
    const recordId = read<string>(state, patientIndexKey(pseudonym, n));
    return recordId === undefined ? undefined : recordHead(state, recordId);
  });
}

function entry(state: StateReader, ref: AccessRef | undefined): AccessLogEntry | undefined {
  const event: AccessEventRecord | undefined =
    ref === undefined ? undefined : accessEvent(state, ref.custodianOrgId, ref.eventId);
  return event === undefined ? undefined : { ...event, isBreakGlass: event.breakGlass !== null };
}

/** Every access event about the patient, granted and denied, newest first, break-glass flagged. */
export function accessLog(state: StateReader, pseudonym: string, page: Page): Paged<AccessLogEntry> {
  return paged(readCount(state, accessCountKey(pseudonym)), page, true, (n) =>
    entry(state, read<AccessRef>(state, accessIndexKey(pseudonym, n))),
  );
}

/** The privacy officer's view: every break-glass request at this custodian, newest first. */
export function breakGlassEvents(
  state: StateReader,
  custodianOrgId: string,
  page: Page,
): Paged<AccessLogEntry> {
  return paged(readCount(state, breakGlassCountKey(custodianOrgId)), page, true, (n) =>
    entry(state, read<AccessRef>(state, breakGlassIndexKey(custodianOrgId, n))),
  );
}

/** The patient's erasure requests, oldest first. */
export function erasureRequests(
  state: StateReader,
  pseudonym: string,
  page: Page,
): Paged<ErasureRequestRecord> {
  return paged(readCount(state, erasureRequestCountKey(pseudonym)), page, false, (n) =>
    erasureRequest(state, pseudonym, n),
  );
}

/** The crypto-shredding receipts committed for the patient, oldest first. */
export function erasures(state: StateReader, pseudonym: string, page: Page): Paged<ErasureRecord> {
  return paged(readCount(state, erasureCountKey(pseudonym)), page, false, (n) =>
    erasure(state, pseudonym, n),
  );
}
