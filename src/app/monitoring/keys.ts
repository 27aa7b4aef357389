// Where the monitoring module keeps its state. Every value is canonical JSON; no reading and no vital
// sign is ever on chain, only devices, bindings, batch roots, day counts, escalation clocks and billing.
//
//   monitoring/device/<systemId>                          → DeviceRecord
//   monitoring/batch/<systemId>/<periodStartMs>           → BatchRecord      one per device and period
//   monitoring/day/<systemId>/<patient>/<utcDay>          → DayRecord        batches that day, roots' digest
//   monitoring/escalation/<escalationId>                  → EscalationRecord
//   monitoring/billing/<systemId>/<periodStartMs>         → BillingRecord
//   monitoring/billed/<patient>                           → BilledEntry[]    recent periods billed for them
//   monitoring/org-device-count/<orgId>, …/org-device/<orgId>/<n>          → systemId   devices it registered
//   monitoring/org-escalation-count/<orgId>, …/org-escalation/<orgId>/<n>  → escalationId  escalations it opened
//   monitoring/access…                                    → access.ts: reads of readings, per patient
//
// System ids are EUI-64 (16 lowercase hex), patients and escalation ids 32-byte hex, so no segment has "/".
import type { StateReader } from '../state.ts';
import { readStateValue } from '../state.ts';
import type { BillingDecision } from './billing.ts';
import type { News2Risk } from './news2.ts';

export type DeviceStatus = 'active' | 'revoked';

/** A Device after the PHD IG: its EUI-64 system id, MDC type, the gateway it uploads through, its keys. */
export interface DeviceRecord {
  readonly systemId: string;
  readonly orgId: string;
  /** IEEE 11073-10101 MDC device-type code, e.g. "528388" (MDC_DEV_SPEC_PROFILE_PULS_OXIM). */
  readonly typeCode: string;
  /** The gateway (PHG) it uploads through: its EUI-64 and its Ed25519 key. */
  readonly gatewayId: string;
  readonly gatewayKey: string;
  readonly deviceKey: string;
  readonly status: DeviceStatus;
  /** The patient it is bound to now, by their consent, and since when; null when unbound. */
  readonly patient: string | null;
  readonly boundAtMs: number | null;
  /** The last committed period's start: batches must move forward, so a replay is refused. */
  readonly lastPeriodStartMs: number | null;
}

export interface BatchRecord {
  readonly patient: string;
  readonly periodMs: number;
  readonly root: string;
  readonly count: number;
  readonly signedBy: 'device' | 'gateway';
  readonly height: number;
  readonly timeMs: number;
}

export interface DayRecord {
  readonly batches: number;
  readonly batchRootsDigest: string;
}

export interface EscalationRecord {
  readonly orgId: string;
  readonly patient: string;
  readonly systemId: string;
  readonly score: number;
  readonly risk: News2Risk;
  readonly openedAtMs: number;
  readonly openedHeight: number;
  /** RCP Chart 3: high risk needs an emergency response, medium an urgent one; ack after this is late. */
  readonly dueAtMs: number;
  readonly ackedBy: string | null;
  readonly ackedAtMs: number | null;
  readonly responseMs: number | null;
  readonly late: boolean | null;
}

export type BillingFlag = 'another-organisation' | 'second-device';

export interface BillingRecord {
  readonly orgId: string;
  readonly patient: string;
  readonly daysRoot: string;
  readonly daysWithTransmission: number;
  readonly decision: BillingDecision;
  readonly flags: readonly BillingFlag[];
  readonly height: number;
}

export interface BilledEntry {
  readonly orgId: string;
  readonly systemId: string;
  readonly periodStartMs: number;
}

export const deviceKey = (systemId: string): string => `monitoring/device/${systemId}`;
export const batchKey = (systemId: string, periodStartMs: number): string =>
  `monitoring/batch/${systemId}/${periodStartMs}`;
export const dayKey = (systemId: string, patient: string, utcDay: number): string =>
  `monitoring/day/${systemId}/${patient}/${utcDay}`;
export const escalationKey = (id: string): string => `monitoring/escalation/${id}`;
export const billingKey = (systemId: string, periodStartMs: number): string =>
  `monitoring/billing/${systemId}/${periodStartMs}`;
export const billedKey = (patient: string): string => `monitoring/billed/${patient}`;

export const readDevice = (state: StateReader, systemId: string): DeviceRecord | undefined =>
  readStateValue<DeviceRecord>(state, deviceKey(systemId));
export const readEscalation = (state: StateReader, id: string): EscalationRecord | undefined =>
  readStateValue<EscalationRecord>(state, escalationKey(id));

/** The organisation's lists, for its staff's dashboard: the state has point reads only. */
export const orgDeviceCountKey = (orgId: string): string => `monitoring/org-device-count/${orgId}`;
export const orgDeviceKey = (orgId: string, n: number): string => `monitoring/org-device/${orgId}/${n}`;
export const orgEscalationCountKey = (orgId: string): string => `monitoring/org-escalation-count/${orgId}`;
export const orgEscalationKey = (orgId: string, n: number): string =>
  `monitoring/org-escalation/${orgId}/${n}`;
