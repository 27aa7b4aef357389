// NEWS2 escalations (issue 18 §4): the custodian's node opens one when a complete vital-signs set scores
// medium or high risk; a practitioner of the same organisation acknowledges it. Both are final on chain
// with block time, so the response time against the RCP response (Chart 3: emergency for high, urgent for
// medium) is provable, and a late or missing acknowledgement is visible to the organisation.
import { practitioner } from '../membership/queries.ts';
import type { TxContext } from '../module.ts';
import { enumField, hexField, invalidPayload, rejected, safeIntegerField } from '../payload.ts';
import type { PayloadObject } from '../payload.ts';
import { writeStateValue } from '../state.ts';
import { existingDevice, signingOrg, systemIdField } from './devices.ts';
import {
  escalationKey,
  orgEscalationCountKey,
  orgEscalationKey,
  readEscalation,
  type EscalationRecord,
} from './keys.ts';
import type { News2Risk } from './news2.ts';
import { append } from '../records/store.ts';

/** How soon the RCP asks for a response: high risk at once (we allow 30 minutes), medium within an hour. */
export const RESPONSE_DUE_MS: Readonly<Record<'medium' | 'high', number>> = {
  high: 1_800_000,
  medium: 3_600_000,
};
const SCORE_MAX = 20;

const OPEN_ESCALATION_FIELDS = ['escalationId', 'systemId', 'score', 'risk'];
const ACK_ESCALATION_FIELDS = ['escalationId'];

function applyOpen(ctx: TxContext, p: PayloadObject): void {
  const escalationId = hexField(p.escalationId, 'escalationId', 32);
  const systemId = systemIdField(p.systemId);
  const score = safeIntegerField(p.score, 'score', 0);
  const risk = enumField<News2Risk & ('medium' | 'high')>(p.risk, 'risk', ['medium', 'high']);
  // The total alone fixes medium (5–6) and high (≥ 7); a single 3 below 5 is low-medium and not escalated.
  if (score > SCORE_MAX || (risk === 'high') !== score >= 7 || score < 5) {
    throw invalidPayload('score and risk disagree with the NEWS2 bands', { field: 'risk' });
  }
  const orgId = signingOrg(ctx.state, ctx.signer);
  const device = existingDevice(ctx.state, systemId, orgId);
  if (device.patient === null) throw rejected('monitoring.device_unbound', 'the device is not bound');
  if (readEscalation(ctx.state, escalationId) !== undefined) {
    throw rejected('monitoring.escalation_exists', 'an escalation with that id is open already');
  }
  const record: EscalationRecord = {
    orgId,
    patient: device.patient,
    systemId,
    score,
    risk,
    openedAtMs: ctx.timeMs,
    openedHeight: ctx.height,
    dueAtMs: ctx.timeMs + RESPONSE_DUE_MS[risk],
    ackedBy: null,
    ackedAtMs: null,
    responseMs: null,
    late: null,
  };
  writeStateValue(ctx.state, escalationKey(escalationId), record);
  append(ctx.state, orgEscalationCountKey(orgId), (n) => orgEscalationKey(orgId, n), escalationId);
}

function applyAck(ctx: TxContext, p: PayloadObject): void {
  const escalationId = hexField(p.escalationId, 'escalationId', 32);
  const escalation = readEscalation(ctx.state, escalationId);
  if (escalation === undefined) throw rejected('monitoring.unknown_escalation', 'no escalation with that id');
  const staff = practitioner(ctx.state, ctx.signer);
  if (staff === undefined || staff.status !== 'active' || staff.orgId !== escalation.orgId) {
    throw rejected(
      'monitoring.not_care_team',
      'only an active practitioner of the organisation may acknowledge',
    );
  }
  if (escalation.ackedAtMs !== null) throw rejected('monitoring.escalation_acked', 'acknowledged already');
  const acked: EscalationRecord = {
    ...escalation,
    ackedBy: ctx.signer,
    ackedAtMs: ctx.timeMs,
    responseMs: ctx.timeMs - escalation.openedAtMs,
    late: ctx.timeMs > escalation.dueAtMs,
  };
  writeStateValue(ctx.state, escalationKey(escalationId), acked);
}

export const ESCALATION_HANDLERS = [
  { type: 'monitoring.openEscalation', fields: OPEN_ESCALATION_FIELDS, apply: applyOpen },
  { type: 'monitoring.ackEscalation', fields: ACK_ESCALATION_FIELDS, apply: applyAck },
] as const;
