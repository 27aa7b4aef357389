// Erasure is crypto-shredding (DESIGN.md "Off-chain vault and access"): the patient (never a proxy) asks,
// the custodian deletes the ciphertexts and wrapped keys, then its node commits the receipt. The chain
// keeps only what it had (commitments, which open nothing without salt, ciphertext and key), marks the
// records erased, and from then on refuses to register or release them. `verify` still passes: no
// committed tx or state write is removed.
import { patientActingAs, patientByKey } from '../membership/queries.ts';
import type { TxContext, TxHandler } from '../module.ts';
import { rejected, type PayloadObject } from '../payload.ts';
import { requireNodeSigner } from './access.ts';
import { ERASE_FIELDS, parseErase, parseRequestErasure, REQUEST_ERASURE_FIELDS } from './parse.ts';
import {
  append,
  erasureAllKey,
  erasureCountKey,
  erasureKey,
  erasureQueueKey,
  ERASURE_QUEUE_COUNT_KEY,
  erasureRequestCountKey,
  erasureRequestedKey,
  erasureRequestKey,
  isErasureRequested,
  patientCountKey,
  patientErasedKey,
  readCount,
  recordHead,
  recordKey,
  recordVersion,
  write,
} from './store.ts';
import type { ErasureQueueEntry, ErasureRecord, ErasureRequestRecord, RecordHead } from './types.ts';

/** A live (not yet erased) record of this patient; used by both txs. */
function requireLiveRecordOf(ctx: TxContext, recordId: string, pseudonym: string): RecordHead {
  const head = recordHead(ctx.state, recordId);
  if (head === undefined) throw rejected('records.unknown_record', 'no record has this id');
  if (head.patientPseudonym !== pseudonym) {
    throw rejected('records.other_patient', 'a listed record belongs to another patient');
  }
  if (head.erasedAtHeight !== null) {
    throw rejected('records.erased', 'a listed record is already erased', {
      erasedAtHeight: head.erasedAtHeight,
    });
  }
  return head;
}

function applyRequestErasure(ctx: TxContext, payload: PayloadObject): void {
  const p = parseRequestErasure(payload);
  // Erasure cannot be undone, so it takes the patient's own key: a proxy (a guardian, an attorney) acts
  // for the patient in everything else, but may not destroy their records (docs/SECURITY.md finding 15).
  if (patientByKey(ctx.state, ctx.signer) !== p.patientPseudonym) {
    if (patientActingAs(ctx.state, ctx.signer) === p.patientPseudonym) {
      throw rejected('records.proxy_may_not_erase', 'only the patient’s own key may request erasure');
    }
    throw rejected('records.not_patient', 'only the patient may request erasure');
  }
  const pseudonym = p.patientPseudonym;
  const total = readCount(ctx.state, patientCountKey(pseudonym));
  let coversRecordCount: number | null = null;
  if (p.recordIds === 'all') {
    if (total === readCount(ctx.state, patientErasedKey(pseudonym))) {
      throw rejected('records.nothing_to_erase', 'the patient has no record left to erase');
    }
    if (readCount(ctx.state, erasureAllKey(pseudonym)) === total) {
      throw rejected('records.erasure_already_requested', 'erasure of every record is already requested');
    }
    coversRecordCount = total;
    write(ctx.state, erasureAllKey(pseudonym), total);
  } else {
    for (const recordId of p.recordIds) {
      const head = requireLiveRecordOf(ctx, recordId, pseudonym);
      // A repeat would only add noise to the custodian's queue and the patient's list.
      if (isErasureRequested(ctx.state, head)) {
        throw rejected(
          'records.erasure_already_requested',
          'erasure of a listed record is already requested',
        );
      }
      write(ctx.state, erasureRequestedKey(recordId), ctx.height);
    }
  }
  const n = readCount(ctx.state, erasureRequestCountKey(pseudonym));
  const request: ErasureRequestRecord = {
    index: n,
    patientPseudonym: pseudonym,
    recordIds: p.recordIds,
    coversRecordCount,
    requestedBy: ctx.signer,
    height: ctx.height,
    timeMs: ctx.timeMs,
    txHash: ctx.txHash,
  };
  append(ctx.state, erasureRequestCountKey(pseudonym), (i) => erasureRequestKey(pseudonym, i), request);
  // Every custodian's node reads this list from committed state: one request reaches all of them.
  const entry: ErasureQueueEntry = { patientPseudonym: pseudonym, requestIndex: n };
  append(ctx.state, ERASURE_QUEUE_COUNT_KEY, erasureQueueKey, entry);
}

/**
 * The receipt must list the commitment of every version of every erased record, in (recordId, version)
 * order: it then says exactly what was shredded, and a custodian cannot mark a record erased while
 * keeping some version of it. shreddedAtMs is the custodian's clock and is not compared with block time:
 * BFT time trails the wall clock by up to a block, so an honest receipt could look "from the future".
 */
function applyErase(ctx: TxContext, payload: PayloadObject): void {
  const p = parseErase(payload);
  const custodianOrgId = requireNodeSigner(ctx, 'commit an erasure receipt');
  const pseudonym = p.patientPseudonym;
  const heads = p.recordIds.map((recordId) => {
    const head = requireLiveRecordOf(ctx, recordId, pseudonym);
    if (head.custodianOrgId !== custodianOrgId) {
      throw rejected('records.other_custodian', 'the signer’s organisation is not this record’s custodian');
    }
    if (!isErasureRequested(ctx.state, head)) {
      throw rejected('records.erasure_not_requested', 'the patient has not asked to erase a listed record');
    }
    return head;
  });
  const expected = heads.flatMap((head) =>
    Array.from(
      { length: head.latestVersion },
      (_, i) => recordVersion(ctx.state, head.recordId, i + 1)!.commitment,
    ),
  );
  if (expected.length !== p.commitments.length || expected.some((c, i) => c !== p.commitments[i])) {
    throw rejected('records.receipt_mismatch', 'the receipt must list every version’s commitment in order', {
      expected: expected.length,
      actual: p.commitments.length,
    });
  }
  for (const head of heads) {
    write(ctx.state, recordKey(head.recordId), { ...head, erasedAtHeight: ctx.height } satisfies RecordHead);
  }
  const erasedKey = patientErasedKey(pseudonym);
  write(ctx.state, erasedKey, readCount(ctx.state, erasedKey) + heads.length);
  const n = readCount(ctx.state, erasureCountKey(pseudonym));
  const receipt: ErasureRecord = {
    index: n,
    patientPseudonym: pseudonym,
    custodianOrgId,
    recordIds: p.recordIds,
    commitments: expected,
    shreddedAtMs: p.shreddedAtMs,
    signedBy: ctx.signer,
    height: ctx.height,
    timeMs: ctx.timeMs,
    txHash: ctx.txHash,
  };
  append(ctx.state, erasureCountKey(pseudonym), (i) => erasureKey(pseudonym, i), receipt);
}

export const erasureHandlers: readonly TxHandler[] = [
  { type: 'records.requestErasure', fields: REQUEST_ERASURE_FIELDS, apply: applyRequestErasure },
  { type: 'records.erase', fields: ERASE_FIELDS, apply: applyErase },
];
