// NEWS2 escalations at the custodian (issue 18 §4). Staff of the device's organisation send a complete
// vital-signs set for the patient a device is bound to; the node scores it, and at medium or high risk
// opens an escalation on chain (signed with its own key: the organisation acts) and answers once it is
// final. A practitioner acknowledges with their own signed monitoring.ackEscalation (POST /api/v1/txs):
// the chain, not this node, vouches for who responded and when. The vital signs are never stored or
// logged; only the score and band go on chain, as the module's design has it.
//
// Live alerts: after every committed block the escalation txs in it are read back against committed state
// and addressed to the organisation's staff, so the dashboard sees an alert open and close without polling.
import { readDevice, readEscalation, type EscalationRecord } from '../../app/monitoring/keys.ts';
import { news2Score, type News2Result, type News2Vitals } from '../../app/monitoring/news2.ts';
import type { StateReader } from '../../app/state.ts';
import { toHex } from '../../core/bytes.ts';
import type { RandomBytes } from '../../core/env.ts';
import type { SignedTx } from '../../core/tx.ts';
import type { Caller } from '../auth/caller.ts';
import { ServiceError } from '../errors.ts';
import type { Addressed } from '../live/caller-streams.ts';
import type { SupplyService } from '../supply/service.ts';

export interface EscalationView extends EscalationRecord {
  readonly escalationId: string;
}

export interface VitalsAssessed {
  readonly news2: News2Result;
  /** The escalation the set opened (medium or high risk), final on chain; null below medium. */
  readonly escalation: EscalationView | null;
}

/** A live alert: an escalation opened or acknowledged, as committed state has it. */
export interface EscalationEvent {
  readonly kind: 'escalation.opened' | 'escalation.acknowledged';
  readonly height: number;
  readonly escalation: EscalationView;
}

/** Alerts go to the staff of one organisation. */
export interface OrgAudience {
  readonly orgId: string;
}

export class MonitoringEscalations {
  private readonly committer: SupplyService;
  private readonly randomBytes: RandomBytes;

  constructor(committer: SupplyService, randomBytes: RandomBytes) {
    this.committer = committer;
    this.randomBytes = randomBytes;
  }

  /** Scores a vital-signs set for a device's patient; at medium or high risk opens an escalation. */
  async assess(who: Caller, systemId: string, vitals: News2Vitals): Promise<VitalsAssessed> {
    const device = readDevice(this.committer.state, systemId);
    // Staff of this node's organisation, for a device of theirs that a patient wears: decided before
    // the vital signs are even scored.
    if (who.kind !== 'practitioner' || device === undefined || device.orgId !== who.orgId) {
      throw new ServiceError('monitoring.not_staff', 'only staff of the device’s organisation');
    }
    if (who.orgId !== this.committer.orgId) {
      throw new ServiceError('monitoring.not_staff', 'this node acts for its own organisation’s staff only');
    }
    if (device.patient === null)
      throw new ServiceError('monitoring.device_unbound', 'the device is not bound');
    const news2 = news2Score(vitals);
    if (news2.risk !== 'medium' && news2.risk !== 'high') return { news2, escalation: null };
    const escalationId = toHex(this.randomBytes(32));
    await this.committer.commit('monitoring.openEscalation', {
      escalationId,
      systemId,
      score: news2.score,
      risk: news2.risk,
    });
    return { news2, escalation: this.escalation(who, escalationId) };
  }

  /** One escalation, for staff of its organisation (any other caller: the same 'unknown'). */
  escalation(who: Caller, escalationId: string): EscalationView {
    const record = readEscalation(this.committer.state, escalationId);
    if (record === undefined || who.kind !== 'practitioner' || who.orgId !== record.orgId) {
      throw new ServiceError('monitoring.unknown_escalation', 'no escalation with that id for you');
    }
    return { escalationId, ...record };
  }
}

interface CommittedTx {
  readonly hash: string;
  readonly height: number;
  readonly tx: SignedTx;
}

/**
 * The escalation events of one block's txs, as committed state records them: an opening whose record
 * was written at this height, an acknowledgement by this tx's signer. A refused tx yields nothing.
 */
export function escalationEventsOf(
  state: StateReader,
  txs: readonly CommittedTx[],
): Addressed<EscalationEvent, OrgAudience>[] {
  const events: Addressed<EscalationEvent, OrgAudience>[] = [];
  for (const { height, tx } of txs) {
    if (tx.type !== 'monitoring.openEscalation' && tx.type !== 'monitoring.ackEscalation') continue;
    const id = (tx.payload as { escalationId?: unknown } | null)?.escalationId;
    const record = typeof id === 'string' ? readEscalation(state, id) : undefined;
    if (record === undefined || typeof id !== 'string') continue;
    const escalation: EscalationView = { escalationId: id, ...record };
    const to = [{ orgId: record.orgId }];
    if (tx.type === 'monitoring.openEscalation' && record.openedHeight === height) {
      events.push({ to, event: { kind: 'escalation.opened', height, escalation } });
    } else if (tx.type === 'monitoring.ackEscalation' && record.ackedBy === tx.signer) {
      events.push({ to, event: { kind: 'escalation.acknowledged', height, escalation } });
    }
  }
  return events;
}

/** Whether `caller` is staff of the organisation an alert is for. */
export function concernsStaff(audience: OrgAudience, caller: Caller): boolean {
  return caller.kind === 'practitioner' && caller.orgId === audience.orgId;
}
