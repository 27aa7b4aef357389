// Small pure helpers of the records gateway: the shapes it passes around, and the checks on what a
// client sends (resource type, purpose of use, paging cursor) and on which patient a resource is about.
import type { FhirResource } from '../../contract/fhir.ts';
import type { Caller } from '../auth/caller.ts';
import { FhirError } from '../fhir/operation-outcome.ts';
import { PURPOSES_OF_USE, type PurposeOfUse } from '../../app/consent/types.ts';
import { patientRecord } from '../../app/membership/queries.ts';
import { recordHead, type RecordHead } from '../../app/records/index.ts';
import type { StateReader } from '../../app/state.ts';
import { isHex, toHex, utf8 } from '../../core/bytes.ts';
import { sha256 } from '../../core/crypto/index.ts';
import { patientLinkReferences } from '../fhir/patient-compartment.ts';

/** The identifier system that names the on-chain patient in a Patient resource. */
export const PATIENT_PSEUDONYM_SYSTEM = 'urn:carechain:patient-pseudonym';
export const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** Who asks: an authenticated API caller, or the node itself (imports, demo data). */
export type GatewayCaller = Caller | { readonly kind: 'node' };

/** A FHIR resource as JSON, the shape the API's clients read too (contract/fhir.ts). */
export type Resource = FhirResource;

/**
 * The chain's record id for a client-assigned FHIR id (update-as-create, http.html#upsert): record ids
 * are global on chain while a client's ids are only unique at its own server, so the id is derived from
 * the custodian, the type and the client's id. Server-assigned ids (32 random bytes in hex) are the record
 * id itself.
 */
export function clientAssignedRecordId(custodianOrgId: string, type: string, id: string): string {
  return toHex(sha256(utf8(`carechain/fhir-client-id\n${custodianOrgId}\n${type}\n${id}`)));
}

/** The record `type/id` names at this custodian, by its server-assigned or its client-assigned id. */
export function heldRecordOf(
  state: StateReader,
  custodianOrgId: string,
  type: string,
  id: string,
): RecordHead | undefined {
  if (!FHIR_ID.test(id)) return undefined;
  const held = (head: RecordHead | undefined): RecordHead | undefined =>
    head !== undefined && head.custodianOrgId === custodianOrgId && head.resourceType === type
      ? head
      : undefined;
  return (
    held(isHex(id, 32) ? recordHead(state, id) : undefined) ??
    held(recordHead(state, clientAssignedRecordId(custodianOrgId, type, id)))
  );
}

/**
 * The patient a resource is about: a Patient names its pseudonym in an identifier; anything else
 * refers, by its Patient-compartment link (fhir/patient-compartment.ts), to a Patient held here, whose
 * record head carries the pseudonym. Every Patient the link names must be the same patient.
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
  const { element, references } = patientLinkReferences(resource);
  const pseudonyms = new Set<string>();
  let unresolved = references.length === 0;
  for (const reference of references) {
    const match = /^Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(reference);
    if (match === null) continue;
    const pending = pendingPatients.get(match[1]!);
    const head =
      pending === undefined ? heldRecordOf(state, custodianOrgId, 'Patient', match[1]!) : undefined;
    const pseudonym = pending ?? (head?.erasedAtHeight === null ? head.patientPseudonym : undefined);
    if (pseudonym === undefined) unresolved = true;
    else pseudonyms.add(pseudonym);
  }
  if (unresolved || pseudonyms.size !== 1) {
    throw FhirError.businessRule(
      pseudonyms.size > 1
        ? 'the resource refers to more than one patient'
        : 'the resource must refer to a Patient held here',
      element,
    );
  }
  return [...pseudonyms][0]!;
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
