// records.access: the access event, committed by the custodian's node before any data leaves it
// (DESIGN.md principle 3, "No read without a record"). Denials are committed too, so the patient's log
// shows every attempt. The event must state exactly the decision the chain recomputes (decide.ts).
import { actorOf, practitioner } from '../membership/queries.ts';
import type { TxContext, TxHandler } from '../module.ts';
import { compareStrings, rejected, type PayloadObject } from '../payload.ts';
import { decideAccess } from './decide.ts';
import { ACCESS_FIELDS, parseAccess, type AccessPayload } from './parse.ts';
import { spendBreakGlass } from './policy.ts';
import {
  accessCountKey,
  accessEvent,
  accessIndexKey,
  accessKey,
  append,
  breakGlassCountKey,
  breakGlassIndexKey,
  recordHead,
  write,
  type AccessRef,
} from './store.ts';
import type { AccessEventRecord, AccessedRecord } from './types.ts';

/** The organisation whose node signed; only a node key speaks for the custodian's gateway. */
export function requireNodeSigner(ctx: TxContext, what: string): string {
  const actor = actorOf(ctx.state, ctx.signer);
  if (actor.kind !== 'node') throw rejected('records.not_node', `only a custodian’s node key may ${what}`);
  return actor.orgId;
}

/**
 * Each listed version must exist and be held by this custodian for this patient: an event about someone
 * else's record, or another patient's, would put a false line in a log. Erased records are still found
 * (their heads stay), so an attempt to read one can be logged as a denial. The event's resource types
 * must be exactly the listed records' types; with no record listed they are what the query asked for.
 */
function resolveRecords(ctx: TxContext, event: AccessPayload, custodianOrgId: string) {
  let anyErased = false;
  const records: AccessedRecord[] = event.records.map(({ recordId, version }) => {
    const head = recordHead(ctx.state, recordId);
    if (head === undefined) throw rejected('records.unknown_record', 'no record has this id');
    if (version > head.latestVersion) {
      throw rejected('records.unknown_version', 'the record has no such version', {
        expected: head.latestVersion,
        actual: version,
      });
    }
    if (head.custodianOrgId !== custodianOrgId) {
      throw rejected('records.other_custodian', 'the signer’s organisation is not this record’s custodian');
    }
    if (head.patientPseudonym !== event.patientPseudonym) {
      throw rejected('records.other_patient', 'a listed record belongs to another patient');
    }
    anyErased ||= head.erasedAtHeight !== null;
    return { recordId, version, resourceType: head.resourceType };
  });
  if (records.length > 0) {
    const listed = [...new Set(records.map((r) => r.resourceType))].sort(compareStrings);
    if (listed.join() !== event.resourceTypes.join()) {
      throw rejected('records.resource_types_mismatch', 'resourceTypes must be the listed records’ types');
    }
  }
  return { records, resourceTypes: event.resourceTypes, anyErased };
}

function applyAccess(ctx: TxContext, payload: PayloadObject): void {
  const event = parseAccess(payload);
  const custodianOrgId = requireNodeSigner(ctx, 'commit an access event');
  if (accessEvent(ctx.state, custodianOrgId, event.eventId) !== undefined) {
    throw rejected('records.duplicate_event', 'the custodian already committed an event with this id');
  }
  const { records, resourceTypes, anyErased } = resolveRecords(ctx, event, custodianOrgId);
  const expected = decideAccess(ctx.state, {
    event,
    custodianOrgId,
    resourceTypes,
    anyErased,
    atHeight: ctx.height,
    atMs: ctx.timeMs,
  });
  if (
    event.outcome !== expected.outcome ||
    event.reasonCode !== expected.reasonCode ||
    event.consentIds.join() !== expected.consentIds.join()
  ) {
    // The expected codes are safe to return (closed lists), and tell an honest gateway what changed.
    throw rejected('records.decision_mismatch', 'the event does not state the decision consent gives', {
      expectedOutcome: expected.outcome,
      expectedReason: expected.reasonCode,
      actualOutcome: event.outcome,
      actualReason: event.reasonCode,
    });
  }
  // A grant releases records, so it names them; only a denial may be decided from the types alone.
  if (expected.outcome === 'granted' && records.length === 0) {
    throw rejected('records.grant_without_records', 'a granted event must list the records it releases');
  }
  const record: AccessEventRecord = {
    eventId: event.eventId,
    custodianOrgId,
    committedBy: ctx.signer,
    requester: event.requester,
    requesterOrgId: event.requesterOrgId,
    requesterRole: practitioner(ctx.state, event.requester)?.role ?? null,
    purpose: event.purpose,
    action: event.action,
    resourceTypes,
    records,
    patientPseudonym: event.patientPseudonym,
    outcome: expected.outcome,
    reasonCode: expected.reasonCode,
    consentIds: expected.consentIds,
    breakGlass: event.breakGlass,
    height: ctx.height,
    timeMs: ctx.timeMs,
    txHash: ctx.txHash,
  };
  const ref: AccessRef = { custodianOrgId, eventId: event.eventId };
  write(ctx.state, accessKey(custodianOrgId, event.eventId), record);
  const pseudonym = event.patientPseudonym;
  append(ctx.state, accessCountKey(pseudonym), (n) => accessIndexKey(pseudonym, n), ref);
  // Every break-glass request is shown to the custodian's privacy officer, a denied attempt included;
  // only a granted one spends the budgets.
  if (event.breakGlass !== null && expected.outcome === 'granted') {
    spendBreakGlass(ctx.state, event.requester, event.requesterOrgId, ctx.timeMs);
  }
  if (event.breakGlass !== null) {
    append(ctx.state, breakGlassCountKey(custodianOrgId), (n) => breakGlassIndexKey(custodianOrgId, n), ref);
  }
}

export const accessHandlers: readonly TxHandler[] = [
  { type: 'records.access', fields: ACCESS_FIELDS, apply: applyAccess },
];
