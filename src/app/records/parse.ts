// Payload parsing for records txs. Only ids, commitments, keys, counts and codes from closed lists reach
// the chain (DESIGN.md principle 1); any other field is refused by exactObject, so no name, date, code,
// value or note can ride along. Lists of ids are returned sorted, so one set has one stored encoding.
import type { CanonicalValue } from '../../core/canonical.ts';
import { isFhirResourceType } from '../consent/fhir-resource-types.ts';
import { CONSENT_ACTIONS, PURPOSES_OF_USE } from '../consent/types.ts';
import {
  compareStrings,
  enumField,
  exactObject,
  hexField,
  invalidPayload,
  orgIdField,
  safeIntegerField,
  type PayloadObject,
} from '../payload.ts';
import {
  ACCESS_OUTCOMES,
  ACCESS_REASON_CODES,
  BREAK_GLASS_ACTION,
  BREAK_GLASS_PURPOSE,
  CONSENT_IDS_PER_EVENT_MAX,
  RECORDS_PER_ERASURE_MAX,
  RECORDS_PER_ERASURE_REQUEST_MAX,
  RECORDS_PER_EVENT_MAX,
  REGISTRATIONS_PER_BATCH_MAX,
  RESOURCE_TYPES_PER_EVENT_MAX,
  VERSIONS_PER_RECORD_MAX,
  type AccessEventFields,
  type BreakGlass,
} from './types.ts';

/** Record, event and patient ids are 32 bytes of hex: unique in practice, and unable to carry a name. */
export function idField(value: CanonicalValue | undefined, field: string): string {
  return hexField(value, field, 32);
}

/** A list of 1..max distinct 32-byte hex ids (0..max when allowEmpty), sorted. */
export function idListField(
  value: CanonicalValue | undefined,
  field: string,
  max: number,
  allowEmpty = false,
): string[] {
  if (!Array.isArray(value) || value.length > max || (!allowEmpty && value.length === 0)) {
    throw invalidPayload(`${field} must be a list of ${allowEmpty ? 0 : 1} to ${max} ids`, { field });
  }
  const ids = (value as CanonicalValue[]).map((item) => idField(item, field));
  if (new Set(ids).size !== ids.length) throw invalidPayload(`${field} has a repeat`, { field });
  return ids.sort(compareStrings);
}

export interface RegisterPayload {
  /** The custodian's clinical practitioner who wrote this version (the node key may sign for them). */
  readonly practitioner: string;
  readonly recordId: string;
  readonly version: number;
  readonly resourceType: string;
  readonly patientPseudonym: string;
  readonly custodianOrgId: string;
  readonly commitment: string;
}

const REGISTRATION_FIELDS = [
  'recordId',
  'version',
  'resourceType',
  'patientPseudonym',
  'custodianOrgId',
  'commitment',
] as const;

// Each tx's fields, as its handler declares them: the executor checks them before the parser runs.
export const REGISTER_FIELDS = ['practitioner', ...REGISTRATION_FIELDS];
export const REGISTER_BATCH_FIELDS = ['practitioner', 'registrations'];
export const REQUEST_ERASURE_FIELDS = ['patientPseudonym', 'recordIds'];
export const ERASE_FIELDS = ['recordIds', 'receipt', 'patientPseudonym'];

export function parseRegister(p: PayloadObject): RegisterPayload {
  return { practitioner: hexField(p.practitioner, 'practitioner', 32), ...parseRegistration(p) };
}

/** One registration's fields, of an object exactObject has checked. */
function parseRegistration(p: PayloadObject): Omit<RegisterPayload, 'practitioner'> {
  const recordId = idField(p.recordId, 'recordId');
  const version = safeIntegerField(p.version, 'version', 1);
  if (version > VERSIONS_PER_RECORD_MAX) {
    throw invalidPayload(`version must be at most ${VERSIONS_PER_RECORD_MAX}`, { field: 'version' });
  }
  if (!isFhirResourceType(p.resourceType)) {
    throw invalidPayload('resourceType must be a FHIR R4 resource type', { field: 'resourceType' });
  }
  return {
    recordId,
    version,
    resourceType: p.resourceType,
    patientPseudonym: idField(p.patientPseudonym, 'patientPseudonym'),
    custodianOrgId: orgIdField(p.custodianOrgId, 'custodianOrgId'),
    commitment: hexField(p.commitment, 'commitment', 32),
  };
}

/**
 * records.registerBatch: 1..REGISTRATIONS_PER_BATCH_MAX registrations, applied in order, all or none,
 * written by one practitioner (a FHIR transaction is one clinician's request).
 */
export function parseRegisterBatch(p: PayloadObject): RegisterPayload[] {
  const practitioner = hexField(p.practitioner, 'practitioner', 32);
  const list = p.registrations;
  if (!Array.isArray(list) || list.length === 0 || list.length > REGISTRATIONS_PER_BATCH_MAX) {
    throw invalidPayload(`registrations must list 1 to ${REGISTRATIONS_PER_BATCH_MAX} registrations`, {
      field: 'registrations',
    });
  }
  return (list as CanonicalValue[]).map((item) => ({
    practitioner,
    ...parseRegistration(exactObject(item, 'registration', REGISTRATION_FIELDS)),
  }));
}

export interface RecordRefPayload {
  readonly recordId: string;
  readonly version: number;
}

/**
 * 0..RECORDS_PER_EVENT_MAX distinct (recordId, version) pairs, sorted by record then version. None is a
 * denial decided from the patient and the resource types alone (applyAccess refuses an empty grant).
 */
function parseRecordRefs(value: CanonicalValue | undefined): RecordRefPayload[] {
  const field = 'records';
  if (!Array.isArray(value) || value.length > RECORDS_PER_EVENT_MAX) {
    throw invalidPayload(`${field} must list 0 to ${RECORDS_PER_EVENT_MAX} record versions`, { field });
  }
  const refs = (value as CanonicalValue[]).map((item) => {
    const r = exactObject(item, 'records item', ['recordId', 'version']);
    return {
      recordId: idField(r.recordId, 'records.recordId'),
      version: safeIntegerField(r.version, 'records.version', 1),
    };
  });
  refs.sort((a, b) => compareStrings(a.recordId, b.recordId) || a.version - b.version);
  for (let i = 1; i < refs.length; i++) {
    if (refs[i]!.recordId === refs[i - 1]!.recordId && refs[i]!.version === refs[i - 1]!.version) {
      throw invalidPayload(`${field} has a repeat`, { field });
    }
  }
  return refs;
}

/** 1..RESOURCE_TYPES_PER_EVENT_MAX distinct FHIR R4 resource type names, sorted. */
function parseResourceTypes(value: CanonicalValue | undefined): string[] {
  const field = 'resourceTypes';
  if (!Array.isArray(value) || value.length === 0 || value.length > RESOURCE_TYPES_PER_EVENT_MAX) {
    throw invalidPayload(`${field} must list 1 to ${RESOURCE_TYPES_PER_EVENT_MAX} resource types`, { field });
  }
  const types = (value as CanonicalValue[]).map((type) => {
    if (!isFhirResourceType(type))
      throw invalidPayload(`${field} must hold FHIR R4 resource types`, { field });
    return type;
  });
  if (new Set(types).size !== types.length) throw invalidPayload(`${field} has a repeat`, { field });
  return types.sort(compareStrings);
}

function parseBreakGlass(value: CanonicalValue | undefined): BreakGlass | null {
  if (value === null) return null;
  const b = exactObject(value, 'breakGlass', ['reasonCommitment']);
  return { reasonCommitment: hexField(b.reasonCommitment, 'breakGlass.reasonCommitment', 32) };
}

/** A records.access payload: the event as the custodian's node reports it, listing records by version. */
export interface AccessPayload extends AccessEventFields {
  readonly records: readonly RecordRefPayload[];
}

export const ACCESS_FIELDS = [
  'eventId',
  'requester',
  'requesterOrgId',
  'purpose',
  'action',
  'resourceTypes',
  'records',
  'patientPseudonym',
  'outcome',
  'reasonCode',
  'consentIds',
  'breakGlass',
];

export function parseAccess(p: PayloadObject): AccessPayload {
  const parsed: AccessPayload = {
    eventId: idField(p.eventId, 'eventId'),
    // Any 32-byte key: an unknown or retired key asking for data is exactly what a denial must log.
    requester: hexField(p.requester, 'requester', 32),
    requesterOrgId: orgIdField(p.requesterOrgId, 'requesterOrgId'),
    purpose: enumField(p.purpose, 'purpose', PURPOSES_OF_USE),
    action: enumField(p.action, 'action', CONSENT_ACTIONS),
    resourceTypes: parseResourceTypes(p.resourceTypes),
    records: parseRecordRefs(p.records),
    patientPseudonym: idField(p.patientPseudonym, 'patientPseudonym'),
    outcome: enumField(p.outcome, 'outcome', ACCESS_OUTCOMES),
    reasonCode: enumField(p.reasonCode, 'reasonCode', ACCESS_REASON_CODES),
    consentIds: idListField(p.consentIds, 'consentIds', CONSENT_IDS_PER_EVENT_MAX, true),
    breakGlass: parseBreakGlass(p.breakGlass),
  };
  // Break-glass names the record it opens: an emergency read of "some Observation" is not one.
  if (parsed.breakGlass !== null && parsed.records.length === 0) {
    throw invalidPayload('break-glass must name the record it reads', { field: 'records' });
  }
  // Break-glass exists for emergency treatment reads only; anything else is not a break-glass request.
  if (
    parsed.breakGlass !== null &&
    (parsed.purpose !== BREAK_GLASS_PURPOSE || parsed.action !== BREAK_GLASS_ACTION)
  ) {
    throw invalidPayload(
      `break-glass is only for purpose ${BREAK_GLASS_PURPOSE}, action ${BREAK_GLASS_ACTION}`,
      {
        field: 'breakGlass',
      },
    );
  }
  return parsed;
}

export interface RequestErasurePayload {
  readonly patientPseudonym: string;
  readonly recordIds: readonly string[] | 'all';
}

export function parseRequestErasure(p: PayloadObject): RequestErasurePayload {
  return {
    patientPseudonym: idField(p.patientPseudonym, 'patientPseudonym'),
    recordIds:
      p.recordIds === 'all' ? 'all' : idListField(p.recordIds, 'recordIds', RECORDS_PER_ERASURE_REQUEST_MAX),
  };
}

export interface ErasePayload {
  readonly patientPseudonym: string;
  readonly recordIds: readonly string[];
  readonly commitments: readonly string[];
  readonly shreddedAtMs: number;
}

export function parseErase(p: PayloadObject): ErasePayload {
  const receipt = exactObject(p.receipt, 'receipt', ['commitments', 'shreddedAtMs']);
  const max = RECORDS_PER_ERASURE_MAX * VERSIONS_PER_RECORD_MAX;
  if (
    !Array.isArray(receipt.commitments) ||
    receipt.commitments.length === 0 ||
    receipt.commitments.length > max
  ) {
    throw invalidPayload(`receipt.commitments must list 1 to ${max} commitments`, {
      field: 'receipt.commitments',
    });
  }
  return {
    patientPseudonym: idField(p.patientPseudonym, 'patientPseudonym'),
    recordIds: idListField(p.recordIds, 'recordIds', RECORDS_PER_ERASURE_MAX),
    // Order matters here (it pairs with the versions), so the list is kept as sent.
    commitments: (receipt.commitments as CanonicalValue[]).map((c) => hexField(c, 'receipt.commitments', 32)),
    shreddedAtMs: safeIntegerField(receipt.shreddedAtMs, 'receipt.shreddedAtMs', 0),
  };
}
