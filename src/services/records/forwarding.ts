// Reads of records held by another organisation (DESIGN.md "Off-chain vault and access"): a practitioner
// asks their own organisation's node, which forwards the request over the node-to-node channel (mutual
// TLS, keys pinned to genesis) to the custodian's node. The custodian decides, commits the access event
// and answers with the released versions re-encrypted to the REQUESTING NODE's key (vault record
// packages: the stored ciphertext plus a data key wrapped for that node). The requesting node opens
// each package and checks it against the commitment on its own copy of the chain before passing it on,
// so a custodian cannot answer with anything but what it registered.
//
// Trust (issue 10, finding 8): the custodian does not take the requesting node's word about who asked.
// Each forwarded read carries the practitioner's own signed delegation (contract/delegation.ts, kept in
// their token since sign-in), and the custodian checks it before anything else: signed by the named
// practitioner's key on this chain, naming the node that forwarded it (its mTLS-pinned key), an active
// practitioner of that node's organisation on chain, within its lifetime by the custodian's clock, and
// delegating at least the scopes the request claims. A token a node issued on its admin's say carries no
// delegation: it works at its own node, but not across nodes. Patients read at their custodian directly,
// except for Patient/$everything (issue 13, everything.ts), which a patient's node fans out to their other
// custodians with the patient's own signed delegation, checked the same way (checkPatientDelegation).
import { formatScopes, scopesOf } from '../auth/scopes.ts';
import { AuthError } from '../auth/errors.ts';
import type { Caller } from '../auth/caller.ts';
import { checkDelegation, checkPatientDelegation } from '../auth/delegation.ts';
import type { SignedDelegation } from '../../contract/delegation.ts';
import type { Clock } from '../../core/env.ts';
import { FhirError, issue, type Issue } from '../fhir/operation-outcome.ts';
import type { Resource } from './resources.ts';
import type { SearchResult } from './search-port.ts';
import { actorOf, organisation } from '../../app/membership/queries.ts';
import { askOrganisation } from '../ask-organisation.ts';
import { record } from '../../app/records/queries.ts';
import { recordHead } from '../../app/records/index.ts';
import type { StateReader } from '../../app/state.ts';
import { fromUtf8 } from '../../core/bytes.ts';
import { checkRecordPackage, openRecordPackage, type RecordPackage } from '../../core/crypto/envelope.ts';
import type { SealedAnswer } from '../../contract/sealed.ts';
import type { CarechainNode } from '../../node/node.ts';
import { batcherFor, FORWARD_BATCH_MAX } from './forward-batcher.ts';
import { untilHeight } from '../chain-wait.ts';

/** The node-to-node request: a batch of forwarded reads (forward-batcher.ts), answered in order. */
export const FORWARDED_READS_METHOD = 'records.reads';
/** The longest Retry-After a custodian's refusal may pass on: a break-glass budget window is a day. */
const RETRY_AFTER_SECONDS_MAX = 7 * 24 * 3600;

export type ForwardedOperation =
  | { readonly op: 'read'; readonly type: string; readonly id: string }
  | { readonly op: 'vread'; readonly type: string; readonly id: string; readonly versionId: string }
  | { readonly op: 'history'; readonly type: string; readonly id: string }
  | { readonly op: 'search'; readonly type: string; readonly query: string }
  | { readonly op: 'breakGlass'; readonly type: string; readonly id: string; readonly reason: string }
  | { readonly op: 'everything'; readonly pseudonym: string };

export interface ForwardedRequest {
  readonly caller: {
    /** Absent for a practitioner (the first kind forwarded); a patient or proxy asks $everything only. */
    readonly kind?: 'patient' | 'proxy';
    readonly publicKey: string;
    /** The requesting node's organisation: the practitioner's own, or where the patient signed in. */
    readonly orgId: string;
    readonly scopes: string;
    /** The practitioner's signed delegation to the requesting node; without one the custodian refuses. */
    readonly delegation?: SignedDelegation;
  };
  readonly purpose: string;
  readonly operation: ForwardedOperation;
  /**
   * End to end (issue 13): the data keys are wrapped for the practitioner's own key, not the requesting
   * node's, which then relays ciphertext it cannot open (contract/sealed.ts).
   */
  readonly sealTo?: 'practitioner';
}

interface PackagedVersion {
  readonly recordId: string;
  readonly version: number;
  readonly package: RecordPackage;
}

export type ForwardedAnswer =
  | {
      readonly height: number;
      readonly versions: PackagedVersion[];
      readonly total?: number;
      readonly nextCursor?: string;
      /** A break-glass read's flagged access event. */
      readonly eventId?: string;
      readonly txHash?: string;
    }
  | {
      readonly refused: {
        readonly status: number;
        readonly issues: readonly Issue[];
        /** A budget refusal's Retry-After, passed on to the practitioner. */
        readonly retryAfterSeconds?: number;
      };
    };

/** What the custodian side needs of the gateway: its ordinary, logged interactions. */
export interface ForwardedReadTarget {
  read(caller: Caller, type: string, id: string, purpose: string): Promise<Resource>;
  vread(caller: Caller, type: string, id: string, versionId: string, purpose: string): Promise<Resource>;
  history(caller: Caller, type: string, id: string, purpose: string): Promise<Resource[]>;
  search(caller: Caller, type: string, query: URLSearchParams, purpose: string): Promise<SearchResult>;
  /** A version of the record `type/id` names here (its record id may be derived from a client id), packaged. */
  packageFor(
    type: string,
    id: string,
    version: number,
    recipientNodeKey: string,
  ): { recordId: string; package: RecordPackage };
  /** Patient/$everything's share held here (everything.ts). */
  everything(caller: Caller, pseudonym: string, purpose: string): Promise<Resource[]>;
  /** Break-glass (records-admin.ts), when this node serves it. */
  breakGlass?(
    caller: Caller,
    type: string,
    id: string,
    reason: string,
  ): Promise<{ eventId: string; txHash: string; resource: Resource }>;
}

/** The organisation holding the record a read names, if it is not this node's. */
export function remoteCustodian(state: StateReader, id: string, localOrgId: string): string | undefined {
  const head = recordHead(state, id);
  return head !== undefined && head.custodianOrgId !== localOrgId ? head.custodianOrgId : undefined;
}

/** The Patient a search names (patient=, subject= or Patient?_id=), when another organisation holds it. */
export function remoteCustodianOfSearch(
  state: StateReader,
  type: string,
  query: URLSearchParams,
  localOrgId: string,
): string | undefined {
  const names = [...query.getAll('patient'), ...query.getAll('subject')];
  if (type === 'Patient') names.push(...query.getAll('_id'));
  for (const name of names) {
    const id = name.replace(/^Patient\//, '');
    const custodian = remoteCustodian(state, id, localOrgId);
    if (custodian !== undefined) return custodian;
  }
  return undefined;
}

/** Requesting side: forwards a practitioner's read to a node of the custodian and opens the answer. */
export async function forwardRead(
  node: CarechainNode,
  custodianOrgId: string,
  caller: Caller,
  purpose: string,
  operation: ForwardedOperation,
): Promise<{
  resources: Resource[];
  total?: number;
  nextCursor?: string;
  eventId?: string;
  txHash?: string;
}> {
  const { answer, checked } = await forwardPackages(node, custodianOrgId, caller, purpose, operation, false);
  const resources = checked.map(({ version, commitment }) => {
    try {
      const bytes = openRecordPackage(version.package, node.key.seed, commitment);
      return JSON.parse(fromUtf8(bytes)) as Resource;
    } catch {
      throw new FhirError(502, [issue('exception', 'the custodian’s answer does not match the chain')]);
    }
  });
  return {
    resources,
    ...(answer.total === undefined ? {} : { total: answer.total }),
    ...(answer.nextCursor === undefined ? {} : { nextCursor: answer.nextCursor }),
    ...(answer.eventId === undefined ? {} : { eventId: answer.eventId }),
    ...(answer.txHash === undefined ? {} : { txHash: answer.txHash }),
  };
}

/**
 * Requesting side, end to end: forwards a practitioner's read asking the custodian to seal the answer to
 * the practitioner's own key, checks each ciphertext against the commitment on this node's chain (which
 * needs no key), and relays the packages. This node never holds a key that opens them.
 */
export async function forwardSealedRead(
  node: CarechainNode,
  custodianOrgId: string,
  caller: Caller,
  purpose: string,
  operation: ForwardedOperation,
): Promise<SealedAnswer> {
  if (caller.kind !== 'practitioner') throw FhirError.forbidden('answers are sealed for practitioners only');
  const { answer, checked } = await forwardPackages(node, custodianOrgId, caller, purpose, operation, true);
  for (const { version, commitment } of checked) {
    try {
      checkRecordPackage(version.package, commitment);
    } catch {
      throw new FhirError(502, [issue('exception', 'the custodian’s answer does not match the chain')]);
    }
  }
  return {
    sealedFor: caller.publicKey,
    custodianOrgId,
    height: answer.height,
    versions: checked.map(({ version }) => version),
  };
}

/** Forwards one read and checks the answer's shape and that each version is on this node's chain. */
async function forwardPackages(
  node: CarechainNode,
  custodianOrgId: string,
  caller: Caller,
  purpose: string,
  operation: ForwardedOperation,
  sealed: boolean,
): Promise<{
  answer: Exclude<ForwardedAnswer, { refused: unknown }>;
  checked: { version: PackagedVersion; commitment: string }[];
}> {
  if (caller.kind !== 'practitioner' && operation.op !== 'everything') {
    throw FhirError.notFound('this record is held by another organisation: read it at its custodian');
  }
  const network = node.network;
  const state = node.ledger.state;
  const custodian = organisation(state, custodianOrgId);
  const self = actorOf(state, node.key.publicKey);
  if (network === undefined || custodian === undefined || self.kind !== 'node') {
    throw new FhirError(503, [issue('transient', `the custodian ${custodianOrgId} cannot be reached`)]);
  }
  const request: ForwardedRequest = {
    caller: {
      ...(caller.kind === 'practitioner' ? {} : { kind: caller.kind }),
      publicKey: caller.publicKey,
      orgId: caller.kind === 'practitioner' ? caller.orgId : self.orgId,
      scopes: formatScopes(caller.scopes),
      ...(caller.delegation === undefined ? {} : { delegation: caller.delegation }),
    },
    purpose,
    operation,
    ...(sealed ? { sealTo: 'practitioner' as const } : {}),
  };
  const batcher = batcherFor<ForwardedRequest, ForwardedAnswer>(node, (orgId, requests) =>
    sendBatch(node, orgId, requests),
  );
  const answer = await batcher.forward(custodianOrgId, request);
  // The custodian is another institution: its answer is checked like any peer input.
  const malformed = () =>
    new FhirError(502, [issue('exception', 'the custodian answered with something malformed')]);
  if (typeof answer !== 'object' || answer === null) throw malformed();
  if ('refused' in answer) {
    const { status, issues, retryAfterSeconds: later } = answer.refused ?? {};
    if (!Number.isInteger(status) || status < 400 || status > 599 || !Array.isArray(issues))
      throw malformed();
    // A Retry-After is passed on only if it is a plausible wait (whole seconds, at most a week).
    const plausible = Number.isSafeInteger(later) && later! > 0 && later! <= RETRY_AFTER_SECONDS_MAX;
    throw new FhirError(status, issues, plausible ? later : undefined);
  }
  if (!Number.isSafeInteger(answer.height) || !Array.isArray(answer.versions)) throw malformed();
  await caughtUpTo(node, answer.height);
  const checked = answer.versions.map((v) => {
    let registered: { commitment: string } | undefined;
    try {
      registered = record(state, String(v.recordId))?.history.find((h) => h.version === v.version);
    } catch {
      throw malformed();
    }
    if (registered === undefined) {
      throw new FhirError(502, [issue('exception', 'the custodian answered with a version not on chain')]);
    }
    return { version: v, commitment: registered.commitment };
  });
  return { answer, checked };
}

/** Sends one batch to the first node of the custodian that answers. */
async function sendBatch(
  node: CarechainNode,
  custodianOrgId: string,
  requests: readonly ForwardedRequest[],
): Promise<ForwardedAnswer[]> {
  const answers = await askOrganisation(
    node,
    custodianOrgId,
    FORWARDED_READS_METHOD,
    { requests },
    (answer) => {
      const { answers } = (answer ?? {}) as { answers?: unknown };
      return Array.isArray(answers) && answers.length === requests.length
        ? (answers as ForwardedAnswer[])
        : undefined;
    },
  );
  if (answers === undefined) {
    throw new FhirError(503, [issue('transient', `the custodian ${custodianOrgId} did not answer`)]);
  }
  return answers;
}

async function caughtUpTo(node: CarechainNode, height: number): Promise<void> {
  if (!(await untilHeight(node, height))) {
    throw new FhirError(503, [issue('transient', 'this node has not yet reached the custodian’s height')]);
  }
}

/** Custodian side: serves a batch of forwarded reads from a peer node, each on its own, in order. */
export async function serveForwardedReads(
  node: CarechainNode,
  target: ForwardedReadTarget,
  clock: Clock,
  fromNodeKey: string,
  params: unknown,
): Promise<{ answers: ForwardedAnswer[] }> {
  const requests = (params as { requests?: unknown } | null)?.requests;
  if (!Array.isArray(requests) || requests.length === 0 || requests.length > FORWARD_BATCH_MAX) {
    throw new Error(`a batch holds 1 to ${FORWARD_BATCH_MAX} forwarded reads`);
  }
  const answers = await Promise.all(
    requests.map((request) => serveForwardedRead(node, target, clock, fromNodeKey, request)),
  );
  return { answers };
}

/** Custodian side: serves a forwarded read from a peer node, as that node's practitioner. */
export async function serveForwardedRead(
  node: CarechainNode,
  target: ForwardedReadTarget,
  clock: Clock,
  fromNodeKey: string,
  params: unknown,
): Promise<ForwardedAnswer> {
  try {
    const request = params as ForwardedRequest;
    const state = node.ledger.state;
    const peer = actorOf(state, fromNodeKey);
    const claimed = request?.caller;
    if (peer.kind !== 'node' || typeof claimed?.orgId !== 'string' || claimed.orgId !== peer.orgId) {
      throw FhirError.forbidden('a node forwards reads for its own organisation’s practitioners only');
    }
    const caller = forwardedCaller(state, claimed, {
      chainId: node.ledger.chainId,
      nodeKey: fromNodeKey,
      nowMs: clock.nowMs(),
    });
    const purpose = String(request.purpose);
    const op = request.operation;
    if (caller.kind !== 'practitioner' && op?.op !== 'everything') {
      throw FhirError.forbidden('a patient’s node forwards Patient/$everything only');
    }
    let resources: Resource[];
    let extra: { total?: number; nextCursor?: string; eventId?: string; txHash?: string } = {};
    switch (op?.op) {
      case 'read':
        resources = [await target.read(caller, String(op.type), String(op.id), purpose)];
        break;
      case 'vread':
        resources = [
          await target.vread(caller, String(op.type), String(op.id), String(op.versionId), purpose),
        ];
        break;
      case 'history':
        resources = await target.history(caller, String(op.type), String(op.id), purpose);
        break;
      case 'search': {
        const result = await target.search(
          caller,
          String(op.type),
          new URLSearchParams(String(op.query)),
          purpose,
        );
        resources = result.resources;
        extra = {
          total: result.total,
          ...(result.nextCursor === undefined ? {} : { nextCursor: result.nextCursor }),
        };
        break;
      }
      case 'everything':
        resources = await target.everything(caller, String(op.pseudonym), purpose);
        break;
      case 'breakGlass': {
        if (target.breakGlass === undefined) throw FhirError.forbidden('break-glass is not served here');
        const result = await target.breakGlass(caller, String(op.type), String(op.id), String(op.reason));
        resources = [result.resource];
        extra = { eventId: result.eventId, txHash: result.txHash };
        break;
      }
      default:
        throw FhirError.invalid('unknown forwarded operation');
    }
    // End to end: the practitioner's key was checked above (an active practitioner of the forwarding
    // node's organisation, by their own signed delegation), so the answer is sealed to it on request.
    const recipient =
      request.sealTo === 'practitioner' && claimed.kind === undefined
        ? String(claimed.publicKey)
        : fromNodeKey;
    const versions = resources.map((resource) => {
      const version = Number((resource.meta as { versionId?: string } | undefined)?.versionId);
      const packaged = target.packageFor(resource.resourceType, String(resource.id), version, recipient);
      return { recordId: packaged.recordId, version, package: packaged.package };
    });
    return { height: node.ledger.tip().height, versions, ...extra };
  } catch (err) {
    if (err instanceof FhirError) {
      const later = err.retryAfterSeconds;
      return {
        refused: {
          status: err.statusCode,
          issues: err.issues,
          ...(later === undefined ? {} : { retryAfterSeconds: later }),
        },
      };
    }
    if (err instanceof AuthError && err.code === 'auth.delegation_invalid') {
      return { refused: { status: err.statusCode, issues: [issue('forbidden', err.message)] } };
    }
    if (err instanceof AuthError) {
      return {
        refused: { status: 403, issues: [issue('forbidden', 'the requester’s scopes do not allow this')] },
      };
    }
    throw err;
  }
}

/**
 * Who asked, as the custodian believes it: the key's role on chain now, and before anything is looked up
 * for the read, that key's own signed delegation to the forwarding node (the practitioner's, finding 8;
 * the patient's or proxy's, issue 13), never the node's word.
 */
function forwardedCaller(
  state: StateReader,
  claimed: ForwardedRequest['caller'],
  peer: { readonly chainId: string; readonly nodeKey: string; readonly nowMs: number },
): Caller {
  const publicKey = String(claimed.publicKey);
  const scopes = scopesOf(String(claimed.scopes));
  const actor = actorOf(state, publicKey);
  const expect = { ...peer, practitionerKey: publicKey, scopes };
  if (claimed.kind === 'patient' || claimed.kind === 'proxy') {
    if (actor.kind !== claimed.kind) throw FhirError.forbidden('not the patient’s current key nor a proxy’s');
    const delegation = checkPatientDelegation(state, claimed.delegation, {
      ...expect,
      pseudonym: actor.pseudonym,
    });
    const base = { publicKey, pseudonym: actor.pseudonym, scopes, context: 'patient', delegation } as const;
    return actor.kind === 'proxy'
      ? { kind: 'proxy', ...base, relationship: actor.relationship }
      : { kind: 'patient', ...base };
  }
  if (actor.kind !== 'practitioner' || actor.orgId !== claimed.orgId || actor.status !== 'active') {
    throw FhirError.forbidden('not an active practitioner of the requesting organisation');
  }
  const delegation = checkDelegation(state, claimed.delegation, expect);
  return {
    kind: 'practitioner',
    publicKey,
    orgId: actor.orgId,
    role: actor.role,
    scopes,
    context: 'user',
    delegation,
  };
}
