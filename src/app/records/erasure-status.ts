// Where an erasure stands, pure over committed state, for the two who ask: each custodian's node (what
// is left for it to shred: erasure-jobs.ts in services) and the patient (how far each custodian is).
// A record's erasure is "requested" once a request names it or an 'all' request covers it, and "done"
// once its custodian's receipt is committed (erasedAtHeight); state holds both, so a node that crashed
// between shredding and its receipt finds the same work again when it starts.
import type { StateReader } from '../state.ts';
import { erasures, recordsOfPatient } from './queries.ts';
import { ERASURE_QUEUE_COUNT_KEY, erasureQueueKey, isErasureRequested, read, readCount } from './store.ts';
import { RECORDS_PAGE_MAX, type ErasureQueueEntry, type RecordHead } from './types.ts';

/** How many erasure requests the chain has committed, all patients together. */
export function erasureQueueLength(state: StateReader): number {
  return readCount(state, ERASURE_QUEUE_COUNT_KEY);
}

/** The n-th erasure request of the chain (0-based), or undefined past the end. */
export function erasureQueueEntry(state: StateReader, n: number): ErasureQueueEntry | undefined {
  return read<ErasureQueueEntry>(state, erasureQueueKey(n));
}

/** Calls visit for every record of the patient, oldest first, a page at a time. */
export function eachRecordOf(state: StateReader, pseudonym: string, visit: (head: RecordHead) => void): void {
  for (let offset = 0; ; offset += RECORDS_PAGE_MAX) {
    const page = recordsOfPatient(state, pseudonym, { offset, limit: RECORDS_PAGE_MAX });
    for (const head of page.items) visit(head);
    if (offset + RECORDS_PAGE_MAX >= page.total) return;
  }
}

/**
 * The patient's records this custodian still has to shred: requested, not yet erased, sorted by record
 * id (the order records.erase wants its receipt in).
 */
export function pendingErasures(state: StateReader, pseudonym: string, custodianOrgId: string): RecordHead[] {
  const heads: RecordHead[] = [];
  eachRecordOf(state, pseudonym, (head) => {
    if (
      head.custodianOrgId === custodianOrgId &&
      head.erasedAtHeight === null &&
      isErasureRequested(state, head)
    ) {
      heads.push(head);
    }
  });
  return heads.sort((a, b) => (a.recordId < b.recordId ? -1 : a.recordId > b.recordId ? 1 : 0));
}

/** How far one custodian is with the patient's erasure. */
export interface CustodianErasureStatus {
  readonly custodianOrgId: string;
  /** Records of the patient this custodian holds, erased or not. */
  readonly records: number;
  /** Of those, the ones the patient asked to erase (erased ones included). */
  readonly requested: number;
  /** Of those, the ones whose receipt is committed. */
  readonly erased: number;
  /** requested − erased: shredding still to come (or in flight) at this custodian. */
  readonly pending: number;
  /** The custodian's committed receipts for the patient (tx hash and height), oldest first. */
  readonly receipts: readonly { readonly txHash: string; readonly height: number }[];
}

/** Per custodian that holds any record of the patient, sorted by organisation id. */
export function erasureStatus(state: StateReader, pseudonym: string): CustodianErasureStatus[] {
  const byOrg = new Map<string, { records: number; requested: number; erased: number }>();
  eachRecordOf(state, pseudonym, (head) => {
    const counts = byOrg.get(head.custodianOrgId) ?? { records: 0, requested: 0, erased: 0 };
    counts.records += 1;
    if (head.erasedAtHeight !== null) {
      counts.requested += 1;
      counts.erased += 1;
    } else if (isErasureRequested(state, head)) {
      counts.requested += 1;
    }
    byOrg.set(head.custodianOrgId, counts);
  });
  const receipts = new Map<string, { txHash: string; height: number }[]>();
  for (let offset = 0; ; offset += RECORDS_PAGE_MAX) {
    const page = erasures(state, pseudonym, { offset, limit: RECORDS_PAGE_MAX });
    for (const receipt of page.items) {
      const list = receipts.get(receipt.custodianOrgId) ?? [];
      list.push({ txHash: receipt.txHash, height: receipt.height });
      receipts.set(receipt.custodianOrgId, list);
    }
    if (offset + RECORDS_PAGE_MAX >= page.total) break;
  }
  return [...byOrg.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([custodianOrgId, counts]) => ({
      custodianOrgId,
      ...counts,
      pending: counts.requested - counts.erased,
      receipts: receipts.get(custodianOrgId) ?? [],
    }));
}
