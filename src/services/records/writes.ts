// FHIR writes at the custodian: create, update (a new on-chain version) and the writes of a transaction
// or batch Bundle, all through one path. Each resource about a patient is sealed into the vault with a
// fresh data key per version, and all the versions one request writes are registered in ONE tx
// (records.register, or records.registerBatch for several), so a transaction Bundle is on chain whole or
// not at all (http.html#transaction). Directory resources (about the institution, not a patient) go to
// the directory store, after the commit, in one database transaction.
import { authorize } from '../auth/caller.ts';
import { FhirError } from '../fhir/operation-outcome.ts';
import type { FhirValidator } from '../fhir/validate.ts';
import {
  asObject,
  clientAssignedRecordId,
  heldRecordOf,
  isoTime,
  patientOf,
  type GatewayCaller,
  type Resource,
} from './resources.ts';
import { hasPatientLink } from '../fhir/patient-compartment.ts';
import { custodialPatient, namesNoPseudonym, withPseudonym } from './custodial.ts';
import { DIRECTORY_RESOURCE_TYPES } from '../fhir/search-params.ts';
import { currentPatientKey, patientRecord } from '../../app/membership/queries.ts';
import { recordHead, refuseWrite } from '../../app/records/index.ts';
import { isHex, utf8 } from '../../core/bytes.ts';
import { canonicalDocumentJson, type CanonicalValue } from '../../core/canonical.ts';
import type { Clock } from '../../node/env.ts';
import type { DirectoryEntry, DirectoryStore } from '../../node/directory/directory-store.ts';
import type { CarechainNode } from '../../node/node.ts';
import type { Vault } from '../../node/vault/vault.ts';

export { DIRECTORY_RESOURCE_TYPES } from '../fhir/search-params.ts';

export interface WriteOperation {
  readonly kind: 'create' | 'update';
  readonly resourceType: string;
  /** The id: new (a create) or the record's (an update). */
  readonly id: string;
  readonly resource: Resource;
  /** An update's If-Match version (http.html#concurrency). */
  readonly ifMatch?: string;
}

export interface WrittenResource {
  readonly kind: 'create' | 'update';
  readonly resource: Resource;
  readonly versionId: string;
  readonly lastUpdated: string;
}

export interface WritePort {
  readonly node: CarechainNode;
  readonly vault: Vault;
  readonly directory: DirectoryStore;
  readonly validator: FhirValidator;
  readonly clock: Clock;
  custodianOrgId(): string;
  commit(type: string, payload: CanonicalValue): Promise<{ hash: string; height: number }>;
}

interface Registration {
  recordId: string;
  version: number;
  resourceType: string;
  patientPseudonym: string;
  custodianOrgId: string;
  commitment: string;
}

/** Who writes at a custodian: its own practitioners (their token's scopes are checked per type). */
export function assertWritesHere(
  caller: GatewayCaller,
  custodianOrgId: string,
): asserts caller is Extract<GatewayCaller, { kind: 'practitioner' }> {
  if (caller.kind !== 'practitioner' || caller.orgId !== custodianOrgId) {
    throw FhirError.forbidden(`only practitioners of ${custodianOrgId} write records here`);
  }
}

/** Writes every operation, or none: nothing is released or stored for good before the one commit. */
export async function writeResources(
  port: WritePort,
  caller: GatewayCaller,
  operations: readonly WriteOperation[],
): Promise<WrittenResource[]> {
  const custodianOrgId = port.custodianOrgId();
  assertWritesHere(caller, custodianOrgId);
  for (const op of operations) authorize(caller, op.resourceType, op.kind === 'create' ? 'c' : 'u');
  for (const op of operations) {
    const result = port.validator.validateResource(op.resource);
    if (!result.valid) throw FhirError.of(result.issues);
  }
  const state = port.node.ledger.state;
  // Read once: the loop below is synchronous, so no block lands while it runs (a Bundle of many entries
  // read the tip from storage once per entry).
  const tip = port.node.ledger.tip();
  const lastUpdated = isoTime(port.clock.nowMs());
  // Patients and versions this request writes, so later operations can refer to and continue them.
  const pendingPatients = new Map<string, string>();
  const pendingVersions = new Map<string, number>();
  const pendingRecords = new Map<string, string>();
  const sealInputs: {
    op: WriteOperation;
    recordId: string;
    stored: Resource;
    version: number;
    pseudonym: string;
  }[] = [];
  const directoryEntries: DirectoryEntry[] = [];
  const written: WrittenResource[] = [];
  /** Custodial identities this request registers, pseudonym → commitment (custodial.ts). */
  const newCustodial = new Map<string, string>();

  for (const op of operations) {
    const key = `${op.resourceType}/${op.id}`;
    const isDirectory = DIRECTORY_RESOURCE_TYPES.has(op.resourceType) && !hasPatientLink(op.resource);
    let version: number;
    let pseudonym = '';
    let recordId = op.id;
    let created: boolean;
    let resource = op.resource;
    if (isDirectory) {
      const latest = pendingVersions.get(key) ?? port.directory.latestVersion(op.resourceType, op.id);
      // Update-as-create (http.html#upsert): a PUT of an id not yet here creates it.
      created = latest === 0;
      checkIfMatch(op, latest);
      version = latest + 1;
    } else {
      const pending = pendingRecords.get(key);
      const head =
        op.kind === 'create' ? undefined : heldRecordOf(state, custodianOrgId, op.resourceType, op.id);
      if (op.kind === 'update' && head === undefined && pending === undefined) {
        // Update-as-create: the client's id is kept, under a record id derived from it (resources.ts).
        const elsewhere = isHex(op.id, 32) ? recordHead(state, op.id) : undefined;
        if (elsewhere !== undefined) throw FhirError.notFound(`${key} is not held here`);
        recordId = clientAssignedRecordId(custodianOrgId, op.resourceType, op.id);
      } else recordId = pending ?? head?.recordId ?? op.id;
      if (op.resourceType === 'Patient' && namesNoPseudonym(op.resource)) {
        // A patient with no key yet (issue 13): filed under a custodial identity this node registers.
        const custodial = custodialPatient(state, port.node.key, custodianOrgId, recordId);
        pseudonym = custodial.pseudonym;
        if (!custodial.registered) newCustodial.set(pseudonym, custodial.commitment);
        resource = withPseudonym(op.resource, pseudonym);
      } else pseudonym = patientOf(state, op.resource, custodianOrgId, pendingPatients);
      if (head !== undefined) {
        if (head.erasedAtHeight !== null) throw FhirError.deleted('this record was erased');
        if (head.patientPseudonym !== pseudonym) {
          throw FhirError.businessRule('an update may not move a record to another patient');
        }
      }
      const latest = pendingVersions.get(key) ?? head?.latestVersion ?? 0;
      created = latest === 0;
      checkIfMatch(op, latest);
      version = latest + 1;
      const registering = newCustodial.has(pseudonym);
      if (patientRecord(state, pseudonym) === undefined && !registering) {
        throw FhirError.businessRule('the patient is not registered on chain');
      }
      // Decided here first with the chain's own rule (register.ts re-checks it at commit, when an
      // identity registered by this request is on chain, in this custodian's care).
      const refusal = registering
        ? undefined
        : refuseWrite(state, {
            practitioner: caller.publicKey,
            custodianOrgId,
            patientPseudonym: pseudonym,
            resourceType: op.resourceType,
            atHeight: tip.height + 1,
            atMs: tip.timeMs,
          });
      if (refusal !== undefined) throw FhirError.forbidden(`${refusal.message} (${refusal.reason})`);
      if (op.resourceType === 'Patient') pendingPatients.set(op.id, pseudonym);
      pendingRecords.set(key, recordId);
    }
    pendingVersions.set(key, version);
    const stored: Resource = {
      ...resource,
      id: op.id,
      meta: { ...asObject(resource.meta), versionId: String(version), lastUpdated },
    };
    if (isDirectory) {
      directoryEntries.push({
        resourceType: op.resourceType,
        id: op.id,
        version,
        json: canonicalDocumentJson(stored),
      });
    } else {
      sealInputs.push({ op, recordId, stored, version, pseudonym });
    }
    written.push({
      kind: created ? 'create' : 'update',
      resource: stored,
      versionId: String(version),
      lastUpdated,
    });
  }

  // All of a request's versions are sealed in one vault transaction: stored together or not at all.
  const sealed = port.vault.sealAll(
    sealInputs.map(({ op, recordId, stored, version, pseudonym }) => ({
      chainId: port.node.ledger.chainId,
      recordId,
      version,
      resourceType: op.resourceType,
      patientPseudonym: pseudonym,
      resource: utf8(canonicalDocumentJson(stored)),
      // A custodial identity not yet claimed has no key: sealed for the custodian alone until then.
      recipients: [port.node.key.publicKey, currentPatientKey(state, pseudonym)].filter(
        (key): key is string => key !== undefined,
      ),
    })),
  );
  const registrations: Registration[] = sealInputs.map(({ op, recordId, version, pseudonym }, i) => ({
    recordId,
    version,
    resourceType: op.resourceType,
    patientPseudonym: pseudonym,
    custodianOrgId,
    commitment: sealed[i]!.commitment,
  }));
  // Keyless patients are on chain first; a records tx that then fails leaves only their identity (no
  // PHI, no records), which a retry of the same Patient finds and reuses.
  await Promise.all(
    [...newCustodial.values()].map((commitment) =>
      port.commit('membership.registerCustodialPatient', { commitment }),
    ),
  );
  // Each registration names the practitioner who wrote it; the node key signs for them.
  const practitioner = caller.publicKey;
  if (registrations.length === 1) {
    const payload = { practitioner, ...registrations[0]! };
    await port.commit('records.register', payload);
  } else if (registrations.length > 1) {
    await port.commit('records.registerBatch', { practitioner, registrations } as unknown as CanonicalValue);
  }
  if (directoryEntries.length > 0) port.directory.putAll(directoryEntries);
  return written;
}

/** If-Match names the version the client last saw; anything else is a lost update (412). */
function checkIfMatch(op: WriteOperation, latest: number): void {
  if (op.ifMatch !== undefined && op.ifMatch !== String(latest)) {
    throw FhirError.versionMismatch(
      `If-Match names version ${op.ifMatch.slice(0, 16)}; the latest is ${latest}`,
    );
  }
}
