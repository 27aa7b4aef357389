// Remote monitoring on the FHIR boundary (issue 18 §6): Device search by the IEEE 11073 system id (the
// search a PHD gateway's conditional create makes, `identifier=urn:oid:…2680|00-1C-05-…`), and
// Observation search by device and period over the custodian's sealed readings. The device registry is on
// chain; readings are released only to staff of the device's organisation and to the patient it is bound
// to (the readings committed for them: an earlier wearer's are not theirs); a practitioner's read is
// released only once its access event is committed.
import type { Reading } from '../../app/monitoring/batch.ts';
import { PERIOD_MS_MAX } from '../../app/monitoring/commitments.ts';
import { batchKey, readDevice, type BatchRecord, type DeviceRecord } from '../../app/monitoring/keys.ts';
import { eui64, MDC_SYSTEM } from '../../app/monitoring/phd.ts';
import { readStateValue, type StateReader } from '../../app/state.ts';
import { fromHex } from '../../core/bytes.ts';
import { hashCanonical } from '../../core/hash.ts';
import type { FhirResource } from '../../contract/fhir.ts';
import { READINGS_PAGE_MAX, type StoredReading } from '../../node/monitoring/reading-store.ts';
import { authorize, type Caller } from '../auth/caller.ts';
import { FhirError } from '../fhir/operation-outcome.ts';
import type { SearchFound } from '../fhir/result-bundles.ts';
import { parseDateSearchValue } from '../fhir/search-date.ts';
import type { ReleaseLog, ReleasedPeriod } from './read-log.ts';

/** The IEEE 11073 EUI-64 system id's identifier system (PHD IG, PhdDevice.identifier:systemIdentifier). */
export const EUI64_SYSTEM = 'urn:oid:1.2.840.10004.1.1.1.0.0.1.0.0.1.2680';
const CONTINUA_IDS = 'http://terminology.hl7.org/CodeSystem/ContinuaDeviceIdentifiers';
const PHD_DEVICE_PROFILE = 'http://hl7.org/fhir/uv/phd/StructureDefinition/PhdDevice';
const UCUM = 'http://unitsofmeasure.org';
/** Readings one Observation search answers when the client gives no _count. */
const COUNT_DEFAULT = 100;

/** Where the readings come from: the custodian's store (services/monitoring/ingest.ts). */
export interface ReadingSource {
  readings(systemId: string, fromMs: number, toMs: number, limit: number): StoredReading[];
}

/** A search is monitoring's when it names what only monitoring holds: a PHD system id, a device's readings. */
export function claimsDeviceSearch(query: URLSearchParams): boolean {
  return query.getAll('identifier').some((v) => v.startsWith(`${EUI64_SYSTEM}|`));
}

export function claimsObservationSearch(query: URLSearchParams): boolean {
  return query.has('device');
}

/** The device as a PhdDevice: its system id, type and (when bound) patient, all of it on chain. */
export function deviceResource(device: DeviceRecord): FhirResource {
  return {
    resourceType: 'Device',
    id: device.systemId,
    meta: { profile: [PHD_DEVICE_PROFILE] },
    identifier: [
      {
        type: { coding: [{ system: CONTINUA_IDS, code: 'SYSID', display: 'IEEE 11073 System Identifier' }] },
        system: EUI64_SYSTEM,
        value: dashed(device.systemId),
      },
    ],
    status: device.status === 'active' ? 'active' : 'inactive',
    type: { coding: [{ system: MDC_SYSTEM, code: device.typeCode }] },
    owner: { identifier: { value: device.orgId } },
    ...(device.patient === null ? {} : { patient: { identifier: { value: device.patient } } }),
  };
}

/** One reading as a PHD numeric Observation; its id is stable and carries nothing of the reading. */
export function readingObservation(device: DeviceRecord, patient: string, reading: Reading): FhirResource {
  return {
    resourceType: 'Observation',
    id: hashCanonical('monitoring-observation-id', { systemId: device.systemId, id: reading.id }).slice(
      0,
      40,
    ),
    identifier: [{ value: reading.id }],
    status: 'final',
    category: [
      {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' },
        ],
      },
    ],
    code: { coding: [{ system: MDC_SYSTEM, code: reading.code }] },
    subject: { identifier: { value: patient } },
    effectiveDateTime: new Date(reading.timeMs).toISOString(),
    valueQuantity: { value: Number(reading.value), unit: reading.unit, system: UCUM, code: reading.unit },
    device: { reference: `Device/${device.systemId}` },
  };
}

/** Device?identifier=urn:oid:…2680|<EUI-64>: the registered device, for staff of any organisation. */
export function searchDevices(state: StateReader, who: Caller, query: URLSearchParams): SearchFound {
  authorize(who, 'Device', 's');
  if (who.kind !== 'practitioner') {
    throw FhirError.forbidden('the device registry is searched by organisation staff');
  }
  const found = new Map<string, DeviceRecord>();
  for (const value of query.getAll('identifier')) {
    const systemId = eui64(value.slice(EUI64_SYSTEM.length + 1));
    if (!value.startsWith(`${EUI64_SYSTEM}|`) || systemId === undefined) {
      throw FhirError.invalid('identifier must be the EUI-64 system id as system|value', 'identifier');
    }
    const device = readDevice(state, systemId);
    if (device !== undefined) found.set(systemId, device);
  }
  return { resources: [...found.values()].map(deviceResource), total: found.size };
}

/**
 * Observation?device=Device/<EUI-64>&date=ge…&date=lt…&_count=n: the device's readings in the period,
 * oldest first. Parameters and the caller are checked before anything is read (decide before you look),
 * and a practitioner gets the readings only once their access event is final (read-log.ts).
 */
export async function searchObservations(
  state: StateReader,
  who: Caller,
  query: URLSearchParams,
  source: ReadingSource,
  readLog: ReleaseLog,
): Promise<SearchFound> {
  authorize(who, 'Observation', 's');
  const { systemId, fromMs, toMs, count } = observationQuery(query);
  const { device, onlyFor, sinceMs } = releaseTo(who, readDevice(state, systemId));
  // Each reading's patient is the one its batch was committed for (on chain), not today's wearer.
  const patients = new Map<number, string | undefined>();
  const patientOf = (periodStartMs: number) => {
    if (!patients.has(periodStartMs)) {
      const batch = readStateValue<BatchRecord>(state, batchKey(systemId, periodStartMs));
      patients.set(periodStartMs, batch?.patient);
    }
    return patients.get(periodStartMs);
  };
  const observations: FhirResource[] = [];
  const released: ReleasedPeriod[] = [];
  for (const { reading, periodStartMs } of source.readings(
    systemId,
    Math.max(fromMs, sinceMs),
    toMs,
    count,
  )) {
    const patient = patientOf(periodStartMs);
    if (patient === undefined || (onlyFor !== undefined && patient !== onlyFor)) continue;
    observations.push(readingObservation(device, patient, reading));
    released.push({ periodStartMs, patient });
  }
  await readLog(who, systemId, released);
  return { resources: observations };
}

const OBSERVATION_PARAMETERS = new Set(['device', 'date', '_count']);

function observationQuery(query: URLSearchParams): {
  systemId: string;
  fromMs: number;
  toMs: number;
  count: number;
} {
  for (const name of query.keys()) {
    if (!OBSERVATION_PARAMETERS.has(name)) {
      throw FhirError.invalid(`a search by device takes device, date and _count only, not ${name}`, name);
    }
  }
  const devices = query.getAll('device');
  const systemId = devices.length === 1 ? eui64(devices[0]!.replace(/^Device\//, '')) : undefined;
  if (systemId === undefined) {
    throw FhirError.invalid('device must be given once as Device/<EUI-64>', 'device');
  }
  let fromMs = 0;
  let toMs = Number.MAX_SAFE_INTEGER;
  for (const raw of query.getAll('date')) {
    const parsed = parseDateSearchValue(raw);
    if ('problem' in parsed) throw FhirError.invalid(`date: ${parsed.problem}`, 'date');
    const { prefix, range } = parsed;
    if (prefix === 'ge') fromMs = Math.max(fromMs, range.lo);
    else if (prefix === 'gt') fromMs = Math.max(fromMs, range.hi);
    else if (prefix === 'lt') toMs = Math.min(toMs, range.lo);
    else if (prefix === 'le') toMs = Math.min(toMs, range.hi);
    else if (prefix === 'eq') [fromMs, toMs] = [Math.max(fromMs, range.lo), Math.min(toMs, range.hi)];
    else throw FhirError.invalid('date takes the prefixes eq, ge, gt, le and lt here', 'date');
  }
  const counts = query.getAll('_count');
  const count = counts.length === 0 ? COUNT_DEFAULT : Number(counts[0]);
  if (counts.length > 1 || !Number.isSafeInteger(count) || count < 1 || count > READINGS_PAGE_MAX) {
    throw FhirError.invalid(`_count must be given once, from 1 to ${READINGS_PAGE_MAX}`, '_count');
  }
  return { systemId, fromMs, toMs, count };
}

interface Release {
  readonly device: DeviceRecord;
  /** A patient sees the readings committed for them only; staff see every reading of the device. */
  readonly onlyFor: string | undefined;
  readonly sinceMs: number;
}

/**
 * To whom a device's readings are released: staff of its organisation (all of them), and the patient it
 * is bound to, or their proxy, from the binding on. Anyone else, and any caller for an unknown device,
 * gets the same 403, so the answer does not tell which devices exist.
 */
function releaseTo(who: Caller, device: DeviceRecord | undefined): Release {
  if (device !== undefined && who.kind === 'practitioner' && who.orgId === device.orgId) {
    return { device, onlyFor: undefined, sinceMs: 0 };
  }
  if (device !== undefined && who.kind !== 'practitioner' && device.patient === who.pseudonym) {
    // A batch whose period overlaps the binding is the patient's; earlier ones are filtered by onlyFor.
    return { device, onlyFor: who.pseudonym, sinceMs: Math.max(0, (device.boundAtMs ?? 0) - PERIOD_MS_MAX) };
  }
  throw FhirError.forbidden('a device’s readings are for its organisation’s staff and its patient');
}

/** 001c050400007825 → 00-1C-05-04-00-00-78-25, as the PHD IG writes a system id. */
function dashed(systemId: string): string {
  return [...fromHex(systemId)].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join('-');
}
