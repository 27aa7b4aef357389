// Small pure helpers of the records gateway: the shapes it passes around, and the checks on what a
// client sends (resource type, purpose of use, paging cursor) and on which patient a resource is about.
import type { Caller } from '../auth/caller.ts';
import { FhirError } from '../fhir/operation-outcome.ts';
import { PURPOSES_OF_USE, type PurposeOfUse } from '../../app/consent/types.ts';
import { patientRecord } from '../../app/membership/queries.ts';
import { recordHead } from '../../app/records/index.ts';
import type { StateReader } from '../../app/state.ts';
import { isHex } from '../../core/bytes.ts';

/** The identifier system that names the on-chain patient in a Patient resource. */
export const PATIENT_PSEUDONYM_SYSTEM = 'urn:carechain:patient-pseudonym';
export const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** Who asks: an authenticated API caller, or the node itself (imports, demo data). */
export type GatewayCaller = Caller | { readonly kind: 'node' };

export type Resource = Record<string, unknown> & { resourceType: string };

/**
 * The patient a resource is about: a Patient names its pseudonym in an identifier; anything else
 * refers (subject or patient) to a Patient held here, whose record head carries the pseudonym.
 */
export function patientOf(
  state: StateReader,
  resource: Resource,
  custodianOrgId: string,
  /** Patients written earlier in the same request (a transaction Bundle), by id → pseudonym. */
  pendingPatients: ReadonlyMap<string, string> = new Map(),
): string {
  if (resource.resourceType === 'Patient') {
    const identifiers = Array.isArray(resource.identifier) ? (resource.identifier as unknown[]) : [];
    const value = identifiers.map(asObject).find((i) => i.system === PATIENT_PSEUDONYM_SYSTEM)?.value;
    if (!isHex(value, 32) || patientRecord(state, value) === undefined) {
      throw FhirError.businessRule(
        `a Patient needs an identifier with system ${PATIENT_PSEUDONYM_SYSTEM} naming a registered patient`,
        'Patient.identifier',
      );
    }
    return value;
  }
  const field = ['subject', 'patient'].find((f) => resource[f] !== undefined);
  const reference = field === undefined ? undefined : asObject(resource[field]).reference;
  const match = typeof reference === 'string' ? /^Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(reference) : null;
  const pending = match === null ? undefined : pendingPatients.get(match[1]!);
  if (pending !== undefined) return pending;
  const head = match === null ? undefined : recordHead(state, match[1]!);
  if (
    head === undefined ||
    head.resourceType !== 'Patient' ||
    head.custodianOrgId !== custodianOrgId ||
    head.erasedAtHeight !== null
  ) {
    throw FhirError.businessRule(
      'the resource must refer (subject or patient) to a Patient held here',
      `${resource.resourceType}.${field ?? 'subject'}`,
    );
  }
  return head.patientPseudonym;
}

export function resourceTypeOf(input: unknown): string | undefined {
  const type = asObject(input).resourceType;
  return typeof type === 'string' && /^[A-Z][A-Za-z]{1,63}$/.test(type) ? type : undefined;
}

export function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

export function isPurpose(value: string): value is PurposeOfUse {
  return (PURPOSES_OF_USE as readonly string[]).includes(value);
}

export function purposeOf(value: string): PurposeOfUse {
  if (!isPurpose(value))
    throw FhirError.invalid(`purpose of use must be one of ${PURPOSES_OF_USE.join(', ')}`);
  return value;
}

/** The search cursor is the offset of the page in the (registration-ordered) hits; opaque to clients. */
export function cursorOffset(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  if (!/^[0-9]{1,6}$/.test(cursor)) throw FhirError.invalid('malformed paging cursor', '_cursor');
  return Number(cursor);
}

/** FHIR instant (datatypes.html#instant): an ISO 8601 time with zone. */
export function isoTime(ms: number): string {
  // The gateway's clock, injected; the toISOString form is a valid FHIR instant.
  return new Date(ms).toISOString();
}
