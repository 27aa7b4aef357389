// The custodian's per-request records gateway (STYLE §4): the one place where a FHIR create or read is
// authorised, sealed into or opened from the vault, and logged on chain. Routes only authenticate and
// translate; every rule of issue 4 "Access" lives here:
//   - only this custodian's practitioners (or the node itself) write, and a write is released to the
//     client only once its records.register tx is committed;
//   - the patient (or their proxy) reads their own records directly, without an access event;
//   - anyone else is decided by the records module's own decideAccess at the latest committed state,
//     and the records.access event (granted or denied) is committed before anything is released.
// Record ids are 32 random bytes in hex, also used as the FHIR id (a valid FHIR id), so the chain's
// record head is the index from `Type/id` to the patient: no second table can drift from the chain.
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import canonicalize from 'canonicalize';
import { authorize, type Caller } from './auth/caller.ts';
import type { RandomBytes } from './auth/tokens.ts';
import { FhirError, issue } from './fhir/operation-outcome.ts';
import { matches, parseSearch, type QueryInput, type SearchQuery } from './fhir/search.ts';
import type { FhirValidator } from './fhir/validate.ts';
import { PURPOSES_OF_USE, type PurposeOfUse } from '../app/consent/types.ts';
import { actorOf, currentPatientKey, patientRecord } from '../app/membership/queries.ts';
import {
  decideAccess,
  RECORDS_PAGE_MAX,
  recordHead,
  recordsOfPatient,
  type RecordHead,
} from '../app/records/index.ts';
import { fromUtf8, isHex, toHex, utf8 } from '../core/bytes.ts';
import type { CanonicalValue } from '../core/canonical.ts';
import { signTx, TxError } from '../core/tx.ts';
import type { Clock } from '../node/clock.ts';
import type { CarechainNode } from '../node/node.ts';
import { Vault } from '../node/vault/vault.ts';
import { VaultStore } from '../node/vault/vault-store.ts';

/** The identifier system that names the on-chain patient in a Patient resource. */
export const PATIENT_PSEUDONYM_SYSTEM = 'urn:carechain:patient-pseudonym';
export const COMMIT_TIMEOUT_MS_DEFAULT = 10_000;
/** A consent can change between our decision and the block; re-deciding a few times settles it. */
const DECIDE_ATTEMPTS_MAX = 3;
const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** Who asks: an authenticated API caller, or the node itself (imports, demo data). */
export type GatewayCaller = Caller | { readonly kind: 'node' };

export interface GatewayOptions {
  readonly dataDir: string;
  readonly commitTimeoutMs?: number;
}

export interface GatewayDependencies {
  readonly node: CarechainNode;
  /** Compiled once per process (compiling the R4 schema takes seconds). */
  readonly validator: FhirValidator;
  readonly clock: Clock;
  readonly randomBytes?: RandomBytes;
}

type Resource = Record<string, unknown> & { resourceType: string };

/** One version a request releases (or asks for). */
interface ReleasedVersion {
  readonly head: RecordHead;
  readonly version: number;
}

/** One page of a search: the resources on it, how many matched in all, and where the next page starts. */
export interface SearchResult {
  readonly total: number;
  readonly resources: Resource[];
  readonly nextCursor?: string;
}

/** Records of one patient a search will decrypt and match (STYLE §5: bound everything). */
const SEARCH_SCAN_MAX = 5_000;
/** Records a denial of an empty search page names: the type's candidates, none of them released. */
const SEARCH_DENIAL_RECORDS_MAX = 100;

export class RecordsGateway {
  private readonly node: CarechainNode;
  private readonly store: VaultStore;
  private readonly vault: Vault;
  private readonly validator: FhirValidator;
  private readonly clock: Clock;
  private readonly randomBytes: RandomBytes;
  private readonly commitTimeoutMs: number;

  constructor(options: GatewayOptions, deps: GatewayDependencies) {
    this.node = deps.node;
    this.validator = deps.validator;
    this.clock = deps.clock;
    this.randomBytes = deps.randomBytes ?? ((n) => new Uint8Array(nodeRandomBytes(n)));
    this.commitTimeoutMs = options.commitTimeoutMs ?? COMMIT_TIMEOUT_MS_DEFAULT;
    this.store = new VaultStore(options.dataDir);
    this.vault = new Vault({}, { store: this.store, clock: deps.clock });
  }

  close(): void {
    this.store.close();
  }

  /** The organisation this node is a node key of: the custodian of everything written here. */
  get custodianOrgId(): string {
    const actor = actorOf(this.node.ledger.store.latestState, this.node.key.publicKey);
    if (actor.kind !== 'node')
      throw new FhirError(500, [issue('exception', 'this node has no organisation')]);
    return actor.orgId;
  }

  /** FHIR create: validate, seal for custodian and patient, commit records.register, return the resource. */
  async create(caller: GatewayCaller, input: unknown): Promise<Resource> {
    const custodianOrgId = this.custodianOrgId;
    const type = resourceTypeOf(input);
    if (caller.kind !== 'node') {
      // Without a resource type there is no scope to check; the validator's 400 says what is wrong.
      if (type !== undefined) authorize(caller, type, 'c');
      if (caller.kind !== 'practitioner' || caller.orgId !== custodianOrgId) {
        throw FhirError.forbidden(`only practitioners of ${custodianOrgId} write records here`);
      }
    }
    const result = this.validator.validateResource(input);
    if (!result.valid) throw FhirError.of(result.issues);
    const resource = input as Resource;
    const state = this.node.ledger.store.latestState;
    const pseudonym = this.patientOf(resource, custodianOrgId);
    const patientKey = currentPatientKey(state, pseudonym);
    if (patientKey === undefined) throw FhirError.businessRule('the patient is not registered on chain');

    // A create ignores any client id (http.html#create): the server names the resource.
    const recordId = toHex(this.randomBytes(32));
    const stored: Resource = {
      ...resource,
      id: recordId,
      meta: { ...asObject(resource.meta), versionId: '1', lastUpdated: isoTime(this.clock.nowMs()) },
    };
    const sealed = this.vault.seal({
      chainId: this.node.ledger.chainId,
      recordId,
      version: 1,
      resourceType: resource.resourceType,
      patientPseudonym: pseudonym,
      resource: utf8(canonicalize(stored) as string),
      recipients: [this.node.key.publicKey, patientKey],
    });
    await this.commit('records.register', {
      recordId,
      version: 1,
      resourceType: resource.resourceType,
      patientPseudonym: pseudonym,
      custodianOrgId,
      commitment: sealed.commitment,
    });
    return stored;
  }

  /** FHIR read of the latest version; non-patients only after their access event is committed. */
  async read(caller: GatewayCaller, type: string, id: string, purpose: string): Promise<Resource> {
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
    const outcome = await this.logAccess(caller, head, purpose);
    if (outcome.outcome === 'denied') {
      if (outcome.reasonCode === 'record.erased') throw FhirError.deleted('this record was erased');
      throw FhirError.forbidden(`access denied (${outcome.reasonCode})`);
    }
    return this.open(head);
  }

  /** FHIR vread: one version of a record, authorised like read (the event names that version). */
  async vread(
    caller: GatewayCaller,
    type: string,
    id: string,
    versionId: string,
    purpose: string,
  ): Promise<Resource> {
    if (caller.kind !== 'node') authorize(caller, type, 'r');
    const checkedPurpose = purposeOf(purpose);
    const head = this.heldRecord(type, id);
    const version = /^[1-9][0-9]{0,5}$/.test(versionId) ? Number(versionId) : 0;
    if (version < 1 || version > head.latestVersion) {
      throw FhirError.notFound(`${type}/${id} has no version ${versionId.slice(0, 16)}`);
    }
    await this.release(caller, head.patientPseudonym, [{ head, version }], checkedPurpose);
    return this.openVersion(head, version);
  }

  /** FHIR instance history: every version, newest first; one access event covers them all. */
  async history(caller: GatewayCaller, type: string, id: string, purpose: string): Promise<Resource[]> {
    if (caller.kind !== 'node') authorize(caller, type, 'r');
    const checkedPurpose = purposeOf(purpose);
    const head = this.heldRecord(type, id);
    const versions: ReleasedVersion[] = [];
    for (let v = head.latestVersion; v >= 1; v--) versions.push({ head, version: v });
    await this.release(caller, head.patientPseudonym, versions, checkedPurpose);
    return versions.map((v) => this.openVersion(head, v.version));
  }

  /**
   * FHIR type search over the records this custodian holds about one patient: the caller's own for a
   * patient or proxy; for a practitioner, the patient that a `patient`/`subject` parameter (or `_id` on
   * Patient) names. Matching decrypts every candidate and runs the toolkit's matcher on it: fine at the
   * scale of one patient's records, but a real (encrypted or in-enclave) search index is future work.
   * A practitioner's page is released only after ONE access event listing every record on it commits.
   */
  async search(
    caller: GatewayCaller,
    type: string,
    input: QueryInput,
    purpose: string,
  ): Promise<SearchResult> {
    if (caller.kind === 'node') throw FhirError.forbidden('the node does not search through the API');
    authorize(caller, type, 's');
    const checkedPurpose = purposeOf(purpose);
    const query = parseSearch(type, input);
    const offset = cursorOffset(query.cursor);
    const named = this.namedPatients(query);
    let pseudonym: string;
    if (caller.kind === 'practitioner') {
      if (named.size !== 1) {
        throw FhirError.invalid(
          type === 'Patient'
            ? 'a practitioner searching Patient must name one Patient held here with _id'
            : 'a practitioner search must name one Patient held here with patient= or subject=',
        );
      }
      pseudonym = [...named][0]!;
    } else {
      // A patient naming someone else's Patient is refused, not answered with an empty page.
      if ([...named].some((p) => p !== caller.pseudonym)) throw FhirError.forbidden();
      pseudonym = caller.pseudonym;
    }

    const candidates = this.candidates(pseudonym, type);
    const nowMs = this.clock.nowMs();
    const opened = new Map<string, Resource>();
    const hits = candidates.filter((head) => {
      const resource = this.open(head);
      const hit = matches(resource, query, { nowMs });
      if (hit) opened.set(head.recordId, resource);
      return hit;
    });
    const resourceOf = (head: RecordHead): Resource => opened.get(head.recordId) ?? this.open(head);
    const page = hits.slice(offset, offset + query.count);
    const next = offset + page.length < hits.length ? String(offset + page.length) : undefined;
    const result = (resources: Resource[]): SearchResult => ({
      total: hits.length,
      resources,
      ...(next === undefined ? {} : { nextCursor: next }),
    });
    if (caller.kind !== 'practitioner') return result(page.map(resourceOf));

    if (page.length > 0) {
      const released = page.map((head) => ({ head, version: head.latestVersion }));
      await this.release(caller, pseudonym, released, checkedPurpose);
      return result(page.map(resourceOf));
    }
    // Nothing to release: an empty page is an answer only if consent would permit the records it
    // could have held. A denial is never an empty 200; it is logged against the records of the type
    // searched (none released) when there are any to name.
    const tip = this.node.ledger.tip();
    const decision = decideAccess(this.node.ledger.store.latestState, {
      event: {
        ...this.accessEvent(caller, pseudonym, [], checkedPurpose),
        outcome: 'denied',
        reasonCode: 'consent.none',
        consentIds: [],
      },
      resourceTypes: [type],
      anyErased: false,
      atHeight: tip.height + 1,
      atMs: tip.timeMs,
    });
    if (decision.outcome === 'granted') return result([]);
    const named_ = candidates.slice(0, SEARCH_DENIAL_RECORDS_MAX);
    if (named_.length > 0) {
      await this.release(
        caller,
        pseudonym,
        named_.map((head) => ({ head, version: head.latestVersion })),
        checkedPurpose,
      );
    }
    throw FhirError.forbidden(`access denied (${decision.reasonCode})`);
  }

  /**
   * Lets the caller have the listed versions, or throws: a patient or proxy their own records directly,
   * a practitioner after a committed records.access event naming every version (granted or denied).
   */
  private async release(
    caller: GatewayCaller,
    pseudonym: string,
    versions: readonly ReleasedVersion[],
    purpose: PurposeOfUse,
  ): Promise<void> {
    if (caller.kind === 'node') return;
    const anyErased = versions.some((v) => v.head.erasedAtHeight !== null);
    if (caller.kind === 'patient' || caller.kind === 'proxy') {
      if (caller.pseudonym !== pseudonym) throw FhirError.forbidden();
      if (anyErased) throw FhirError.deleted('this record was erased');
      return;
    }
    const outcome = await this.logAccessTo(caller, pseudonym, versions, purpose);
    if (outcome.outcome === 'denied') {
      if (outcome.reasonCode === 'record.erased') throw FhirError.deleted('this record was erased');
      throw FhirError.forbidden(`access denied (${outcome.reasonCode})`);
    }
  }

  /** logAccess for any number of record versions of one patient: one event, re-decided on a race. */
  private async logAccessTo(
    caller: Extract<Caller, { kind: 'practitioner' }>,
    pseudonym: string,
    versions: readonly ReleasedVersion[],
    purpose: PurposeOfUse,
  ): Promise<{ outcome: 'granted' | 'denied'; reasonCode: string }> {
    const records = versions.map((v) => ({ recordId: v.head.recordId, version: v.version }));
    const resourceTypes = [...new Set(versions.map((v) => v.head.resourceType))].sort();
    for (let attempt = 1; ; attempt++) {
      const tip = this.node.ledger.tip();
      const event = this.accessEvent(caller, pseudonym, records, purpose);
      const decision = decideAccess(this.node.ledger.store.latestState, {
        event: { ...event, outcome: 'denied', reasonCode: 'consent.none', consentIds: [] },
        resourceTypes,
        anyErased: versions.some((v) => v.head.erasedAtHeight !== null),
        atHeight: tip.height + 1,
        atMs: tip.timeMs,
      });
      try {
        await this.commit('records.access', { ...event, ...decision, consentIds: [...decision.consentIds] });
        return decision;
      } catch (err) {
        const mismatch = err instanceof TxError && err.details.reason === 'records.decision_mismatch';
        if (!mismatch) throw err;
        if (attempt >= DECIDE_ATTEMPTS_MAX) {
          throw new FhirError(503, [issue('transient', 'consent changed while deciding; try again')]);
        }
      }
    }
  }

  private accessEvent(
    caller: Extract<Caller, { kind: 'practitioner' }>,
    pseudonym: string,
    records: ReadonlyArray<{ recordId: string; version: number }>,
    purpose: PurposeOfUse,
  ) {
    return {
      eventId: toHex(this.randomBytes(32)),
      requester: caller.publicKey,
      requesterOrgId: caller.orgId,
      purpose,
      action: 'read' as const,
      records: records.map((r) => ({ recordId: r.recordId, version: r.version })),
      patientPseudonym: pseudonym,
      breakGlass: null,
    };
  }

  /** The pseudonyms of the Patients held here that a search names (`patient`, `subject`, or Patient `_id`). */
  private namedPatients(query: SearchQuery): Set<string> {
    const ids: string[] = [];
    for (const clause of query.clauses) {
      if (
        clause.type === 'reference' &&
        (clause.param.name === 'patient' || clause.param.name === 'subject')
      ) {
        for (const ref of clause.values) {
          if ('url' in ref || (ref.type !== undefined && ref.type !== 'Patient')) {
            throw FhirError.invalid(`${clause.param.name} must name a Patient held here as Patient/id`);
          }
          ids.push(ref.id);
        }
      } else if (clause.type === 'token' && clause.param.name === '_id' && query.resourceType === 'Patient') {
        if (!clause.not) ids.push(...clause.values.flatMap((t) => (t.code === undefined ? [] : [t.code])));
      }
    }
    const pseudonyms = new Set<string>();
    for (const id of ids) {
      const head = FHIR_ID.test(id) ? recordHead(this.node.ledger.store.latestState, id) : undefined;
      if (
        head === undefined ||
        head.resourceType !== 'Patient' ||
        head.custodianOrgId !== this.custodianOrgId
      ) {
        throw FhirError.invalid(`Patient/${id.slice(0, 64)} is not held here`);
      }
      pseudonyms.add(head.patientPseudonym);
    }
    return pseudonyms;
  }

  /** The patient's unerased records of this type held here, in registration order (bounded). */
  private candidates(pseudonym: string, type: string): RecordHead[] {
    const state = this.node.ledger.store.latestState;
    const out: RecordHead[] = [];
    for (let offset = 0; ; offset += RECORDS_PAGE_MAX) {
      const page = recordsOfPatient(state, pseudonym, { offset, limit: RECORDS_PAGE_MAX });
      if (page.total > SEARCH_SCAN_MAX) {
        throw FhirError.of([issue('too-costly', 'this patient has too many records to search here')]);
      }
      for (const head of page.items) {
        const held = head.custodianOrgId === this.custodianOrgId && head.resourceType === type;
        if (held && head.erasedAtHeight === null) out.push(head);
      }
      if (offset + RECORDS_PAGE_MAX >= page.total) return out;
    }
  }

  private openVersion(head: RecordHead, version: number): Resource {
    const bytes = this.vault.open(head.recordId, version, this.node.key);
    return JSON.parse(fromUtf8(bytes)) as Resource;
  }

  /** Decides at the latest committed state and commits the event; re-decides if the chain disagrees. */
  private async logAccess(
    caller: Extract<Caller, { kind: 'practitioner' }>,
    head: RecordHead,
    purpose: PurposeOfUse,
  ): Promise<{ outcome: 'granted' | 'denied'; reasonCode: string }> {
    for (let attempt = 1; ; attempt++) {
      const tip = this.node.ledger.tip();
      const event = {
        eventId: toHex(this.randomBytes(32)),
        requester: caller.publicKey,
        requesterOrgId: caller.orgId,
        purpose,
        action: 'read' as const,
        records: [{ recordId: head.recordId, version: head.latestVersion }],
        patientPseudonym: head.patientPseudonym,
        breakGlass: null,
      };
      // The mempool dry-runs the tx at (tip + 1, tip time): deciding at the same point agrees with it.
      const decision = decideAccess(this.node.ledger.store.latestState, {
        event: { ...event, outcome: 'denied', reasonCode: 'consent.none', consentIds: [] },
        resourceTypes: [head.resourceType],
        anyErased: head.erasedAtHeight !== null,
        atHeight: tip.height + 1,
        atMs: tip.timeMs,
      });
      try {
        await this.commit('records.access', { ...event, ...decision, consentIds: [...decision.consentIds] });
        return decision;
      } catch (err) {
        const mismatch = err instanceof TxError && err.details.reason === 'records.decision_mismatch';
        if (!mismatch) throw err;
        if (attempt >= DECIDE_ATTEMPTS_MAX) {
          throw new FhirError(503, [issue('transient', 'consent changed while deciding; try again')]);
        }
      }
    }
  }

  /** Signs with the node key, submits, and waits for the commit; nothing is released before it. */
  private async commit(type: string, payload: CanonicalValue): Promise<void> {
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
  }

  /** The record if it is of this type and held by this custodian; 404 otherwise (never someone else's). */
  private heldRecord(type: string, id: string): RecordHead {
    const head = FHIR_ID.test(id) ? recordHead(this.node.ledger.store.latestState, id) : undefined;
    if (head === undefined || head.resourceType !== type || head.custodianOrgId !== this.custodianOrgId) {
      throw FhirError.notFound(`${type}/${id} is not held here`);
    }
    return head;
  }

  private open(head: RecordHead): Resource {
    const bytes = this.vault.open(head.recordId, head.latestVersion, this.node.key);
    return JSON.parse(fromUtf8(bytes)) as Resource;
  }

  /**
   * The patient a resource is about: a Patient names its pseudonym in an identifier; anything else
   * refers (subject or patient) to a Patient held here, whose record head carries the pseudonym.
   */
  private patientOf(resource: Resource, custodianOrgId: string): string {
    const state = this.node.ledger.store.latestState;
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
  } {
    return {
      node: this.node,
      vault: this.vault,
      clock: this.clock,
      randomBytes: this.randomBytes,
      commitTimeoutMs: this.commitTimeoutMs,
      heldRecord: (type, id) => this.heldRecord(type, id),
      open: (head) => this.open(head),
    };
  }
}

function resourceTypeOf(input: unknown): string | undefined {
  const type = asObject(input).resourceType;
  return typeof type === 'string' && /^[A-Z][A-Za-z]{1,63}$/.test(type) ? type : undefined;
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function isPurpose(value: string): value is PurposeOfUse {
  return (PURPOSES_OF_USE as readonly string[]).includes(value);
}

function purposeOf(value: string): PurposeOfUse {
  if (!isPurpose(value))
    throw FhirError.invalid(`purpose of use must be one of ${PURPOSES_OF_USE.join(', ')}`);
  return value;
}

/** The search cursor is the offset of the page in the (registration-ordered) hits; opaque to clients. */
function cursorOffset(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  if (!/^[0-9]{1,6}$/.test(cursor)) throw FhirError.invalid('malformed paging cursor', '_cursor');
  return Number(cursor);
}

/** FHIR instant (datatypes.html#instant): an ISO 8601 time with zone. */
function isoTime(ms: number): string {
  // The gateway's clock, injected; the toISOString form is a valid FHIR instant.
  return new Date(ms).toISOString();
}
