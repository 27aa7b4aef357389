// The custodian's exceptional paths over the records gateway (issue 4 "Access" break-glass and
// "Erasure"), kept beside the gateway and sharing its vault, node and checks through adminPort():
//   - break-glass: an active practitioner reads without consent for ETREAT with a written reason; the
//     reason stays here (BreakGlassReasonStore) and only its salted commitment enters the records.access
//     event, which is committed (flagged) before the resource is released;
//   - erasure: the patient's own signed records.requestErasure is forwarded and committed; then every
//     custodian's node (this one first, before the answer) crypto-shreds the requested records it holds
//     and commits records.erase with its receipt (signed by its node key), through erasure-jobs.ts. The
//     chain then answers record.erased to every later read (410).
import type { Caller } from '../auth/caller.ts';
import { authorize } from '../auth/caller.ts';
import {
  BREAK_GLASS_REASON_CHARS_MAX,
  BREAK_GLASS_SALT_BYTES,
  breakGlassReasonCommitment,
  type BreakGlassReasonStore,
} from '../../node/storage/break-glass-reasons.ts';
import { FhirError, issue } from '../fhir/operation-outcome.ts';
import type { RecordsGateway } from './gateway.ts';
import { forwardRead } from './forwarding.ts';
import { ErasureJobs, type ErasureJobsOptions } from './erasure-jobs.ts';
import {
  BREAK_GLASS_PURPOSE,
  breakGlassWindowEndMs,
  decideAccess,
  erasures,
  erasureStatus,
  RECORDS_PAGE_MAX,
  type CustodianErasureStatus,
  type RecordHead,
} from '../../app/records/index.ts';
import { actorOf } from '../../app/membership/queries.ts';
import { compareStrings } from '../../app/payload.ts';
import { isHex, toHex } from '../../core/bytes.ts';
import { EMERGENCY_SUMMARY_TYPES, emergencySummaryHeads } from './emergency-summary.ts';
import { TxError } from '../../core/tx.ts';
import { NodeError } from '../../node/errors.ts';
import type { BreakGlassAnswer, EmergencySummaryAnswer } from '../../contract/records.ts';
import type { ErasureResultBody } from '../../contract/erasure.ts';
import type { ReadonlyBody } from '../../contract/readonly.ts';

type Port = ReturnType<RecordsGateway['adminPort']>;
type Practitioner = Extract<Caller, { kind: 'practitioner' }>;

const DECIDE_ATTEMPTS_MAX = 3;
const REQUEST_ERASURE_TX = 'records.requestErasure';

/** The erasure POST's answer (contract/erasure.ts), as this service builds it from committed state. */
export type ErasureResult = ReadonlyBody<ErasureResultBody>;
export type ErasureReceipt = ErasureResult['receipts'][number];

export class RecordsAdmin {
  private readonly port: Port;
  private readonly reasons: BreakGlassReasonStore;

  /** Every custodian's share of every erasure request, resumed from committed state (erasure-jobs.ts). */
  readonly jobs: ErasureJobs;

  constructor(gateway: RecordsGateway, reasons: BreakGlassReasonStore, options: ErasureJobsOptions = {}) {
    this.port = gateway.adminPort();
    this.reasons = reasons;
    this.jobs = new ErasureJobs(this.port, options);
    gateway.serveBreakGlass((caller, type, id, reason) =>
      this.breakGlassRead(caller, { type, id, purpose: BREAK_GLASS_PURPOSE, reason }),
    );
  }

  /** The read without consent: reason stored, flagged event committed, then the resource released. */
  async breakGlassRead(
    caller: Caller,
    input: { type: string; id: string; purpose: unknown; reason: unknown },
  ): Promise<BreakGlassAnswer> {
    if (caller.kind !== 'practitioner') throw FhirError.forbidden('only a practitioner may break the glass');
    authorize(caller, input.type, 'r');
    const reason = breakGlassReason(input.purpose, input.reason);
    const remote = this.port.remoteCustodianOf(input.id);
    if (remote !== undefined) {
      // Held by another organisation: its node keeps the reason and commits the flagged event.
      const operation = { op: 'breakGlass', type: input.type, id: input.id, reason } as const;
      const answer = await forwardRead(this.port.node, remote, caller, BREAK_GLASS_PURPOSE, operation);
      return { eventId: answer.eventId ?? '', txHash: answer.txHash ?? '', resource: answer.resources[0]! };
    }
    const head = this.port.heldRecord(input.type, input.id);
    const { eventId, txHash } = await this.breakGlassOver(caller, [head], reason);
    return { eventId, txHash, resource: this.port.open(head) };
  }

  /**
   * The emergency summary (emergency-summary.ts): the patient's allergies, conditions, medications and
   * latest observations held here, opened under ONE flagged event that lists each of them, so the patient
   * and the privacy officer see exactly what was read and why, and the budget counts one emergency.
   */
  async breakGlassSummary(
    caller: Caller,
    input: { patient: unknown; purpose: unknown; reason: unknown },
  ): Promise<EmergencySummaryAnswer> {
    if (caller.kind !== 'practitioner') throw FhirError.forbidden('only a practitioner may break the glass');
    for (const type of EMERGENCY_SUMMARY_TYPES) authorize(caller, type, 'r');
    const reason = breakGlassReason(input.purpose, input.reason);
    const pseudonym = typeof input.patient === 'string' ? input.patient : '';
    if (!isHex(pseudonym, 32)) throw FhirError.invalid('patient must be a pseudonym (64 hex)', 'patient');
    const state = this.port.node.ledger.state;
    const heads = emergencySummaryHeads(state, this.custodianOrgId(), pseudonym);
    if (heads.length === 0) throw FhirError.notFound('no records of this patient are held here');
    const { eventId, txHash } = await this.breakGlassOver(caller, heads, reason);
    return { eventId, txHash, resources: heads.map((head) => this.port.open(head)) };
  }

  /** Keeps the reason, commits the flagged event over these records, and throws if it was refused. */
  private async breakGlassOver(
    caller: Practitioner,
    heads: readonly RecordHead[],
    reason: string,
  ): Promise<{ eventId: string; txHash: string }> {
    const eventId = toHex(this.port.randomBytes(32));
    const salt = this.port.randomBytes(BREAK_GLASS_SALT_BYTES);
    const reasonCommitment = breakGlassReasonCommitment(salt, reason);
    const custodianOrgId = heads[0]!.custodianOrgId;
    // Kept before the event is submitted, so that a committed event never lacks its reason.
    this.reasons.put({
      eventId,
      custodianOrgId,
      requester: caller.publicKey,
      reason,
      salt: toHex(salt),
      commitment: reasonCommitment,
      createdAtMs: this.port.clock.nowMs(),
    });
    const { decision, txHash } = await this.logBreakGlass(caller, heads, eventId, reasonCommitment);
    if (decision.outcome === 'denied') {
      const nowMs = this.port.clock.nowMs();
      const windowEndMs = breakGlassWindowEndMs(this.port.node.ledger.state, nowMs);
      throw breakGlassRefusal(decision.reasonCode, Math.max(1, Math.ceil((windowEndMs - nowMs) / 1000)));
    }
    return { eventId, txHash };
  }

  private async logBreakGlass(
    caller: Practitioner,
    heads: readonly RecordHead[],
    eventId: string,
    reasonCommitment: string,
  ): Promise<{ decision: ReturnType<typeof decideAccess>; txHash: string }> {
    const { node } = this.port;
    const first = heads[0]!;
    const resourceTypes = [...new Set(heads.map((h) => h.resourceType))].sort(compareStrings);
    const records = heads
      .map((h) => ({ recordId: h.recordId, version: h.latestVersion }))
      .sort((a, b) => compareStrings(a.recordId, b.recordId));
    for (let attempt = 1; ; attempt++) {
      const tip = node.ledger.tip();
      const event = {
        eventId,
        requester: caller.publicKey,
        requesterOrgId: caller.orgId,
        purpose: BREAK_GLASS_PURPOSE,
        action: 'read' as const,
        resourceTypes,
        records,
        patientPseudonym: first.patientPseudonym,
        breakGlass: { reasonCommitment },
      };
      const decision = decideAccess(node.ledger.state, {
        event: { ...event, outcome: 'denied', reasonCode: 'consent.none', consentIds: [] },
        custodianOrgId: first.custodianOrgId,
        resourceTypes,
        anyErased: heads.some((h) => h.erasedAtHeight !== null),
        atHeight: tip.height + 1,
        atMs: tip.timeMs,
      });
      try {
        const committed = await this.port.commit('records.access', {
          ...event,
          resourceTypes: [...resourceTypes],
          records: records.map((r) => ({ ...r })),
          ...decision,
          consentIds: [...decision.consentIds],
        });
        return { decision, txHash: committed.hash };
      } catch (err) {
        const mismatch = err instanceof TxError && err.details.reason === 'records.decision_mismatch';
        if (!mismatch) throw err;
        if (attempt >= DECIDE_ATTEMPTS_MAX) {
          throw new FhirError(503, [issue('transient', 'the record changed while deciding; try again')]);
        }
      }
    }
  }

  /**
   * Forwards the patient's own signed erasure request, then shreds and commits the receipt. The API
   * never signs for the patient: the tx must be signed by the caller's key and name their pseudonym.
   */
  async erase(caller: Caller, signedRequest: unknown): Promise<ErasureResult> {
    // Irreversible, so only the patient's own key: a proxy gets 403 (and the chain refuses its tx too).
    if (caller.kind !== 'patient') throw FhirError.forbidden('only the patient may request erasure');
    const tx = asObject(signedRequest);
    const payload = asObject(tx.payload);
    if (tx.type !== REQUEST_ERASURE_TX) {
      throw FhirError.invalid(`send a signed ${REQUEST_ERASURE_TX} tx in "tx"`, 'tx.type');
    }
    if (tx.signer !== caller.publicKey) {
      throw FhirError.forbidden('the erasure request must be signed by the key of this token');
    }
    if (payload.patientPseudonym !== caller.pseudonym) {
      throw FhirError.forbidden('the erasure request must name the patient of this token');
    }
    const { node } = this.port;
    let requestTxHash: string;
    try {
      requestTxHash = node.submit(signedRequest);
    } catch (err) {
      if (err instanceof TxError) throw txRefused(err);
      if (err instanceof NodeError && err.code === 'mempool.duplicate') {
        throw FhirError.conflict('this erasure request was already sent');
      }
      if (err instanceof NodeError && err.code === 'mempool.full') {
        throw new FhirError(503, [issue('transient', 'the node is busy; retry later')]);
      }
      throw err;
    }
    const requested = await node.waitForCommit(requestTxHash, this.port.commitTimeoutMs);
    if (requested === undefined) {
      throw new FhirError(503, [issue('timeout', 'the erasure request was not committed in time')]);
    }
    // This node's own share now; every other custodian's node picks the request up from the chain.
    await this.jobs.kick();
    return {
      requestTxHash,
      requestHeight: requested.height,
      receipts: this.receiptsSince(caller.pseudonym, requested.height),
      custodians: erasureStatus(node.ledger.state, caller.pseudonym),
    };
  }

  /** The patient's erasure, custodian by custodian (how far each has shredded and receipted). */
  erasureStatus(caller: Caller): { readonly custodians: readonly CustodianErasureStatus[] } {
    if (caller.kind !== 'patient' && caller.kind !== 'proxy') {
      throw FhirError.forbidden('only the patient or their proxy may see the erasure status');
    }
    return { custodians: erasureStatus(this.port.node.ledger.state, caller.pseudonym) };
  }

  /** This custodian's receipts for the patient committed at or after the request. */
  private receiptsSince(pseudonym: string, height: number): ErasureReceipt[] {
    const state = this.port.node.ledger.state;
    const custodianOrgId = this.custodianOrgId();
    const receipts: ErasureReceipt[] = [];
    for (let offset = 0; ; offset += RECORDS_PAGE_MAX) {
      const page = erasures(state, pseudonym, { offset, limit: RECORDS_PAGE_MAX });
      for (const r of page.items) {
        if (r.custodianOrgId !== custodianOrgId || r.height < height) continue;
        const { txHash, recordIds, commitments, shreddedAtMs } = r;
        receipts.push({ txHash, height: r.height, recordIds, commitments, shreddedAtMs });
      }
      if (offset + RECORDS_PAGE_MAX >= page.total) return receipts;
    }
  }

  /** The organisation this node is a node key of (as the gateway's custodianOrgId). */
  private custodianOrgId(): string {
    const { node } = this.port;
    const actor = actorOf(node.ledger.state, node.key.publicKey);
    if (actor.kind !== 'node')
      throw new FhirError(500, [issue('exception', 'this node has no organisation')]);
    return actor.orgId;
  }
}

/**
 * A refused break-glass, its denial already on chain: 429 once a budget is spent, with Retry-After at
 * the window's end that opens it again; 403 for a role or organisation break-glass is not for, 410 for
 * an erased record.
 */
function breakGlassRefusal(reasonCode: string, windowEndsInSeconds: number): FhirError {
  if (reasonCode === 'record.erased') return FhirError.deleted('this record was erased');
  if (reasonCode === 'break-glass.practitioner_budget' || reasonCode === 'break-glass.organisation_budget') {
    const spent = issue('throttled', `the break-glass budget is spent (${reasonCode})`);
    return new FhirError(429, [spent], windowEndsInSeconds);
  }
  return FhirError.forbidden(`access denied (${reasonCode})`);
}

/** The break-glass purpose checked and its written reason trimmed, or a 400 naming the field. */
function breakGlassReason(purpose: unknown, written: unknown): string {
  if (purpose !== BREAK_GLASS_PURPOSE) {
    throw FhirError.invalid(`break-glass is only for purpose of use ${BREAK_GLASS_PURPOSE}`, 'purpose');
  }
  const reason = typeof written === 'string' ? written.trim() : '';
  if (reason === '' || reason.length > BREAK_GLASS_REASON_CHARS_MAX) {
    throw FhirError.invalid(
      `a written reason of 1 to ${BREAK_GLASS_REASON_CHARS_MAX} characters is required`,
      'reason',
    );
  }
  return reason;
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** The patient's tx was refused by the ledger: its code and reason are safe to pass on (no PHI in them). */
function txRefused(err: TxError): FhirError {
  const reason = typeof err.details.reason === 'string' ? `${err.code}: ${err.details.reason}` : err.code;
  const status =
    err.code === 'tx.nonce_replayed' ||
    err.code === 'tx.nonce_gap' ||
    err.details.reason === 'records.erasure_already_requested'
      ? 409
      : err.code === 'tx.rejected' || err.code === 'tx.invalid_payload'
        ? 422
        : 400;
  const code = status === 409 ? 'conflict' : status === 422 ? 'business-rule' : 'invalid';
  return new FhirError(status, [issue(code, `the erasure request was refused (${reason})`)]);
}
