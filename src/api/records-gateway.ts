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
import type { FhirValidator } from './fhir/validate.ts';
import { PURPOSES_OF_USE, type PurposeOfUse } from '../app/consent/types.ts';
import { actorOf, currentPatientKey, patientRecord } from '../app/membership/queries.ts';
import { decideAccess, recordHead, type RecordHead } from '../app/records/index.ts';
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

/** FHIR instant (datatypes.html#instant): an ISO 8601 time with zone. */
function isoTime(ms: number): string {
  // The gateway's clock, injected; the toISOString form is a valid FHIR instant.
  return new Date(ms).toISOString();
}
