// One captured EPCIS 2.0 event, from its JSON text to the facts the supply rules need. The API has
// validated the document against the GS1 EPCIS 2.0 JSON Schema already, but a tx can be submitted
// straight to any node, so the module checks for itself every field it relies on (and only those: the
// rest of the event is stored verbatim). Messages name the field, never its value.
import { epcisEventHash } from './event-hash/index.ts';
import { normaliseBizStep, normaliseDisposition, normaliseSourceDestType } from './cbv.ts';
import { canonicalId } from './ids.ts';
import { parseDateTimeMs } from './time.ts';
import { EPCS_PER_EVENT_MAX, type EventFacts } from './types.ts';
import { invalidPayload } from '../payload.ts';

export const EVENT_TYPES = [
  'ObjectEvent',
  'AggregationEvent',
  'TransformationEvent',
  'TransactionEvent',
  'AssociationEvent',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface SourceDest {
  /** CBV short name (owning_party, possessing_party, location) or the type URI as given. */
  readonly type: string;
  readonly id: string;
}

export interface ParsedEvent extends EventFacts {
  readonly index: number;
  /** False when the event had no eventID and was given its EPCIS event hash. */
  readonly eventIdGiven: boolean;
  readonly type: EventType;
  readonly sources: readonly SourceDest[];
  readonly destinations: readonly SourceDest[];
  /** ILMD cbvmda:lotNumber and cbvmda:itemExpirationDate, when given as strings. */
  readonly lot: string | null;
  readonly expiry: string | null;
  /** The errorDeclaration's fields (EPCIS 2.0 §7.4.1.2), null for an ordinary event. */
  readonly declaration: ErrorDeclaration | null;
}

/** What an error declaration says: when, why (CBV error reason or a URI), and which events correct it. */
export interface ErrorDeclaration {
  readonly declarationTime: string;
  readonly reason: string | null;
  readonly correctiveEventIds: readonly string[];
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function bad(index: number, message: string): Error {
  return invalidPayload(`event ${index}: ${message}`, { eventIndex: index });
}

function optionalString(event: Json, field: string, index: number): string | null {
  const value = event[field];
  if (value === undefined) return null;
  if (typeof value !== 'string') throw bad(index, `${field} must be a string`);
  return value;
}

function idList(event: Json, field: string, index: number): string[] {
  const value = event[field];
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw bad(index, `${field} must be a list of identifiers`);
  }
  return (value as string[]).map(canonicalId);
}

function locationId(event: Json, field: string, index: number): string | null {
  const value = event[field];
  if (value === undefined) return null;
  if (!isObject(value) || typeof value.id !== 'string') throw bad(index, `${field} must be { id }`);
  return canonicalId(value.id);
}

function sourceDestList(event: Json, field: string, member: string, index: number): SourceDest[] {
  const value = event[field];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw bad(index, `${field} must be a list`);
  return value.map((item) => {
    if (!isObject(item) || typeof item.type !== 'string' || typeof item[member] !== 'string') {
      throw bad(index, `${field} entries must be { type, ${member} }`);
    }
    return { type: normaliseSourceDestType(item.type), id: item[member] };
  });
}

/** An ILMD field in its JSON-LD compact form (cbvmda:x) or as the full CBV master-data IRI. */
function ilmdString(ilmd: unknown, name: string): string | null {
  if (!isObject(ilmd)) return null;
  for (const key of [`cbvmda:${name}`, `urn:epcglobal:cbv:mda#${name}`, `https://ref.gs1.org/cbv/${name}`]) {
    const value = ilmd[key];
    if (typeof value === 'string') return value;
  }
  return null;
}

/** The errorDeclaration of an event, checked: a declarationTime with offset is required (§7.4.1.2). */
function errorDeclarationOf(event: Json, index: number): ErrorDeclaration | null {
  const value = event.errorDeclaration;
  if (value === undefined) return null;
  if (!isObject(value)) throw bad(index, 'errorDeclaration must be an object');
  const { declarationTime, reason, correctiveEventIDs } = value;
  if (typeof declarationTime !== 'string' || parseDateTimeMs(declarationTime) === undefined) {
    throw bad(index, 'errorDeclaration.declarationTime must be a date-time with offset');
  }
  if (reason !== undefined && (typeof reason !== 'string' || reason === '')) {
    throw bad(index, 'errorDeclaration.reason must be a non-empty string');
  }
  const corrective = correctiveEventIDs ?? [];
  if (!Array.isArray(corrective) || corrective.some((id) => typeof id !== 'string' || id === '')) {
    throw bad(index, 'errorDeclaration.correctiveEventIDs must be a list of eventIDs');
  }
  return {
    declarationTime,
    reason: reason === undefined ? null : reason,
    correctiveEventIds: corrective as string[],
  };
}

/** The eventID of an event: its own, or the CBV 2.0 event hash (ni:///sha-256;…?ver=CBV2.0). */
export function eventIdOf(event: Json, context: unknown): string {
  return typeof event.eventID === 'string' ? event.eventID : epcisEventHash(event, context);
}

/** Parses event `index` of a capture from its JSON text (context: the document's parsed @context). */
export function parseEvent(text: string, index: number, context: unknown): ParsedEvent {
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch {
    throw bad(index, 'is not JSON');
  }
  if (!isObject(event)) throw bad(index, 'must be a JSON object');
  const type = event.type;
  if (typeof type !== 'string' || !(EVENT_TYPES as readonly string[]).includes(type)) {
    throw bad(index, `type must be one of ${EVENT_TYPES.join(', ')}`);
  }
  const eventTime = event.eventTime;
  const eventTimeMs = typeof eventTime === 'string' ? parseDateTimeMs(eventTime) : undefined;
  if (eventTimeMs === undefined) throw bad(index, 'eventTime must be a date-time with offset');
  if (event.eventID !== undefined && (typeof event.eventID !== 'string' || event.eventID === '')) {
    throw bad(index, 'eventID must be a non-empty string');
  }
  const eventIdGiven = typeof event.eventID === 'string';
  const eventId = eventIdOf(event, context);
  const parent = optionalString(event, 'parentID', index);
  const epcs = [...idList(event, 'epcList', index), ...idList(event, 'childEPCs', index)];
  const inputs = idList(event, 'inputEPCList', index);
  const outputs = idList(event, 'outputEPCList', index);
  if (epcs.length + inputs.length + outputs.length + (parent === null ? 0 : 1) > EPCS_PER_EVENT_MAX) {
    throw bad(index, `names more than ${EPCS_PER_EVENT_MAX} identifiers`);
  }
  const bizStep = optionalString(event, 'bizStep', index);
  const disposition = optionalString(event, 'disposition', index);
  const declaration = errorDeclarationOf(event, index);
  return {
    index,
    eventId,
    eventIdGiven,
    type: type as EventType,
    action: optionalString(event, 'action', index),
    bizStep: bizStep === null ? null : normaliseBizStep(bizStep),
    disposition: disposition === null ? null : normaliseDisposition(disposition),
    eventTimeMs,
    readPoint: locationId(event, 'readPoint', index),
    bizLocation: locationId(event, 'bizLocation', index),
    epcs,
    parentId: parent === null ? null : canonicalId(parent),
    inputs,
    outputs,
    sources: sourceDestList(event, 'sourceList', 'source', index),
    destinations: sourceDestList(event, 'destinationList', 'destination', index),
    lot: ilmdString(event.ilmd, 'lotNumber'),
    expiry: ilmdString(event.ilmd, 'itemExpirationDate'),
    errorDeclaration: declaration !== null,
    declaration,
    text: eventIdGiven ? text : JSON.stringify({ ...event, eventID: eventId }),
  };
}
