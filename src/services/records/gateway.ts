// The custodian's per-request records gateway (STYLE §4): the one place where a FHIR create or read is
// authorised, sealed into or opened from the vault, and logged on chain. Routes only authenticate and
// translate; every rule of issue 4 "Access" lives here (with access-log.ts and search.ts beside it):
//   - only this custodian's practitioners (or the node itself) write, and a write is released to the
//     client only once its records.register tx is committed;
//   - the patient (or their proxy) reads their own records directly, without an access event;
//   - anyone else is decided by the records module's own decideAccess at the latest committed state,
//     and the records.access event (granted or denied) is committed before anything is released.
// Record ids are 32 random bytes in hex, also used as the FHIR id (a valid FHIR id), so the chain's
// record head is the index from `Type/id` to the patient: no second table can drift from the chain.
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { authorize, type Caller } from '../auth/caller.ts';
import { FhirError, issue } from '../fhir/operation-outcome.ts';
import type { QueryInput } from '../fhir/search.ts';
import type { FhirValidator } from '../fhir/validate.ts';
import { logAccess, release, type ReleasedVersion } from './access-log.ts';
import {
  asObject,
  FHIR_ID,
  heldRecordOf,
  isPurpose,
  purposeOf,
  resourceTypeOf,
  type GatewayCaller,
  type Resource,
} from './resources.ts';
import { searchRecords } from './search.ts';
import type { SearchPort, SearchResult } from './search-port.ts';
import { PURPOSES_OF_USE } from '../../app/consent/types.ts';
import { actorOf } from '../../app/membership/queries.ts';
import { mergedInto, type RecordHead } from '../../app/records/index.ts';
import { fromUtf8, toHex } from '../../core/bytes.ts';
import type { CanonicalValue } from '../../core/canonical.ts';
import { signTx, TxError } from '../../core/tx.ts';
import type { Clock, RandomBytes } from '../../core/env.ts';
import type { CarechainNode } from '../../node/node.ts';
import { Vault } from '../../node/vault/vault.ts';
import { VaultStore } from '../../node/vault/vault-store.ts';
import { DirectoryStore } from '../../node/directory/directory-store.ts';
import { directoryResources, existingForCreate } from './directory-lookup.ts';
import { processBundle, type ReadEntry } from './bundles.ts';
import { everythingAcross, everythingHeldHere, type EverythingResult } from './everything.ts';
import {
  FORWARDED_READS_METHOD,
  forwardRead,
  forwardSealedRead,
  remoteCustodian,
  remoteCustodianOfSearch,
  serveForwardedReads,
  type ForwardedReadTarget,
} from './forwarding.ts';
import { DIRECTORY_RESOURCE_TYPES, writeResources, type WritePort } from './writes.ts';
import type { Bundle } from 'fhir/r4.js';
import type { SealedAnswer } from '../../contract/sealed.ts';

export { PATIENT_PSEUDONYM_SYSTEM, type GatewayCaller } from './resources.ts';
export type { SearchResult } from './search-port.ts';

export const COMMIT_TIMEOUT_MS_DEFAULT = 10_000;

export interface GatewayOptions {
  readonly commitTimeoutMs?: number;
}

export interface GatewayDependencies {
  readonly node: CarechainNode;
  /** Compiled once per process (compiling the R4 schema takes seconds). */
  readonly validator: FhirValidator;
  readonly clock: Clock;
  readonly randomBytes?: RandomBytes;
}

export class RecordsGateway {
  private readonly node: CarechainNode;
  private readonly store: VaultStore;
  private readonly vault: Vault;
  private readonly directory: DirectoryStore;
  private readonly writePort: WritePort;
  private breakGlassServer: ForwardedReadTarget['breakGlass'];
  readonly validator: FhirValidator;
  private readonly clock: Clock;
  private readonly randomBytes: RandomBytes;
  private readonly commitTimeoutMs: number;
  /** What access-log.ts and search.ts use of this gateway. */
  private readonly port: SearchPort;

  constructor(options: GatewayOptions, deps: GatewayDependencies) {
    this.node = deps.node;
    this.validator = deps.validator;
    this.clock = deps.clock;
    this.randomBytes = deps.randomBytes ?? ((n) => new Uint8Array(nodeRandomBytes(n)));
    this.commitTimeoutMs = options.commitTimeoutMs ?? COMMIT_TIMEOUT_MS_DEFAULT;
    this.store = VaultStore.open(deps.node.storage);
    this.vault = new Vault({}, { store: this.store, clock: deps.clock });
    this.directory = DirectoryStore.open(deps.node.storage);
    this.writePort = {
      node: this.node,
      vault: this.vault,
      directory: this.directory,
      validator: this.validator,
      clock: this.clock,
      custodianOrgId: () => this.custodianOrgId,
      commit: (type, payload) => this.commit(type, payload),
    };
    // Serve reads that practitioners of other organisations ask at their own node (forwarding.ts).
    this.node.network?.handleRequests(FORWARDED_READS_METHOD, (from, params) =>
      serveForwardedReads(this.node, this.forwardTarget(), this.clock, from, params),
    );
    this.port = {
      node: this.node,
      randomBytes: this.randomBytes,
      clock: this.clock,
      commit: (type, payload) => this.commit(type, payload),
      custodianOrgId: () => this.custodianOrgId,
      open: (head) => this.open(head),
      recordIdsOfType: (type, limit) => this.vault.recordIdsOfType(type, limit),
      directoryList: (type) => directoryResources(this.directory, type),
    };
  }

  close(): void {
    this.store.close();
    this.directory.close();
  }

  /** The organisation this node is a node key of: the custodian of everything written here. */
  get custodianOrgId(): string {
    const actor = actorOf(this.node.ledger.state, this.node.key.publicKey);
    if (actor.kind !== 'node')
      throw new FhirError(500, [issue('exception', 'this node has no organisation')]);
    return actor.orgId;
  }

  /** FHIR create: validate, seal for custodian and patient, commit records.register, return the resource. */
  async create(caller: GatewayCaller, input: unknown): Promise<Resource> {
    const type = resourceTypeOf(input);
    // Without a resource type there is no scope to check; the validator's 400 says what is wrong.
    if (type === undefined) {
      const result = this.validator.validateResource(input);
      throw FhirError.of(result.issues);
    }
    // A create ignores any client id (http.html#create): the server names the resource.
    const [written] = await writeResources(this.writePort, caller, [
      { kind: 'create', resourceType: type, id: this.newId(), resource: input as Resource },
    ]);
    return written!.resource;
  }

  /** A create's If-None-Exist header: the directory resource it matches (directory-lookup.ts). */
  existingForCreate(caller: GatewayCaller, type: string, ifNoneExist: string): Resource | undefined {
    return existingForCreate(this.writePort, caller, type, ifNoneExist);
  }

  /**
   * FHIR update (http.html#update): a new version of a record held here, registered on chain; a PUT of
   * an id not held here creates it under that id (update-as-create, http.html#upsert).
   */
  async update(
    caller: GatewayCaller,
    type: string,
    id: string,
    input: unknown,
    ifMatch: string | undefined,
  ): Promise<{ resource: Resource; created: boolean }> {
    const resource = asObject(input);
    if (resource.resourceType !== type) {
      throw FhirError.invalid('resourceType must match the type in the URL', 'resourceType');
    }
    // http.html#update: "the resource SHALL have an id element which has an identical value".
    if (resource.id !== id) throw FhirError.invalid('the resource id must match the id in the URL', 'id');
    const [written] = await writeResources(this.writePort, caller, [
      {
        kind: 'update',
        resourceType: type,
        id,
        resource: resource as Resource,
        ...(ifMatch ? { ifMatch } : {}),
      },
    ]);
    return { resource: written!.resource, created: written!.kind === 'create' };
  }

  /** A transaction or batch Bundle (http.html#transaction): see bundles.ts. */
  bundle(caller: GatewayCaller, input: unknown, readEntry?: ReadEntry): Promise<Bundle> {
    return processBundle(this.writePort, caller, input, () => this.newId(), readEntry);
  }

  /** A directory resource (Organization, Practitioner, …): readable by any caller whose scopes allow it. */
  readDirectory(caller: GatewayCaller, type: string, id: string, version?: string): Resource | undefined {
    if (!DIRECTORY_RESOURCE_TYPES.has(type) || !FHIR_ID.test(id)) return undefined;
    if (caller.kind !== 'node') authorize(caller, type, 'r');
    const v = version === undefined ? undefined : /^[1-9][0-9]{0,5}$/.test(version) ? Number(version) : 0;
    const entry = this.directory.get(type, id, v);
    return entry === undefined ? undefined : (JSON.parse(entry.json) as Resource);
  }

  private newId(): string {
    return toHex(this.randomBytes(32));
  }

  /** FHIR read of the latest version; non-patients only after their access event is committed. */
  async read(caller: GatewayCaller, type: string, id: string, purpose: string): Promise<Resource> {
    const listed = this.readDirectory(caller, type, id);
    if (listed !== undefined) return listed;
    const remote = caller.kind === 'node' ? undefined : this.remoteCustodianOf(id);
    if (remote !== undefined && caller.kind !== 'node') {
      authorize(caller, type, 'r');
      const { resources } = await forwardRead(this.node, remote, caller, purpose, { op: 'read', type, id });
      return resources[0]!;
    }
    if (caller.kind !== 'node') authorize(caller, type, 'r');
    if (!isPurpose(purpose)) {
      throw FhirError.invalid(`purpose of use must be one of ${PURPOSES_OF_USE.join(', ')}`);
    }
    const head = this.heldRecord(type, id);
    if (caller.kind === 'node') return this.open(head);
    if (caller.kind === 'patient' || caller.kind === 'proxy') {
      // A patient has no organisation to log an event under; another patient's record is simply refused.
      if (caller.pseudonym !== head.patientPseudonym) throw FhirError.forbidden();
      if (head.erasedAtHeight !== null) throw FhirError.deleted('this record was erased');
      return this.open(head);
    }
    const latest = [{ head, version: head.latestVersion }];
    const outcome = await logAccess(this.port, caller, head.patientPseudonym, latest, purpose);
    if (outcome.outcome === 'denied') {
      if (outcome.reasonCode === 'record.erased') throw FhirError.deleted('this record was erased');
      throw FhirError.forbidden(`access denied (${outcome.reasonCode})`);
    }
    return this.open(head);
  }

  /**
   * A practitioner's read of a record another organisation holds, sealed end to end to the practitioner's
   * own key (contract/sealed.ts); undefined when the record is held here, where the plain read applies.
   */
  async readSealed(
    caller: GatewayCaller,
    type: string,
    id: string,
    purpose: string,
  ): Promise<SealedAnswer | undefined> {
    if (caller.kind !== 'practitioner') return undefined;
    const remote = this.remoteCustodianOf(id);
    if (remote === undefined) return undefined;
    authorize(caller, type, 'r');
    return forwardSealedRead(this.node, remote, caller, purpose, { op: 'read', type, id });
  }

  /** FHIR vread: one version of a record, authorised like read (the event names that version). */
  async vread(
    caller: GatewayCaller,
    type: string,
    id: string,
    versionId: string,
    purpose: string,
  ): Promise<Resource> {
    const listed = this.readDirectory(caller, type, id, versionId);
    if (listed !== undefined) return listed;
    const remote = caller.kind === 'node' ? undefined : this.remoteCustodianOf(id);
    if (remote !== undefined && caller.kind !== 'node') {
      authorize(caller, type, 'r');
      const operation = { op: 'vread', type, id, versionId } as const;
      return (await forwardRead(this.node, remote, caller, purpose, operation)).resources[0]!;
    }
    if (caller.kind !== 'node') authorize(caller, type, 'r');
    const checkedPurpose = purposeOf(purpose);
    const head = this.heldRecord(type, id);
    const version = /^[1-9][0-9]{0,5}$/.test(versionId) ? Number(versionId) : 0;
    if (version < 1 || version > head.latestVersion) {
      throw FhirError.notFound(`${type}/${id} has no version ${versionId.slice(0, 16)}`);
    }
    await release(this.port, caller, head.patientPseudonym, [{ head, version }], checkedPurpose);
    return this.openVersion(head, version);
  }

  /** FHIR instance history: every version, newest first; one access event covers them all. */
  async history(caller: GatewayCaller, type: string, id: string, purpose: string): Promise<Resource[]> {
    if (caller.kind !== 'node') authorize(caller, type, 'r');
    const remote = caller.kind === 'node' ? undefined : this.remoteCustodianOf(id);
    if (remote !== undefined && caller.kind !== 'node') {
      return (await forwardRead(this.node, remote, caller, purpose, { op: 'history', type, id })).resources;
    }
    const checkedPurpose = purposeOf(purpose);
    const head = this.heldRecord(type, id);
    const versions: ReleasedVersion[] = [];
    for (let v = head.latestVersion; v >= 1; v--) versions.push({ head, version: v });
    await release(this.port, caller, head.patientPseudonym, versions, checkedPurpose);
    return versions.map((v) => this.openVersion(head, v.version));
  }

  /** FHIR type search over one patient's records held here (see search.ts). */
  async search(
    caller: GatewayCaller,
    type: string,
    input: QueryInput,
    purpose: string,
  ): Promise<SearchResult> {
    if (caller.kind !== 'node' && input instanceof URLSearchParams) {
      const state = this.node.ledger.state;
      const remote = remoteCustodianOfSearch(state, type, input, this.custodianOrgId);
      if (remote !== undefined) {
        authorize(caller, type, 's');
        const operation = { op: 'search', type, query: input.toString() } as const;
        const { resources, total, nextCursor } = await forwardRead(
          this.node,
          remote,
          caller,
          purpose,
          operation,
        );
        return {
          resources,
          ...(total === undefined ? {} : { total }),
          ...(nextCursor === undefined ? {} : { nextCursor }),
        };
      }
    }
    return searchRecords(this.port, caller, type, input, purpose);
  }

  /** Patient/$everything: this node's share and every other custodian's (everything.ts). */
  everything(
    caller: GatewayCaller,
    patientId: string | undefined,
    purpose: string,
  ): Promise<EverythingResult> {
    if (caller.kind === 'node') throw FhirError.forbidden('the node does not read through the API');
    return everythingAcross(
      {
        state: this.node.ledger.state,
        here: this.custodianOrgId,
        heldHere: (pseudonym) => everythingHeldHere(this.port, caller, pseudonym, purpose),
        forwarded: async (custodianOrgId, pseudonym) => {
          const operation = { op: 'everything', pseudonym } as const;
          return (await forwardRead(this.node, custodianOrgId, caller, purpose, operation)).resources;
        },
      },
      caller,
      patientId,
    );
  }

  private openVersion(head: RecordHead, version: number): Resource {
    const bytes = this.vault.open(head.recordId, version, this.node.key);
    return JSON.parse(fromUtf8(bytes)) as Resource;
  }

  /** Signs with the node key, submits, and waits for the commit; nothing is released before it. */
  private async commit(type: string, payload: CanonicalValue): Promise<{ hash: string; height: number }> {
    const { node } = this;
    const tx = signTx(node.key.seed, {
      chainId: node.ledger.chainId,
      type,
      payload,
      nonce: node.mempool.nextNonce(node.key.publicKey),
    });
    let hash: string;
    try {
      hash = node.submit(tx);
    } catch (err) {
      if (err instanceof TxError && err.details.reason === 'records.decision_mismatch') throw err;
      // Our own tx was refused: a rule we did not check first (a bug) or a full mempool; no PHI to tell.
      const reason = err instanceof TxError ? String(err.details.reason ?? err.code) : 'unavailable';
      throw new FhirError(503, [issue('transient', `the ledger did not accept the ${type} tx (${reason})`)]);
    }
    const committed = await node.waitForCommit(hash, this.commitTimeoutMs);
    if (committed === undefined) {
      throw new FhirError(503, [issue('timeout', `the ${type} tx was not committed in time`)]);
    }
    // The node may have re-signed it behind a failed tx's nonce gap (finding 9): report what committed.
    return { hash: committed.hash, height: committed.height };
  }

  /** The record if it is of this type and held by this custodian; 404 otherwise (never someone else's). */
  /**
   * HL7 ADT^A40: the prior Patient held here is merged into the surviving one (records.merge, app/records/
   * merge.ts), on the caller's word; the chain checks that they are this custodian's clinical staff.
   */
  async mergePatients(caller: Caller, fromId: string, intoId: string): Promise<void> {
    if (caller.kind !== 'practitioner') throw FhirError.forbidden('only clinical staff merge patients');
    authorize(caller, 'Patient', 'u');
    const from = this.heldRecord('Patient', fromId);
    const into = this.heldRecord('Patient', intoId);
    await this.commit('records.merge', {
      custodianOrgId: this.custodianOrgId,
      practitioner: caller.publicKey,
      fromRecordId: from.recordId,
      intoRecordId: into.recordId,
    });
  }

  /**
   * Where a read of a merged Patient goes: `Patient/<record id>` of the one it was merged into (a record
   * id is a FHIR id this node reads, and the chain names the surviving record by it); undefined when the
   * Patient is not held here or was not merged.
   */
  movedTo(caller: GatewayCaller, type: string, id: string): string | undefined {
    if (type !== 'Patient') return undefined;
    if (caller.kind !== 'node') authorize(caller, type, 'r');
    const head = heldRecordOf(this.node.ledger.state, this.custodianOrgId, type, id);
    const merge = head === undefined ? undefined : mergedInto(this.node.ledger.state, head.recordId);
    return merge === undefined ? undefined : `Patient/${merge.intoRecordId}`;
  }

  private heldRecord(type: string, id: string): RecordHead {
    const head = heldRecordOf(this.node.ledger.state, this.custodianOrgId, type, id);
    if (head === undefined) throw FhirError.notFound(`${type}/${id} is not held here`);
    return head;
  }

  private open(head: RecordHead): Resource {
    const bytes = this.vault.open(head.recordId, head.latestVersion, this.node.key);
    return JSON.parse(fromUtf8(bytes)) as Resource;
  }

  /**
   * The gateway's internals for its extension in records-admin.ts (break-glass and erasure), which
   * keeps those rules in a file of their own while sharing this gateway's vault, node and checks.
   */
  adminPort(): {
    readonly node: CarechainNode;
    readonly vault: Vault;
    readonly clock: Clock;
    readonly randomBytes: RandomBytes;
    readonly commitTimeoutMs: number;
    readonly heldRecord: (type: string, id: string) => RecordHead;
    readonly open: (head: RecordHead) => Resource;
    readonly commit: (type: string, payload: CanonicalValue) => Promise<{ hash: string; height: number }>;
    readonly remoteCustodianOf: (id: string) => string | undefined;
  } {
    return {
      node: this.node,
      vault: this.vault,
      clock: this.clock,
      randomBytes: this.randomBytes,
      commitTimeoutMs: this.commitTimeoutMs,
      heldRecord: (type, id) => this.heldRecord(type, id),
      open: (head) => this.open(head),
      commit: (type, payload) => this.commit(type, payload),
      remoteCustodianOf: (id) => this.remoteCustodianOf(id),
    };
  }

  private forwardTarget(): ForwardedReadTarget {
    return {
      read: (caller, type, id, purpose) => this.read(caller, type, id, purpose),
      vread: (caller, type, id, versionId, purpose) => this.vread(caller, type, id, versionId, purpose),
      history: (caller, type, id, purpose) => this.history(caller, type, id, purpose),
      search: (caller, type, query, purpose) => this.search(caller, type, query, purpose),
      everything: (caller, pseudonym, purpose) => everythingHeldHere(this.port, caller, pseudonym, purpose),
      packageFor: (type, id, version, recipient) => {
        const { recordId } = this.heldRecord(type, id);
        return { recordId, package: this.vault.reencryptFor(recordId, version, this.node.key, recipient) };
      },
      ...(this.breakGlassServer === undefined ? {} : { breakGlass: this.breakGlassServer }),
    };
  }

  /** Lets records-admin.ts serve break-glass reads forwarded from other organisations' nodes. */
  serveBreakGlass(server: NonNullable<ForwardedReadTarget['breakGlass']>): void {
    this.breakGlassServer = server;
  }

  /** The custodian of record `id` when it is another organisation (its reads are forwarded there). */
  private remoteCustodianOf(id: string): string | undefined {
    return FHIR_ID.test(id) ? remoteCustodian(this.node.ledger.state, id, this.custodianOrgId) : undefined;
  }
}
