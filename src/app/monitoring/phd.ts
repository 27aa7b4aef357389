// Readings out of what a gateway (PHG) sends after the HL7 Personal Health Device IG (issue 18 §2): a FHIR
// transaction Bundle of PhdDevice, coincident-timestamp, numeric, compound (blood pressure) and device-alert
// Observations, each with IEEE 11073-10101 MDC codes. Pure: it reads the resources and answers the readings
// to store and anchor, with what it set aside and why; it stores, signs and decides nothing.
//
// Time: the IG has the PHG put each measurement on its own (NTP-synchronised) timeline, so an
// Observation's effective time is already corrected; the coincident-timestamp Observation it references
// records PHG time (effectiveDateTime) against PHD time (valueDateTime) at one instant. Each reading keeps
// that skew so the PHD's own time stamp can be recovered, and is flagged `clockFault` when the PHD had no
// usable clock or its clock was off by more than CLOCK_SKEW_FAULT_MS (docs/ARCHITECTURE.md).
import { toHex } from '../../core/bytes.ts';
import { canonicalBytes } from '../../core/canonical.ts';
import { CoreError } from '../../core/errors.ts';
import { domainHash } from '../../core/hash.ts';
import { parseDateTimeMs } from '../supply/time.ts';
import type { Reading } from './batch.ts';

export const MDC_SYSTEM = 'urn:iso:std:iso:11073:10101';
/** The IEEE 11073 system id in a Device's identifiers (ContinuaDeviceIdentifiers SYSID). */
const SYSID_TYPE = 'SYSID';
const MDC_ATTR_TIME_ABS = '67975';
const GATEWAY_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/observation-gatewayDevice';
const COINCIDENT_EXTENSION = 'http://hl7.org/fhir/uv/phd/StructureDefinition/CoincidentTimeStampReference';
/** A PHD clock further than this from the PHG's at the coincident time stamp is a clock fault. */
export const CLOCK_SKEW_FAULT_MS = 60_000;
const ID_MAX = 128;

type Json = Record<string, unknown>;

export type PhdReadingKind = 'numeric' | 'compound' | 'device-alert';

/** One reading to keep in the vault and fold into its period's batch, with where it came from. */
export interface PhdReading extends Reading {
  readonly kind: PhdReadingKind;
  /** The device's EUI-64 in 16 lowercase hex digits (the chain's systemId). */
  readonly systemId: string;
  /** PHG time minus PHD time at the referenced coincident time stamp; null when none is referenced. */
  readonly clockSkewMs: number | null;
  readonly clockFault: boolean;
}

/** An entry that was accepted as FHIR but carries no reading to anchor, and why. */
export interface PhdSetAside {
  readonly entry: number;
  readonly reason:
    | 'patient'
    | 'gateway-device'
    | 'device'
    | 'coincident-timestamp'
    | 'no-numeric-value'
    | 'unknown-device'
    | 'no-effective-time'
    | 'not-phd';
}

export interface PhdDevice {
  readonly systemId: string;
  /** The PHD's specialization (e.g. 528388 MDC_DEV_SPEC_PROFILE_PULS_OXIM), or its type code. */
  readonly typeCode: string | undefined;
  /** 'gateway' for a PhgDevice (MDC_MOC_VMS_MDS_AHD). */
  readonly role: 'device' | 'gateway';
}

export interface PhdParse {
  readonly devices: readonly PhdDevice[];
  readonly readings: readonly PhdReading[];
  readonly setAside: readonly PhdSetAside[];
}

/**
 * Resources already at the server that the Bundle's references may name as `Type/id` (Devices sent
 * earlier, coincident time stamps): the IG lets a PHG send a Device once and reference it afterwards.
 */
export type PhdContext = readonly unknown[];

/** Not a PHD upload at all (FHIR errors leave as an OperationOutcome 400). */
function notPhd(message: string, entry?: number): CoreError {
  return new CoreError('monitoring.invalid_upload', message, entry === undefined ? {} : { entry });
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function codings(concept: unknown): Json[] {
  return isObject(concept) ? list(concept.coding).filter(isObject) : [];
}

/** The MDC code of a CodeableConcept (the first coding in the 11073-10101 system). */
export function mdcCode(concept: unknown): string | undefined {
  const c = codings(concept).find((x) => x.system === MDC_SYSTEM && typeof x.code === 'string');
  return c?.code as string | undefined;
}

/** "74-E8-FF-FE-FF-05-1C-00" (the IG's SYSID spelling) as the chain's 16 lowercase hex digits. */
export function eui64(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const hex = value.replace(/[-:]/g, '').toLowerCase();
  return /^[0-9a-f]{16}$/.test(hex) ? hex : undefined;
}

function deviceOf(resource: Json): PhdDevice | undefined {
  const sysid = list(resource.identifier)
    .filter(isObject)
    .find((id) => codings(id.type).some((c) => c.code === SYSID_TYPE));
  const systemId = eui64(sysid?.value);
  if (systemId === undefined) return undefined;
  const typeCode = mdcCode(resource.type);
  const role = typeCode === '531981' ? 'gateway' : 'device';
  const specialization = list(resource.specialization).filter(isObject)[0];
  if (role === 'gateway') return { systemId, role, typeCode };
  return { systemId, role, typeCode: mdcCode(specialization?.systemType) ?? typeCode };
}

/** JSON numbers as the decimal text a reading carries; undefined for anything a batch would refuse. */
function decimalText(value: unknown): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  const text = String(value);
  return /^-?\d{1,12}(\.\d{1,9})?$/.test(text) ? text : undefined;
}

function extensionRef(resource: Json, url: string): string | undefined {
  const ext = list(resource.extension)
    .filter(isObject)
    .find((e) => e.url === url);
  const ref = isObject(ext?.valueReference) ? ext.valueReference.reference : undefined;
  return typeof ref === 'string' ? ref : undefined;
}

function referenceOf(value: unknown): string | undefined {
  return isObject(value) && typeof value.reference === 'string' ? value.reference : undefined;
}

/** The resources a reference can name: bundle entries by fullUrl, context and entries by Type/id. */
function indexResources(entries: readonly Json[], context: PhdContext): Map<string, Json> {
  const byRef = new Map<string, Json>();
  const add = (resource: unknown, fullUrl?: unknown) => {
    if (!isObject(resource)) return;
    if (typeof fullUrl === 'string') byRef.set(fullUrl, resource);
    if (typeof resource.resourceType === 'string' && typeof resource.id === 'string') {
      byRef.set(`${resource.resourceType}/${resource.id}`, resource);
    }
  };
  for (const resource of context) add(resource);
  for (const entry of entries) add(entry.resource, entry.fullUrl);
  return byRef;
}

interface Clock {
  readonly skewMs: number | null;
  readonly fault: boolean;
}

const CTS_PROFILE = 'http://hl7.org/fhir/uv/phd/StructureDefinition/PhdCoincidentTimeStampObservation';

function isCoincidentTimeStamp(resource: Json): boolean {
  const profiles = isObject(resource.meta) ? list(resource.meta.profile) : [];
  return (
    profiles.includes(CTS_PROFILE) ||
    resource.valueDateTime !== undefined ||
    mdcCode(resource.code) === MDC_ATTR_TIME_ABS
  );
}

/** The coincident time stamp's verdict on the PHD's clock. */
export function coincidentClock(cts: Json | undefined): Clock {
  if (cts === undefined) return { skewMs: null, fault: false };
  const phg = typeof cts.effectiveDateTime === 'string' ? parseDateTimeMs(cts.effectiveDateTime) : undefined;
  const phd = typeof cts.valueDateTime === 'string' ? parseDateTimeMs(cts.valueDateTime) : undefined;
  // A tick counter (valueQuantity) is a PHD without a time-of-day clock: the PHG placed the readings by
  // ticks, no fault. No PHD time at all (a data-absent reason) or an unreadable one is a clock fault.
  if (isObject(cts.valueQuantity) && phg !== undefined) return { skewMs: null, fault: false };
  if (phg === undefined || phd === undefined) return { skewMs: null, fault: true };
  const skewMs = phg - phd;
  return { skewMs, fault: Math.abs(skewMs) > CLOCK_SKEW_FAULT_MS };
}

/** The PHD observation identifier: the one sent (conditional create key), or the IG's construction. */
function observationId(entry: Json, resource: Json, derived: Record<string, string | number>): string {
  const request = isObject(entry.request) ? entry.request : {};
  const ifNoneExist = typeof request.ifNoneExist === 'string' ? request.ifNoneExist : '';
  const fromRequest = /^identifier=(.+)$/.exec(ifNoneExist)?.[1];
  const sent = list(resource.identifier).filter(isObject)[0]?.value;
  const id = fromRequest ?? (typeof sent === 'string' ? sent : undefined);
  if (id !== undefined && id.length > 0 && id.length <= ID_MAX - 16) return id;
  // The IG builds the identifier from device, patient, code, time and value; a hash keeps it bounded.
  return `phd-${toHex(domainHash('monitoring-phd-id', canonicalBytes(derived))).slice(0, 40)}`;
}

interface ObservationFacts {
  readonly systemId: string;
  readonly timeMs: number;
  readonly clock: Clock;
  readonly patient: string;
}

function readingsOf(
  entry: Json,
  resource: Json,
  facts: ObservationFacts,
): PhdReading[] | PhdSetAside['reason'] {
  const code = mdcCode(resource.code);
  if (code === undefined) return 'not-phd';
  const base = { systemId: facts.systemId, timeMs: facts.timeMs, clockSkewMs: facts.clock.skewMs };
  const idOf = (componentCode: string, value: string) =>
    observationId(entry, resource, {
      systemId: facts.systemId,
      patient: facts.patient,
      code,
      timeMs: facts.timeMs,
      component: componentCode,
      value,
    });
  const quantity = isObject(resource.valueQuantity) ? resource.valueQuantity : undefined;
  const value = decimalText(quantity?.value);
  if (value !== undefined) {
    const id = idOf('', value);
    const unit = typeof quantity?.code === 'string' ? quantity.code : '1';
    return [{ ...base, kind: 'numeric', id, code, value, unit, clockFault: facts.clock.fault }];
  }
  const components = list(resource.component).filter(isObject);
  const parent = idOf('', '');
  const readings: PhdReading[] = [];
  for (const component of components) {
    const q = isObject(component.valueQuantity) ? component.valueQuantity : undefined;
    const componentCode = mdcCode(component.code);
    const number = decimalText(q?.value);
    if (componentCode !== undefined && number !== undefined) {
      const unit = typeof q?.code === 'string' ? q.code : '1';
      readings.push({
        ...base,
        kind: 'compound',
        id: `${parent}/${componentCode}`,
        code: componentCode,
        value: number,
        unit,
        clockFault: facts.clock.fault,
      });
    } else if (typeof component.valueBoolean === 'boolean') {
      // A device-alert (BITs) Observation: one reading per reported bit, "1" when set.
      const bit = codings(component.code).find((c) => typeof c.code === 'string')?.code as string | undefined;
      if (bit === undefined) continue;
      readings.push({
        ...base,
        kind: 'device-alert',
        id: `${parent}/${bit}`,
        code: bit,
        value: component.valueBoolean ? '1' : '0',
        unit: '1',
        clockFault: facts.clock.fault,
      });
    }
  }
  return readings.length > 0 ? readings : 'no-numeric-value';
}

/**
 * The readings in a PHD transaction Bundle (or a single PHD Observation), with every device it names.
 * Throws monitoring.invalid_upload for something that is not a PHD upload at all; entries that are valid FHIR but carry
 * nothing to anchor (the patient, devices, a not-a-number value, a string value) are set aside with a reason.
 */
export function parsePhdUpload(upload: unknown, context: PhdContext = []): PhdParse {
  if (!isObject(upload)) throw notPhd('send a FHIR Bundle or Observation');
  let entries: Json[];
  if (upload.resourceType === 'Bundle') {
    if (upload.type !== 'transaction' && upload.type !== 'batch') {
      throw notPhd('a PHD upload is a transaction or batch Bundle');
    }
    entries = list(upload.entry).filter(isObject);
    if (entries.length !== list(upload.entry).length) throw notPhd('every entry must be an object');
  } else if (upload.resourceType === 'Observation') {
    entries = [{ resource: upload }];
  } else {
    throw notPhd('send a FHIR Bundle or Observation');
  }
  const byRef = indexResources(entries, context);
  const devices = new Map<string, PhdDevice>();
  const setAside: PhdSetAside[] = [];
  const readings: PhdReading[] = [];
  const systemIdOf = (ref: string | undefined): string | undefined => {
    const device = ref === undefined ? undefined : byRef.get(ref);
    if (device === undefined) return undefined;
    const known = deviceOf(device);
    if (known !== undefined) devices.set(known.systemId, known);
    return known?.systemId;
  };
  entries.forEach((entry, index) => {
    const resource = entry.resource;
    if (!isObject(resource)) throw notPhd('an entry has no resource', index);
    if (resource.resourceType === 'Patient') return setAside.push({ entry: index, reason: 'patient' });
    if (resource.resourceType === 'Device') {
      const device = deviceOf(resource);
      if (device === undefined) throw notPhd('a Device has no IEEE 11073 system id', index);
      devices.set(device.systemId, device);
      const reason = device.role === 'gateway' ? 'gateway-device' : 'device';
      return setAside.push({ entry: index, reason });
    }
    if (resource.resourceType !== 'Observation') return setAside.push({ entry: index, reason: 'not-phd' });
    if (isCoincidentTimeStamp(resource)) {
      return setAside.push({ entry: index, reason: 'coincident-timestamp' });
    }
    systemIdOf(extensionRef(resource, GATEWAY_EXTENSION));
    const systemId = systemIdOf(referenceOf(resource.device));
    if (systemId === undefined) return setAside.push({ entry: index, reason: 'unknown-device' });
    const effective = typeof resource.effectiveDateTime === 'string' ? resource.effectiveDateTime : '';
    const timeMs = parseDateTimeMs(effective);
    if (timeMs === undefined) return setAside.push({ entry: index, reason: 'no-effective-time' });
    const cts = byRef.get(extensionRef(resource, COINCIDENT_EXTENSION) ?? '');
    const clock = coincidentClock(cts);
    const patient = referenceOf(resource.subject) ?? '';
    const found = readingsOf(entry, resource, { systemId, timeMs, clock, patient });
    if (typeof found === 'string') return setAside.push({ entry: index, reason: found });
    readings.push(...found);
    return undefined;
  });
  return { devices: [...devices.values()], readings, setAside };
}
