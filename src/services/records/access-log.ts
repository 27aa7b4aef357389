// Access events (issue 4 "Access"): a practitioner is released a record only once a records.access
// event naming it, granted or denied by the records module's own decideAccess, is committed.
import type { Caller } from '../auth/caller.ts';
import type { RandomBytes } from '../../core/env.ts';
import { FhirError, issue } from '../fhir/operation-outcome.ts';
import type { GatewayCaller } from './resources.ts';
import type { PurposeOfUse } from '../../app/consent/types.ts';
import { decideAccess, type RecordHead } from '../../app/records/index.ts';
import { toHex } from '../../core/bytes.ts';
import type { CanonicalValue } from '../../core/canonical.ts';
import { TxError } from '../../core/tx.ts';
import type { CarechainNode } from '../../node/node.ts';

/** A consent can change between our decision and the block; re-deciding a few times settles it. */
const DECIDE_ATTEMPTS_MAX = 3;

export type Practitioner = Extract<Caller, { kind: 'practitioner' }>;

/** One version a request releases (or asks for). */
export interface ReleasedVersion {
  readonly head: RecordHead;
  readonly version: number;
}

/** What logging an access needs from the gateway: its node, randomness, and its commit. */
export interface AccessLogPort {
  readonly node: CarechainNode;
  readonly randomBytes: RandomBytes;
  /** Signs with the node key, submits, and waits for the commit; nothing is released before it. */
  readonly commit: (type: string, payload: CanonicalValue) => Promise<unknown>;
  /** The custodian this node belongs to, looked up when first needed (it throws for an org-less node). */
  readonly custodianOrgId: () => string;
}

/**
 * Lets the caller have the listed versions, or throws: a patient or proxy their own records directly,
 * a practitioner after a committed records.access event naming every version (granted or denied).
 */
export async function release(
  port: AccessLogPort,
  caller: GatewayCaller,
  pseudonym: string,
  versions: readonly ReleasedVersion[],
  purpose: PurposeOfUse,
  options: LogOptions = {},
): Promise<void> {
  if (caller.kind === 'node') return;
  const anyErased = versions.some((v) => v.head.erasedAtHeight !== null);
  if (caller.kind === 'patient' || caller.kind === 'proxy') {
    if (caller.pseudonym !== pseudonym) throw FhirError.forbidden();
    if (anyErased) throw FhirError.deleted('this record was erased');
    return;
  }
  const outcome = await logAccess(port, caller, pseudonym, versions, purpose, options);
  if (outcome.outcome === 'denied') {
    if (outcome.reasonCode === 'record.erased') throw FhirError.deleted('this record was erased');
    throw FhirError.forbidden(`access denied (${outcome.reasonCode})`);
  }
}

/** How a logged access treats the records it was asked about when the decision is a denial. */
export interface LogOptions {
  /**
   * The resource types asked for, when they are not just the listed versions' types (a search decided
   * before any record is opened lists no version).
   */
  readonly resourceTypes?: readonly string[];
  /**
   * Decide before you look (issue 10, finding 2): a denial then lists no record, only the patient and
   * the types, so that the committed event cannot depend on what a query would have matched.
   */
  readonly denialNamesTypesOnly?: boolean;
}

/**
 * Decides at the latest committed state and commits ONE event naming every listed version (any number,
 * of one patient); re-decides if the chain disagrees. With no version listed, a grant commits nothing
 * (there is nothing to release yet) and a denial commits an event naming only the types.
 */
export async function logAccess(
  port: AccessLogPort,
  caller: Practitioner,
  pseudonym: string,
  versions: readonly ReleasedVersion[],
  purpose: PurposeOfUse,
  options: LogOptions = {},
): Promise<{ outcome: 'granted' | 'denied'; reasonCode: string }> {
  const records = versions.map((v) => ({ recordId: v.head.recordId, version: v.version }));
  const resourceTypes = [
    ...new Set(options.resourceTypes ?? versions.map((v) => v.head.resourceType)),
  ].sort();
  for (let attempt = 1; ; attempt++) {
    const tip = port.node.ledger.tip();
    const event = accessEvent(port.randomBytes, caller, pseudonym, records, purpose, resourceTypes);
    // The mempool dry-runs the tx at (tip + 1, tip time): deciding at the same point agrees with it.
    const decision = decideAccess(port.node.ledger.state, {
      event: { ...event, outcome: 'denied', reasonCode: 'consent.none', consentIds: [] },
      custodianOrgId: port.custodianOrgId(),
      resourceTypes,
      anyErased: versions.some((v) => v.head.erasedAtHeight !== null),
      atHeight: tip.height + 1,
      atMs: tip.timeMs,
    });
    if (decision.outcome === 'granted' && records.length === 0) return decision;
    const hide = decision.outcome === 'denied' && options.denialNamesTypesOnly === true;
    const logged = hide ? { ...event, records: [] } : event;
    try {
      await port.commit('records.access', { ...logged, ...decision, consentIds: [...decision.consentIds] });
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

/** A records.access read event (before its decision) by this practitioner, under a fresh event id. */
export function accessEvent(
  randomBytes: RandomBytes,
  caller: Practitioner,
  pseudonym: string,
  records: ReadonlyArray<{ recordId: string; version: number }>,
  purpose: PurposeOfUse,
  resourceTypes: readonly string[],
) {
  return {
    eventId: toHex(randomBytes(32)),
    requester: caller.publicKey,
    requesterOrgId: caller.orgId,
    purpose,
    action: 'read' as const,
    resourceTypes: [...resourceTypes],
    records: records.map((r) => ({ recordId: r.recordId, version: r.version })),
    patientPseudonym: pseudonym,
    breakGlass: null,
  };
}
