// records.merge: a custodian merges two Patient records it holds into one (HL7 ADT^A40, "merge patient
// identifier list"): the prior record is marked merged into the surviving one, and reads of the prior
// id are redirected to it. The smallest honest step: the chain says which record replaced which, when,
// and on whose word (one of the custodian's clinical staff who may write both patients' records, as for
// any write); it re-keys nothing. The prior record keeps its versions, and the prior identity's other
// records stay under its pseudonym (docs/ARCHITECTURE.md, HL7 departures).
//
//   records/merged/<fromRecordId> → MergeRecord
import { actorOf } from '../membership/queries.ts';
import type { TxContext, TxHandler } from '../module.ts';
import { hexField, invalidPayload, orgIdField, rejected, type PayloadObject } from '../payload.ts';
import type { StateReader } from '../state.ts';
import { idField } from './parse.ts';
import { refuseWrite } from './policy.ts';
import { read, recordHead, write } from './store.ts';
import type { RecordHead } from './types.ts';

export interface MergePayload {
  readonly custodianOrgId: string;
  /** The custodian's clinical practitioner on whose word the merge is made. */
  readonly practitioner: string;
  /** The prior Patient record (HL7 MRG-1), merged away. */
  readonly fromRecordId: string;
  /** The surviving Patient record (HL7 PID-3). */
  readonly intoRecordId: string;
}

export interface MergeRecord {
  readonly intoRecordId: string;
  readonly practitioner: string;
  readonly height: number;
  readonly timeMs: number;
  readonly txHash: string;
}

export const mergedKey = (recordId: string): string => `records/merged/${recordId}`;

/** The record a record was merged into, if it was. */
export function mergedInto(state: StateReader, recordId: string): MergeRecord | undefined {
  return read<MergeRecord>(state, mergedKey(recordId));
}

const MERGE_FIELDS = ['custodianOrgId', 'practitioner', 'fromRecordId', 'intoRecordId'];

/** The payload's fields, of an object the executor has checked (exactly MERGE_FIELDS). */
export function parseMerge(p: PayloadObject): MergePayload {
  const merge = {
    custodianOrgId: orgIdField(p.custodianOrgId, 'custodianOrgId'),
    practitioner: hexField(p.practitioner, 'practitioner', 32),
    fromRecordId: idField(p.fromRecordId, 'fromRecordId'),
    intoRecordId: idField(p.intoRecordId, 'intoRecordId'),
  };
  if (merge.fromRecordId === merge.intoRecordId) {
    throw invalidPayload('a record cannot be merged into itself', { field: 'intoRecordId' });
  }
  return merge;
}

/** A Patient record of this custodian, not erased, not merged away. */
function mergeable(ctx: TxContext, recordId: string, custodianOrgId: string): RecordHead {
  const head = recordHead(ctx.state, recordId);
  if (head === undefined) throw rejected('records.unknown_record', 'no record has this id', { recordId });
  if (head.custodianOrgId !== custodianOrgId) {
    throw rejected('records.other_custodian', 'this record belongs to another custodian', { recordId });
  }
  if (head.erasedAtHeight !== null) {
    throw rejected('records.erased', 'this record was erased', { recordId });
  }
  if (head.resourceType !== 'Patient') {
    throw rejected('records.not_mergeable', 'only Patient records are merged', { recordId });
  }
  if (mergedInto(ctx.state, recordId) !== undefined) {
    throw rejected('records.not_mergeable', 'this record was merged into another already', { recordId });
  }
  return head;
}

function applyMerge(ctx: TxContext, payload: PayloadObject): void {
  const p = parseMerge(payload);
  const signer = actorOf(ctx.state, ctx.signer);
  const custodianNode = signer.kind === 'node' && signer.orgId === p.custodianOrgId;
  if (!custodianNode && ctx.signer !== p.practitioner) {
    throw rejected('records.not_custodian', 'only the custodian’s node or the practitioner named may sign', {
      orgId: p.custodianOrgId,
    });
  }
  const from = mergeable(ctx, p.fromRecordId, p.custodianOrgId);
  const into = mergeable(ctx, p.intoRecordId, p.custodianOrgId);
  // The practitioner must be able to write both patients' records: a merge rewrites where the prior
  // identity's reads go, so a writer barred from the prior patient (no write consent, or a denial)
  // could otherwise fold that patient into one it may write.
  for (const head of [from, into]) {
    const refusal = refuseWrite(ctx.state, {
      practitioner: p.practitioner,
      custodianOrgId: p.custodianOrgId,
      patientPseudonym: head.patientPseudonym,
      resourceType: 'Patient',
      atHeight: ctx.height,
      atMs: ctx.timeMs,
    });
    if (refusal !== undefined) throw rejected(refusal.reason, refusal.message, { orgId: p.custodianOrgId });
  }
  const merge: MergeRecord = {
    intoRecordId: p.intoRecordId,
    practitioner: p.practitioner,
    height: ctx.height,
    timeMs: ctx.timeMs,
    txHash: ctx.txHash,
  };
  write(ctx.state, mergedKey(p.fromRecordId), merge);
}

export const mergeHandlers: readonly TxHandler[] = [
  { type: 'records.merge', fields: MERGE_FIELDS, apply: applyMerge },
];
