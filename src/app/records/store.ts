// Where the records module keeps its state, and the point reads over it. Every value is canonical JSON.
//
//   records/record/<recordId>                          → RecordHead
//   records/version/<recordId>/<version>               → RecordVersion (1-based, every version kept)
//   records/patient-count/<pseudonym>                  → number of records ever registered for the patient
//   records/patient-index/<pseudonym>/<n>              → recordId of the patient's n-th record (0-based)
//   records/patient-erased/<pseudonym>                 → how many of those are erased
//   records/access/<custodianOrgId>/<eventId>          → AccessEventRecord
//   records/access-count/<pseudonym>                   → number of access events about the patient
//   records/access-index/<pseudonym>/<n>               → AccessRef of the patient's n-th event
//   records/break-glass-count/<custodianOrgId>         → number of break-glass events at the custodian
//   records/break-glass-index/<custodianOrgId>/<n>     → AccessRef of its n-th break-glass event
//   records/erasure-request-count/<pseudonym>          → number of erasure requests the patient made
//   records/erasure-request/<pseudonym>/<n>            → ErasureRequestRecord
//   records/erasure-requested/<recordId>               → height of the first request naming the record
//   records/erasure-all/<pseudonym>                    → records (by patient index) an 'all' request covers
//   records/erasure-count/<pseudonym>                  → number of erasure receipts for the patient
//   records/erasure/<pseudonym>/<n>                    → ErasureRecord
//   records/erasure-queue-count                        → number of erasure requests on the whole chain
//   records/erasure-queue/<n>                          → ErasureQueueEntry of the n-th (every custodian's
//                                                        node works through this list: erasure-jobs.ts)
//   records/merged/<recordId>                          → MergeRecord: the Patient record it was merged
//                                                        into (merge.ts, HL7 ADT^A40)
//
// The state has point reads only, so the counters and indexes are what make listing possible. Event ids
// live in the custodian's namespace (like consent ids in the patient's): an id seen in the mempool cannot
// be taken first by another organisation. Record ids are global, because a record is looked up by id
// alone. Ids, keys and pseudonyms are lowercase hex and organisation ids [a-z0-9-]: no segment holds "/".
// Nothing is ever deleted: an erased record keeps its head (marked erased) and its commitments, which
// reveal nothing once the ciphertext, salt and keys are gone, and keep the chain verifiable.
import type { StateOverlay, StateReader } from '../state.ts';
import { readStateCount, readStateValue, writeStateValue } from '../state.ts';
import type {
  AccessEventRecord,
  ErasureRecord,
  ErasureRequestRecord,
  RecordHead,
  RecordVersion,
} from './types.ts';

/** Where an access event is kept; the indexes hold these rather than copies of the event. */
export interface AccessRef {
  readonly custodianOrgId: string;
  readonly eventId: string;
}

export const recordKey = (recordId: string): string => `records/record/${recordId}`;
export const versionKey = (recordId: string, version: number): string =>
  `records/version/${recordId}/${version}`;
export const patientCountKey = (pseudonym: string): string => `records/patient-count/${pseudonym}`;
export const patientIndexKey = (pseudonym: string, n: number): string =>
  `records/patient-index/${pseudonym}/${n}`;
export const patientErasedKey = (pseudonym: string): string => `records/patient-erased/${pseudonym}`;
export const accessKey = (orgId: string, eventId: string): string => `records/access/${orgId}/${eventId}`;
export const accessCountKey = (pseudonym: string): string => `records/access-count/${pseudonym}`;
export const accessIndexKey = (pseudonym: string, n: number): string =>
  `records/access-index/${pseudonym}/${n}`;
export const breakGlassCountKey = (orgId: string): string => `records/break-glass-count/${orgId}`;
export const breakGlassIndexKey = (orgId: string, n: number): string =>
  `records/break-glass-index/${orgId}/${n}`;
export const erasureRequestCountKey = (pseudonym: string): string =>
  `records/erasure-request-count/${pseudonym}`;
export const erasureRequestKey = (pseudonym: string, n: number): string =>
  `records/erasure-request/${pseudonym}/${n}`;
export const erasureRequestedKey = (recordId: string): string => `records/erasure-requested/${recordId}`;
export const erasureAllKey = (pseudonym: string): string => `records/erasure-all/${pseudonym}`;
export const erasureCountKey = (pseudonym: string): string => `records/erasure-count/${pseudonym}`;
export const erasureKey = (pseudonym: string, n: number): string => `records/erasure/${pseudonym}/${n}`;
export const ERASURE_QUEUE_COUNT_KEY = 'records/erasure-queue-count';
export const erasureQueueKey = (n: number): string => `records/erasure-queue/${n}`;

export const read = readStateValue;
export const readCount = readStateCount;
export const write = writeStateValue;

/** Appends to a counted list: writes item n under itemKey(n) and bumps the counter; returns n. */
export function append(
  state: StateOverlay,
  countKey: string,
  itemKey: (n: number) => string,
  value: unknown,
): number {
  const n = readCount(state, countKey);
  write(state, itemKey(n), value);
  write(state, countKey, n + 1);
  return n;
}

export function recordHead(state: StateReader, recordId: string): RecordHead | undefined {
  return read<RecordHead>(state, recordKey(recordId));
}

export function recordVersion(
  state: StateReader,
  recordId: string,
  version: number,
): RecordVersion | undefined {
  return read<RecordVersion>(state, versionKey(recordId, version));
}

export function accessEvent(
  state: StateReader,
  custodianOrgId: string,
  eventId: string,
): AccessEventRecord | undefined {
  return read<AccessEventRecord>(state, accessKey(custodianOrgId, eventId));
}

export function erasureRequest(
  state: StateReader,
  pseudonym: string,
  n: number,
): ErasureRequestRecord | undefined {
  return read<ErasureRequestRecord>(state, erasureRequestKey(pseudonym, n));
}

export function erasure(state: StateReader, pseudonym: string, n: number): ErasureRecord | undefined {
  return read<ErasureRecord>(state, erasureKey(pseudonym, n));
}

/**
 * True when the patient asked for this record to be erased: by naming it, or by an 'all' request made
 * after it was registered (its index is below what the latest 'all' request covers). Records registered
 * after an 'all' request are not covered: the patient asked about the records that existed then.
 */
export function isErasureRequested(state: StateReader, head: RecordHead): boolean {
  if (state.get(erasureRequestedKey(head.recordId)) !== undefined) return true;
  return head.patientIndex < readCount(state, erasureAllKey(head.patientPseudonym));
}
