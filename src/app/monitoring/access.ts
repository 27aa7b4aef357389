// Reads of readings leave a record (DESIGN.md principle 3, "No read without a record"): before the
// custodian's node releases a device's readings to a practitioner (an inclusion proof, an Observation
// search), it commits monitoring.logAccess naming who reads, the device, the patient and the first and
// last committed period released. Only then does anything leave the node. The patient lists these events
// (monitoringAccessLog) beside the records module's own access log: who saw their monitoring data.
//
// A range, not a list of periods: one tx of constant size covers any page of readings, and the chain can
// check both ends are batches committed for that patient. A patient reading their own readings needs no
// event, as in the records gateway.
import { actorOf, practitioner } from '../membership/queries.ts';
import type { PractitionerRole } from '../membership/types.ts';
import type { TxContext } from '../module.ts';
import { paged, type Page, type Paged } from '../paging.ts';
import { hexField, rejected, safeIntegerField, usableKeyField, type PayloadObject } from '../payload.ts';
import { readStateCount, readStateValue, writeStateValue, type StateReader } from '../state.ts';
import { existingDevice, systemIdField } from './devices.ts';
import { batchKey, type BatchRecord } from './keys.ts';
import { append } from '../records/store.ts';

/** The most events one page of a patient's monitoring access log lists. */
export const ACCESS_LOG_PAGE_MAX = 100;

/** One committed read of a device's readings by a practitioner. */
export interface MonitoringAccessRecord {
  readonly eventId: string;
  /** The device's organisation, whose node released the readings. */
  readonly orgId: string;
  readonly requester: string;
  readonly requesterRole: PractitionerRole;
  readonly systemId: string;
  readonly patient: string;
  /** The first and last committed period whose readings were released (equal for one batch). */
  readonly firstPeriodStartMs: number;
  readonly lastPeriodStartMs: number;
  readonly height: number;
  readonly timeMs: number;
}

interface AccessRef {
  readonly orgId: string;
  readonly eventId: string;
}

const accessKey = (orgId: string, eventId: string) => `monitoring/access/${orgId}/${eventId}`;
const accessCountKey = (patient: string) => `monitoring/access-count/${patient}`;
const accessIndexKey = (patient: string, n: number) => `monitoring/access-index/${patient}/${n}`;

const LOG_ACCESS_FIELDS = [
  'eventId',
  'requester',
  'systemId',
  'patient',
  'firstPeriodStartMs',
  'lastPeriodStartMs',
];

/** The fields a node sends, before the chain adds who committed it and when. */
export interface LogAccessPayload {
  readonly eventId: string;
  readonly requester: string;
  readonly systemId: string;
  readonly patient: string;
  readonly firstPeriodStartMs: number;
  readonly lastPeriodStartMs: number;
}

function parseLogAccess(p: PayloadObject): LogAccessPayload {
  return {
    eventId: hexField(p.eventId, 'eventId', 32),
    requester: usableKeyField(p.requester, 'requester'),
    systemId: systemIdField(p.systemId),
    patient: hexField(p.patient, 'patient', 32),
    firstPeriodStartMs: safeIntegerField(p.firstPeriodStartMs, 'firstPeriodStartMs', 0),
    lastPeriodStartMs: safeIntegerField(p.lastPeriodStartMs, 'lastPeriodStartMs', 0),
  };
}

/** Both ends of the range must be batches committed for this patient: the event cannot name air. */
function requireBatchOf(state: StateReader, systemId: string, periodStartMs: number, patient: string) {
  const batch = readStateValue<BatchRecord>(state, batchKey(systemId, periodStartMs));
  if (batch === undefined || batch.patient !== patient) {
    throw rejected('monitoring.unknown_batch', 'no batch of this device was committed for the patient then');
  }
}

function applyLogAccess(ctx: TxContext, payload: PayloadObject): void {
  const event = parseLogAccess(payload);
  const signer = actorOf(ctx.state, ctx.signer);
  if (signer.kind !== 'node') {
    throw rejected('monitoring.not_org', 'only the custodian’s node logs a read it releases');
  }
  const device = existingDevice(ctx.state, event.systemId, signer.orgId);
  const staff = practitioner(ctx.state, event.requester);
  if (staff === undefined || staff.status !== 'active' || staff.orgId !== device.orgId) {
    throw rejected('monitoring.not_staff', 'the requester is not active staff of the device’s organisation');
  }
  if (event.firstPeriodStartMs > event.lastPeriodStartMs) {
    throw rejected('monitoring.unknown_batch', 'the first period is after the last');
  }
  requireBatchOf(ctx.state, event.systemId, event.firstPeriodStartMs, event.patient);
  requireBatchOf(ctx.state, event.systemId, event.lastPeriodStartMs, event.patient);
  if (ctx.state.get(accessKey(device.orgId, event.eventId)) !== undefined) {
    throw rejected('monitoring.access_exists', 'the organisation logged an event with this id already');
  }
  const record: MonitoringAccessRecord = {
    ...event,
    orgId: device.orgId,
    requesterRole: staff.role,
    height: ctx.height,
    timeMs: ctx.timeMs,
  };
  writeStateValue(ctx.state, accessKey(device.orgId, event.eventId), record);
  const ref: AccessRef = { orgId: device.orgId, eventId: event.eventId };
  const patient = event.patient;
  append(ctx.state, accessCountKey(patient), (n) => accessIndexKey(patient, n), ref);
}

/** Every read of the patient's monitoring data by staff, newest first. */
export function monitoringAccessLog(
  state: StateReader,
  patient: string,
  page: Page,
): Paged<MonitoringAccessRecord> {
  const total = readStateCount(state, accessCountKey(patient));
  return paged(total, page, ACCESS_LOG_PAGE_MAX, true, (n) => {
    const ref = readStateValue<AccessRef>(state, accessIndexKey(patient, n));
    return ref === undefined
      ? undefined
      : readStateValue<MonitoringAccessRecord>(state, accessKey(ref.orgId, ref.eventId));
  });
}

export const ACCESS_HANDLERS = [
  { type: 'monitoring.logAccess', fields: LOG_ACCESS_FIELDS, apply: applyLogAccess },
] as const;
