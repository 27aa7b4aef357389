// Device identity (issue 18 §1): a care organisation registers a device, the patient binds it to
// themselves (the bind is their consent to be monitored by it) and may unbind it, and the organisation
// may revoke it. Readings of an unknown, unbound or revoked device are refused at commitment.
import type { CanonicalValue } from '../../core/canonical.ts';
import { organisationActingAs, patientActingAs } from '../membership/queries.ts';
import type { TxContext } from '../module.ts';
import { invalidPayload, rejected, usableKeyField, type PayloadObject } from '../payload.ts';
import { signingOrganisation } from '../signers.ts';
import type { StateReader } from '../state.ts';
import { writeStateValue } from '../state.ts';
import { deviceKey, orgDeviceCountKey, orgDeviceKey, readDevice, type DeviceRecord } from './keys.ts';
import { append } from '../records/store.ts';

/** EUI-64 as the PHD IG writes the system id, lower-cased here so one device has one key. */
const EUI64 = /^[0-9a-f]{16}$/;
const MDC_CODE = /^[0-9]{1,10}$/;

export function systemIdField(value: CanonicalValue | undefined, field = 'systemId'): string {
  if (typeof value !== 'string' || !EUI64.test(value)) {
    throw invalidPayload(`${field} must be an EUI-64 in 16 lowercase hex digits`, { field });
  }
  return value;
}

/** The organisation whose node or administrator signed, or a refusal. */
export function signingOrg(state: StateReader, signer: string): string {
  return signingOrganisation(state, signer, 'monitoring.not_org');
}

/** The device, which must exist; `orgId` if given must be its registering organisation. */
export function existingDevice(state: StateReader, systemId: string, orgId?: string): DeviceRecord {
  const device = readDevice(state, systemId);
  if (device === undefined) throw rejected('monitoring.unknown_device', 'no device with that system id');
  if (orgId !== undefined && device.orgId !== orgId) {
    throw rejected('monitoring.not_device_org', 'the device belongs to another organisation');
  }
  return device;
}

const REGISTER_DEVICE_FIELDS = ['systemId', 'typeCode', 'gatewayId', 'gatewayKey', 'deviceKey'];

function applyRegister(ctx: TxContext, p: PayloadObject): void {
  const systemId = systemIdField(p.systemId);
  const gatewayId = systemIdField(p.gatewayId, 'gatewayId');
  if (typeof p.typeCode !== 'string' || !MDC_CODE.test(p.typeCode)) {
    throw invalidPayload('typeCode must be an MDC code (digits)', { field: 'typeCode' });
  }
  const gatewayKey = usableKeyField(p.gatewayKey, 'gatewayKey');
  const deviceKeyHex = usableKeyField(p.deviceKey, 'deviceKey');
  const orgId = signingOrg(ctx.state, ctx.signer);
  if (readDevice(ctx.state, systemId) !== undefined) {
    throw rejected('monitoring.device_exists', 'a device with that system id is registered');
  }
  const record: DeviceRecord = {
    systemId,
    orgId,
    typeCode: p.typeCode,
    gatewayId,
    gatewayKey,
    deviceKey: deviceKeyHex,
    status: 'active',
    patient: null,
    boundAtMs: null,
    lastPeriodStartMs: null,
  };
  writeStateValue(ctx.state, deviceKey(systemId), record);
  append(ctx.state, orgDeviceCountKey(orgId), (n) => orgDeviceKey(orgId, n), systemId);
}

/** Signed by the patient (or their proxy): binding is the patient's consent to this device's readings. */
function applyBind(ctx: TxContext, p: PayloadObject): void {
  const systemId = systemIdField(p.systemId);
  const patient = patientActingAs(ctx.state, ctx.signer);
  if (patient === undefined) throw rejected('monitoring.not_patient', 'only the patient may bind a device');
  const device = existingDevice(ctx.state, systemId);
  if (device.status !== 'active') throw rejected('monitoring.device_revoked', 'the device is revoked');
  if (device.patient !== null) throw rejected('monitoring.device_bound', 'the device is bound already');
  writeStateValue(ctx.state, deviceKey(systemId), { ...device, patient, boundAtMs: ctx.timeMs });
}

/** The bound patient (withdrawing consent) or the device's organisation (returning the device). */
function applyUnbind(ctx: TxContext, p: PayloadObject): void {
  const systemId = systemIdField(p.systemId);
  const device = existingDevice(ctx.state, systemId);
  if (device.patient === null) throw rejected('monitoring.device_unbound', 'the device is not bound');
  const byOrg = organisationActingAs(ctx.state, ctx.signer) === device.orgId;
  if (!byOrg && patientActingAs(ctx.state, ctx.signer) !== device.patient) {
    throw rejected('monitoring.not_bound_patient', 'only the bound patient or the device’s organisation');
  }
  writeStateValue(ctx.state, deviceKey(systemId), { ...device, patient: null, boundAtMs: null });
}

function applyRevoke(ctx: TxContext, p: PayloadObject): void {
  const systemId = systemIdField(p.systemId);
  const device = existingDevice(ctx.state, systemId, signingOrg(ctx.state, ctx.signer));
  if (device.status === 'revoked') throw rejected('monitoring.device_revoked', 'the device is revoked');
  const revoked: DeviceRecord = { ...device, status: 'revoked', patient: null, boundAtMs: null };
  writeStateValue(ctx.state, deviceKey(systemId), revoked);
}

export const DEVICE_HANDLERS = [
  { type: 'monitoring.registerDevice', fields: REGISTER_DEVICE_FIELDS, apply: applyRegister },
  { type: 'monitoring.bindDevice', fields: ['systemId'], apply: applyBind },
  { type: 'monitoring.unbindDevice', fields: ['systemId'], apply: applyUnbind },
  { type: 'monitoring.revokeDevice', fields: ['systemId'], apply: applyRevoke },
] as const;
