// Payload parsing for consent txs. Only closed vocabularies and ids reach the chain: FHIR resource type
// names from the R4 list, v3 PurposeOfUse codes, actions, administrative reason codes, keys and hex ids.
import type { CanonicalValue } from '../../core/canonical.ts';
import { PRACTITIONER_ROLES } from '../membership/types.ts';
import {
  compareStrings,
  enumField,
  enumSetField,
  exactObject,
  hexField,
  invalidPayload,
  isPlainObject,
  orgIdField,
  safeIntegerField,
  type PayloadObject,
} from '../payload.ts';
import { FHIR_R4_RESOURCE_TYPES, isFhirResourceType } from './fhir-resource-types.ts';
import {
  ALL_RESOURCE_TYPES,
  CONSENT_ACTIONS,
  PURPOSES_OF_USE,
  type AccessTerms,
  type ConsentAction,
  type ConsentPeriod,
  type Grantee,
  type PurposeOfUse,
} from './types.ts';

/** Client-chosen ids are 32 bytes of hex: unique in practice, and unable to carry a name or a note. */
export function idField(value: CanonicalValue | undefined, field: string): string {
  return hexField(value, field, 32);
}

export function parseGrantee(value: CanonicalValue | undefined): Grantee {
  const kind = isPlainObject(value) ? value.kind : undefined;
  switch (kind) {
    case 'organisation': {
      const g = exactObject(value, 'grantee', ['kind', 'orgId']);
      return { kind, orgId: orgIdField(g.orgId, 'grantee.orgId') };
    }
    case 'practitioner': {
      const g = exactObject(value, 'grantee', ['kind', 'key']);
      return { kind, key: hexField(g.key, 'grantee.key', 32) };
    }
    case 'role': {
      const g = exactObject(value, 'grantee', ['kind', 'orgId', 'role']);
      const role = enumField(g.role, 'grantee.role', PRACTITIONER_ROLES);
      return { kind, orgId: orgIdField(g.orgId, 'grantee.orgId'), role };
    }
    default:
      throw invalidPayload('grantee.kind must be organisation, practitioner or role', { field: 'grantee' });
  }
}

/** FHIR R4 resource type names without repeats, sorted; or ['*'] for all of them. */
export function parseResourceTypes(value: CanonicalValue | undefined): string[] {
  const field = 'resourceTypes';
  if (!Array.isArray(value) || value.length === 0 || value.length > FHIR_R4_RESOURCE_TYPES.length) {
    throw invalidPayload(`${field} must be a non-empty list of FHIR R4 resource types or ['*']`, { field });
  }
  const items = value as CanonicalValue[];
  if (items.length === 1 && items[0] === ALL_RESOURCE_TYPES) return [ALL_RESOURCE_TYPES];
  if (!items.every(isFhirResourceType)) {
    throw invalidPayload(`${field} must name FHIR R4 resource types ('*' only alone)`, { field });
  }
  if (new Set(items).size !== items.length) throw invalidPayload(`${field} has a repeat`, { field });
  return [...items].sort(compareStrings);
}

export function parsePurposes(value: CanonicalValue | undefined): PurposeOfUse[] {
  return enumSetField(value, 'purposes', PURPOSES_OF_USE);
}

export function parseActions(value: CanonicalValue | undefined): ConsentAction[] {
  return enumSetField(value, 'actions', CONSENT_ACTIONS);
}

export function parsePeriod(value: CanonicalValue | undefined): ConsentPeriod {
  const p = exactObject(value, 'period', ['startMs', 'endMs']);
  const startMs = safeIntegerField(p.startMs, 'period.startMs', 0);
  const endMs = p.endMs === null ? null : safeIntegerField(p.endMs, 'period.endMs', startMs);
  return { startMs, endMs };
}

/** The terms a grant and a request both carry, checked in this order: data, purposes, actions, period. */
export function parseAccessTerms(p: PayloadObject): AccessTerms {
  return {
    resourceTypes: parseResourceTypes(p.resourceTypes),
    purposes: parsePurposes(p.purposes),
    actions: parseActions(p.actions),
    period: parsePeriod(p.period),
  };
}
