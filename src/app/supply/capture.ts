// supply.capture: one EPCIS 2.0 document is one tx, applied all or nothing. The payload carries each
// event as JSON text (and the document's @context as text): EPCIS events hold decimals (sensor data,
// quantities) that the canonical tx encoding, safe integers only, cannot. Parsing is pure, so every
// node derives the same eventIDs, canonical identifiers and verdicts.
import type { TxContext, TxHandler } from '../module.ts';
import { invalidPayload, rejected, type PayloadObject } from '../payload.ts';
import { actingOrg } from './actor.ts';
import { parseEvent, type ParsedEvent } from './event.ts';
import { applyEventRules } from './lifecycle.ts';
import {
  CAPTURE_COUNT_KEY,
  captureKey,
  captureTxKey,
  EVENT_COUNT_KEY,
  epcCountKey,
  epcIndexKey,
  epcObservationCountKey,
  epcOrgObservationCountKey,
  errorDeclarationKey,
  eventIdKey,
  eventKey,
  nextId,
  read,
  readCount,
  write,
} from './store.ts';
import {
  EVENTS_PER_CAPTURE_MAX,
  EVENTS_PER_EPC_MAX,
  OBSERVATIONS_PER_EPC_MAX,
  OBSERVATIONS_PER_ORG_PER_EPC_MAX,
  type Capture,
  type StoredEvent,
} from './types.ts';

export interface CapturePayload {
  readonly events: readonly string[];
  /** The document's @context as JSON text, or null. */
  readonly context: string | null;
}

/** The capture's fields, as the executor checked them (captureHandlers declares them). */
export function parseCapturePayload(p: PayloadObject): CapturePayload {
  const events = p.events;
  if (!Array.isArray(events) || events.length === 0 || events.length > EVENTS_PER_CAPTURE_MAX) {
    throw invalidPayload(`events must be a list of 1..${EVENTS_PER_CAPTURE_MAX} JSON texts`, {
      field: 'events',
    });
  }
  if (events.some((e) => typeof e !== 'string')) {
    throw invalidPayload('each event must be JSON text', { field: 'events' });
  }
  const context = p.context ?? null;
  if (context !== null && typeof context !== 'string') {
    throw invalidPayload('context must be JSON text', { field: 'context' });
  }
  return { events: events as string[], context };
}

/** The document @context as parsed JSON (undefined when absent), for the CBV 2.0 event hash. */
export function parseContext(context: string | null): unknown {
  if (context === null) return undefined;
  try {
    return JSON.parse(context) as unknown;
  } catch {
    throw invalidPayload('context is not JSON', { field: 'context' });
  }
}

/** Parses every event of a capture (the API uses this too, to answer with the eventIDs). */
export function parseCaptureEvents(p: CapturePayload): ParsedEvent[] {
  const context = parseContext(p.context);
  return p.events.map((text, i) => parseEvent(text, i, context));
}

function historyFull(e: ParsedEvent, reason: string, message: string): Error {
  return rejected(reason, `event ${e.index}: ${message}`, { eventIndex: e.index });
}

/** Counts one more observation of id by orgId, within both budgets (./custody.ts says why). */
function observe(ctx: TxContext, id: string, orgId: string, e: ParsedEvent): void {
  const all = readCount(ctx.state, epcObservationCountKey(id));
  const mine = readCount(ctx.state, epcOrgObservationCountKey(id, orgId));
  if (all >= OBSERVATIONS_PER_EPC_MAX) {
    throw historyFull(
      e,
      'supply.observations_full',
      `an identifier has ${OBSERVATIONS_PER_EPC_MAX} observations; the rest of its history is kept for its moves`,
    );
  }
  if (mine >= OBSERVATIONS_PER_ORG_PER_EPC_MAX) {
    throw historyFull(
      e,
      'supply.observations_full',
      `this organisation recorded ${OBSERVATIONS_PER_ORG_PER_EPC_MAX} observations of an identifier`,
    );
  }
  write(ctx.state, epcObservationCountKey(id), all + 1);
  write(ctx.state, epcOrgObservationCountKey(id, orgId), mine + 1);
}

function indexUnder(
  ctx: TxContext,
  ids: Iterable<string>,
  seq: number,
  e: ParsedEvent,
  changed: ReadonlySet<string>,
  orgId: string,
): void {
  for (const id of new Set(ids)) {
    if (!changed.has(id)) observe(ctx, id, orgId, e);
    const n = readCount(ctx.state, epcCountKey(id));
    if (n >= EVENTS_PER_EPC_MAX) {
      throw historyFull(e, 'supply.epc_history_full', `an identifier has ${EVENTS_PER_EPC_MAX} events`);
    }
    write(ctx.state, epcIndexKey(id, n), seq);
    write(ctx.state, epcCountKey(id), n + 1);
  }
}

function applyCapture(ctx: TxContext, payload: PayloadObject): void {
  const p = parseCapturePayload(payload);
  const events = parseCaptureEvents(p);
  const org = actingOrg(ctx.state, ctx.signer);
  const captureId = nextId(ctx.state, CAPTURE_COUNT_KEY);
  let firstSeq = -1;
  for (const e of events) {
    // An error declaration repeats the eventID of the event it corrects (EPCIS 2.0 §7.4.1.2): it is
    // kept under its own key, once; any other repeat of an eventID is refused.
    const idKey = e.errorDeclaration ? errorDeclarationKey(e.eventId) : eventIdKey(e.eventId);
    if (read(ctx.state, idKey) !== undefined) {
      throw rejected('supply.duplicate_event_id', `event ${e.index}: this eventID was captured before`, {
        eventIndex: e.index,
        eventId: e.eventId.slice(0, 200),
      });
    }
    const applied = applyEventRules(ctx, org, e);
    const seq = nextId(ctx.state, EVENT_COUNT_KEY);
    if (firstSeq < 0) firstSeq = seq;
    const stored: StoredEvent = {
      seq,
      eventId: e.eventId,
      captureId,
      type: e.type,
      action: e.action,
      bizStep: e.bizStep,
      disposition: e.disposition,
      eventTimeMs: e.eventTimeMs,
      readPoint: e.readPoint,
      bizLocation: e.bizLocation,
      epcs: e.epcs,
      parentId: e.parentId,
      inputs: e.inputs,
      outputs: e.outputs,
      errorDeclaration: e.errorDeclaration,
      recordedByOrgId: org.id,
      txHash: ctx.txHash,
      height: ctx.height,
      text: e.text,
    };
    write(ctx.state, eventKey(seq), stored);
    write(ctx.state, idKey, seq);
    const named = [...(e.parentId === null ? [] : [e.parentId]), ...e.epcs, ...e.inputs, ...e.outputs];
    indexUnder(ctx, [...named, ...applied.units], seq, e, applied.changed, org.id);
  }
  const record: Capture = {
    captureId,
    txHash: ctx.txHash,
    height: ctx.height,
    orgId: org.id,
    firstSeq,
    eventCount: events.length,
    context: p.context,
  };
  write(ctx.state, captureKey(captureId), record);
  write(ctx.state, captureTxKey(ctx.txHash), captureId);
}

export const captureHandlers: readonly TxHandler[] = [
  { type: 'supply.capture', fields: ['events'], optionalFields: ['context'], apply: applyCapture },
];
