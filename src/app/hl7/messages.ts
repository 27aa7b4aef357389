// Message maps after the HL7 V2-to-FHIR IG (ADT_A01 / A03 / A04 / A08, ADT_A39 for A40, ORU_R01, VXU_V04,
// MDM_T02, ORM_O01, OML_O21): which segments
// become which resources, how they refer to each other, and the ids they are written under. Pure and
// deterministic, so a re-sent message maps to the same ids and a later message about the same patient
// (A08 after A01, an ORU after an admission) updates the same Patient and Encounter:
//   Patient   ← sender (MSH-4.1, else MSH-3.1) + PID-3's first identifier (value and assigning authority)
//   Encounter ← sender + the patient's PID-3 + PV1-19 (visit number), else + the message control id
//   ServiceRequest ← sender + the patient's PID-3 + the placer order number (ORC-2, else OBR-2) and
//               OBR-4, so the ORU reporting on an order refers to the ServiceRequest its ORM wrote
//   the rest  ← sender + the patient's PID-3 + MSH-10 + the segment's position
// A message this map cannot take is a MappingError with the HL7 acknowledgement code and the table 0357
// error code the listener puts in MSA-1 and ERR-3.
import { toHex, utf8 } from '../../core/bytes.ts';
import { sha256 } from '../../core/crypto/index.ts';
import type { Json } from './datatypes.ts';
import { parseEr7, segment, Er7Error, type Er7Message, type Repetition, type Segment } from './er7.ts';
import {
  al1ToAllergyIntolerance,
  dg1ToCondition,
  nk1ToRelatedPerson,
  obrToDiagnosticReport,
  obxToObservation,
  pidToPatient,
  pv1ToEncounter,
  rxaToImmunization,
  spmToSpecimen,
  txaToDocumentReference,
} from './segments.ts';
import { orderToServiceRequest, placerOrderKey } from './orders.ts';

/** HL7 table 0357 (message error condition codes) that this map and the listener use. */
export type Hl7ErrorCode =
  | '100' // segment sequence error
  | '101' // required field missing
  | '102' // data type error
  | '200' // unsupported message type
  | '201' // unsupported event code
  | '202' // unsupported processing id
  | '203' // unsupported version id
  | '207'; // application internal error

export class MappingError extends Error {
  constructor(
    /** AE: the message was understood but is in error; AR: it is refused (type, version, sender). */
    readonly ack: 'AE' | 'AR',
    readonly code: Hl7ErrorCode,
    message: string,
    /** Where, as HL7 names it (PID-3, RXA-3), for ERR-2. */
    readonly location?: { segment: string; field?: number },
  ) {
    super(message);
    this.name = 'MappingError';
  }
}

export interface MessageHeader {
  /** Who sent it, for the sender check and ids: MSH-4.1 (sending facility), else MSH-3.1 (application). */
  readonly sender: string;
  readonly sendingApplication: string;
  readonly sendingFacility: string;
  readonly receivingApplication: string;
  readonly receivingFacility: string;
  /** MSH-9.1 and MSH-9.2, as 'ADT^A01'. */
  readonly type: string;
  readonly controlId: string;
  readonly processingId: string;
  readonly version: string;
  /** MSH-15 and MSH-16: valued means enhanced acknowledgement mode. */
  readonly acceptAckType: string;
  readonly applicationAckType: string;
}

export interface MappedMessage {
  readonly header: MessageHeader;
  /** The MSH segment itself, for the message's own records (msh.ts: MessageHeader and Provenance). */
  readonly msh: Segment;
  /** The Patient's id; the Patient itself is resources[0]. */
  readonly patientId: string;
  /** FHIR R4 resources, the Patient first, each with its deterministic id. */
  readonly resources: readonly Json[];
  /**
   * Resources ('Type/id') to write only if the custodian does not hold them yet: a lab result does not
   * make a new version of the patient's demographics (only an ADT does), nor of the order its ORM wrote.
   */
  readonly writeOnce: ReadonlySet<string>;
  /** ADT^A40: the prior Patient (MRG-1) to merge into this message's Patient (PID-3). */
  readonly merge?: { readonly fromPatientId: string };
}

export const SUPPORTED_TYPES = [
  'ADT^A01',
  'ADT^A03',
  'ADT^A04',
  'ADT^A08',
  'ADT^A40',
  'ORU^R01',
  'VXU^V04',
  'MDM^T02',
  'ORM^O01',
  'OML^O21',
] as const;
export const CONTROL_ID_CHARS_MAX = 199;

/**
 * MSH-9 with no trigger event (HL7 v2.1 and v2.2 senders, and some later ones, send `ORU` alone): the
 * event of the message types that had only one. ADT, MDM and OML name too many events to guess one.
 */
const ONLY_EVENT: Readonly<Record<string, string>> = { ORU: 'R01', VXU: 'V04', ORM: 'O01' };

/** MSH-9.1^MSH-9.2, upper case, the trigger event supplied where the type implies it. */
export function messageTypeOf(msh: Segment): string {
  const kind = msh.get(9, 1).toUpperCase();
  const event = msh.get(9, 2).toUpperCase() || (ONLY_EVENT[kind] ?? '');
  return `${kind}^${event}`;
}

export function readHeader(message: Er7Message): MessageHeader {
  const msh = message.segments[0]!;
  return {
    sender: msh.get(4) || msh.get(3),
    sendingApplication: msh.get(3),
    sendingFacility: msh.get(4),
    receivingApplication: msh.get(5),
    receivingFacility: msh.get(6),
    type: messageTypeOf(msh),
    controlId: msh.get(10),
    processingId: msh.get(11),
    version: msh.get(12),
    acceptAckType: msh.get(15).toUpperCase(),
    applicationAckType: msh.get(16).toUpperCase(),
  };
}

/** Parses and maps one message; throws MappingError (never anything else) when it cannot. */
export function mapHl7Message(input: string | Er7Message): MappedMessage {
  let message: Er7Message;
  try {
    // A caller that parsed the message already (to read its header first) hands the parse over.
    message = typeof input === 'string' ? parseEr7(input) : input;
  } catch (err) {
    if (err instanceof Er7Error) throw new MappingError('AR', '100', err.message);
    throw err;
  }
  const header = readHeader(message);
  checkHeader(header);
  const pid = segment(message, 'PID');
  if (pid === undefined)
    throw new MappingError('AE', '100', 'the message has no PID segment', { segment: 'PID' });
  if (message.segments.filter((s) => s.name === 'PID').length > 1) {
    throw new MappingError('AE', '100', 'one patient per message: send each PID in a message of its own', {
      segment: 'PID',
    });
  }
  const patientKey = identifierKeyOf(recordNumberOf(pid.repetitions(3)), 'PID', 3, 'patient identifier list');
  const ids = idMaker(header, patientKey);
  const patientId = resourceId(header.sender, 'Patient', patientKey);
  const patient = pidToPatient(pid, patientId);
  const ref = { reference: `Patient/${patientId}` };
  const [kind] = header.type.split('^');
  const orders = orderIdMaker(header, patientKey, ids);
  const writeOnce = new Set<string>(kind === 'ADT' ? [] : [`Patient/${patientId}`]);
  const body =
    header.type === 'ADT^A40'
      ? [] // the surviving Patient, and the merge
      : kind === 'ADT'
        ? mapAdt(message, header, ref, ids, patientKey)
        : kind === 'ORU'
          ? mapOru(message, ref, ids, orders, writeOnce)
          : kind === 'MDM'
            ? mapMdm(message, ref, ids)
            : kind === 'VXU'
              ? mapVxu(message, ref, ids)
              : mapOrders(message, { header, patient: ref, ids, orders, patientKey }, writeOnce);
  const merge =
    header.type === 'ADT^A40' ? { merge: { fromPatientId: priorPatientId(message, header, patientId) } } : {};
  const msh = message.segments[0]!;
  return { header, msh, patientId, resources: [patient, ...body], writeOnce, ...merge };
}

/** ADT^A40: the Patient MRG-1 names, by the same key as PID-3's (it must be another one). */
function priorPatientId(message: Er7Message, header: MessageHeader, patientId: string): string {
  const mrg = segment(message, 'MRG');
  if (mrg === undefined) {
    throw new MappingError('AE', '100', 'an ADT^A40 needs an MRG segment', { segment: 'MRG' });
  }
  const key = identifierKeyOf(recordNumberOf(mrg.repetitions(1)), 'MRG', 1, 'prior patient identifier list');
  const prior = resourceId(header.sender, 'Patient', key);
  if (prior === patientId) {
    throw new MappingError('AE', '100', 'MRG-1 names the patient PID-3 names: nothing to merge', {
      segment: 'MRG',
      field: 1,
    });
  }
  return prior;
}

function checkHeader(header: MessageHeader): void {
  if (header.controlId === '' || header.controlId.length > CONTROL_ID_CHARS_MAX) {
    throw new MappingError(
      'AR',
      '101',
      `MSH-10 (message control id) is required, of at most ${CONTROL_ID_CHARS_MAX} characters`,
      {
        segment: 'MSH',
        field: 10,
      },
    );
  }
  if (header.sender === '') {
    throw new MappingError(
      'AR',
      '101',
      'MSH-4 (sending facility) or MSH-3 (sending application) is required',
      {
        segment: 'MSH',
        field: 4,
      },
    );
  }
  if (!/^2\.[1-9](\.\d)?$/.test(header.version)) {
    throw new MappingError('AR', '203', `version ${header.version.slice(0, 8)} is not HL7 v2.x`, {
      segment: 'MSH',
      field: 12,
    });
  }
  if (!(SUPPORTED_TYPES as readonly string[]).includes(header.type)) {
    const known = ['ADT', 'ORU', 'VXU', 'MDM', 'ORM', 'OML'].includes(header.type.split('^')[0]!);
    throw new MappingError(
      'AR',
      known ? '201' : '200',
      `message type ${header.type.slice(0, 16)} is not supported; supported: ${SUPPORTED_TYPES.join(', ')}`,
      { segment: 'MSH', field: 9 },
    );
  }
}

/**
 * Which of PID-3's identifiers names the patient: the medical record number (CX.5 MR, HL7 table 0203),
 * else the first. Senders list an MRN beside national, insurance and visit numbers, in any order, and one
 * that sends the MRN first in its ADT and second in its ORU still means the one patient.
 */
function recordNumberOf(identifiers: readonly Repetition[]): Repetition | undefined {
  const valued = identifiers.filter((r) => r.get(1) !== '');
  return valued.find((r) => r.get(5).toUpperCase() === 'MR') ?? valued[0] ?? identifiers[0];
}

/** A patient's key: its identifier's value and assigning authority (CX.1, CX.4.1, CX.4.2). */
function identifierKeyOf(first: Repetition | undefined, name: string, field: number, what: string): string {
  if (first === undefined || first.get(1) === '') {
    throw new MappingError('AE', '101', `${name}-${field} (${what}) is required`, { segment: name, field });
  }
  return `${first.get(1)}\n${first.get(4, 1)}\n${first.get(4, 2)}`;
}

/** A FHIR id (at most 64 of [A-Za-z0-9-.]) from the facility and the parts that name the record. */
export function resourceId(facility: string, type: string, key: string): string {
  const digest = sha256(utf8(`carechain/hl7-v2-id\n${facility}\n${type}\n${key}`));
  return `v2-${toHex(digest).slice(0, 40)}`;
}

type IdMaker = (type: string, position: number) => string;

function idMaker(header: MessageHeader, patientKey: string): IdMaker {
  // The patient is part of the key: senders reuse control ids (the public samples do), and a record
  // written for one patient must never be overwritten as another's.
  return (type, position) =>
    resourceId(header.sender, type, `${patientKey}\n${header.controlId}\n${position}`);
}

type OrderIdMaker = (orc: Segment | undefined, obr: Segment | undefined, position: number) => string;

/** An order's id by its placer order number; positional when it has none or the message repeats it. */
function orderIdMaker(header: MessageHeader, patientKey: string, ids: IdMaker): OrderIdMaker {
  const used = new Set<string>();
  return (orc, obr, position) => {
    const placer = placerOrderKey(orc, obr);
    let id =
      placer === undefined
        ? undefined
        : resourceId(header.sender, 'ServiceRequest', `order\n${patientKey}\n${placer}`);
    if (id === undefined || used.has(id)) id = ids('ServiceRequest', position);
    used.add(id);
    return id;
  };
}

/** The visit's id. The patient is in the key as it is in every other record's: senders reuse visit
 *  numbers across patients, and one patient's Encounter must never be overwritten as another's. */
function encounterId(header: MessageHeader, pv1: Segment, patientKey: string): string {
  const visit = pv1.get(19);
  return visit === ''
    ? resourceId(header.sender, 'Encounter', `message\n${patientKey}\n${header.controlId}`)
    : resourceId(header.sender, 'Encounter', `visit\n${patientKey}\n${visit}\n${pv1.get(19, 4)}`);
}

/** The message's (first) PV1 as an Encounter, and a reference to it. */
function encounterOf(
  message: Er7Message,
  header: MessageHeader,
  patient: Json,
  patientKey: string,
): { resource: Json; ref: Json } | undefined {
  const pv1 = segment(message, 'PV1');
  if (pv1 === undefined) return undefined;
  const id = encounterId(header, pv1, patientKey);
  const status = header.type === 'ADT^A03' ? 'finished' : 'in-progress';
  return { resource: pv1ToEncounter(pv1, id, patient, status), ref: { reference: `Encounter/${id}` } };
}

function mapAdt(
  message: Er7Message,
  header: MessageHeader,
  patient: Json,
  ids: IdMaker,
  patientKey: string,
): Json[] {
  const visit = encounterOf(message, header, patient, patientKey);
  const out: Json[] = visit === undefined ? [] : [visit.resource];
  const encounter = visit?.ref;
  message.segments.forEach((s, i) => {
    if (s.name === 'NK1') out.push(nk1ToRelatedPerson(s, ids('RelatedPerson', i), patient));
    if (s.name === 'AL1') out.push(al1ToAllergyIntolerance(s, ids('AllergyIntolerance', i), patient));
    if (s.name === 'DG1') out.push(dg1ToCondition(s, ids('Condition', i), patient, encounter));
    if (s.name === 'OBX') {
      out.push(
        obxToObservation(s, ids('Observation', i), patient, encounter === undefined ? {} : { encounter }),
      );
    }
  });
  return out;
}

/**
 * ORU_R01: each OBR opens an order group; its OBXs are the report's results, its SPMs its specimens. An
 * ORC before the OBR makes the order a ServiceRequest the report is `basedOn`, written only if not held
 * yet (the ORM that placed it wrote it, and a result does not make a new version of the order).
 */
function mapOru(
  message: Er7Message,
  patient: Json,
  ids: IdMaker,
  orders: OrderIdMaker,
  writeOnce: Set<string>,
): Json[] {
  const out: Json[] = [];
  let orc: Segment | undefined;
  let report: { obr: Segment; id: string; results: Json[]; specimens: Json[]; basedOn?: Json } | undefined;
  const close = () => {
    if (report === undefined) return;
    const resource = obrToDiagnosticReport(report.obr, report.id, patient, report.results);
    out.push(
      compactLinks(resource, {
        specimen: report.specimens,
        basedOn: report.basedOn === undefined ? [] : [report.basedOn],
      }),
    );
  };
  // NTE after an OBX is that Observation's note (the IG's NTE[Observation]); after an OBR it is the
  // order's, which R4's DiagnosticReport has no element for and a result does not rewrite: not kept.
  let observation: Json | undefined;
  message.segments.forEach((s, i) => {
    if (s.name === 'NTE' && observation !== undefined) addNote(observation, s);
    if (s.name !== 'NTE') observation = undefined;
    if (s.name === 'ORC') orc = s;
    if (s.name === 'OBR') {
      close();
      report = { obr: s, id: ids('DiagnosticReport', i), results: [], specimens: [] };
      if (orc !== undefined) {
        const id = orders(orc, s, i);
        out.push(orderToServiceRequest(orc, s, id, patient));
        writeOnce.add(`ServiceRequest/${id}`);
        report.basedOn = { reference: `ServiceRequest/${id}` };
        orc = undefined;
      }
    }
    const part = groupPartOf(s, i, patient, ids);
    if (part !== undefined) {
      out.push(part.resource);
      (part.isResult ? report?.results : report?.specimens)?.push(part.ref);
      if (part.isResult) observation = part.resource;
    }
  });
  close();
  if (!out.some((r) => r.resourceType === 'DiagnosticReport' || r.resourceType === 'Observation')) {
    throw new MappingError('AE', '100', 'an ORU^R01 needs at least one OBR or OBX', { segment: 'OBR' });
  }
  return out;
}

/** NTE-3 (FT, repeating: one line a repetition) → a note of the resource. */
function addNote(resource: Json, nte: Segment): void {
  const text = nte.text(3);
  if (text.trim() === '') return;
  resource.note = [...((resource.note as Json[] | undefined) ?? []), { text }];
}

/** An OBX (an Observation, a result) or SPM (a Specimen) of an order group, and a reference to it. */
function groupPartOf(
  s: Segment,
  position: number,
  patient: Json,
  ids: IdMaker,
): { resource: Json; ref: Json; isResult: boolean } | undefined {
  if (s.name !== 'OBX' && s.name !== 'SPM') return undefined;
  const type = s.name === 'OBX' ? 'Observation' : 'Specimen';
  const id = ids(type, position);
  const resource = s.name === 'OBX' ? obxToObservation(s, id, patient) : spmToSpecimen(s, id, patient);
  return { resource, ref: { reference: `${type}/${id}` }, isResult: s.name === 'OBX' };
}

/** A resource with the non-empty lists of references added. */
function compactLinks(resource: Json, links: Record<string, readonly Json[]>): Json {
  const present = Object.entries(links).filter(([, refs]) => refs.length > 0);
  return { ...resource, ...Object.fromEntries(present) };
}

/** An order being read: its ORC and OBR, where it starts, and the OBXs and SPMs after it. */
interface OpenOrder {
  orc?: Segment;
  obr?: Segment;
  readonly position: number;
  readonly info: Json[];
  readonly specimens: Json[];
}

interface OrderContext {
  readonly header: MessageHeader;
  readonly patient: Json;
  readonly patientKey: string;
  readonly ids: IdMaker;
  readonly orders: OrderIdMaker;
}

/**
 * ORM_O01 and OML_O21: each order (an ORC and the OBR after it; a second OBR under one ORC is an order
 * of its own, as is an OBR without an ORC) is a ServiceRequest; the OBXs after it are its
 * supportingInfo, the SPMs after it its specimens. The PV1's Encounter is written only if not held yet
 * (the ADT owns the visit).
 */
function mapOrders(message: Er7Message, context: OrderContext, writeOnce: Set<string>): Json[] {
  const { header, patient, patientKey, ids, orders } = context;
  const visit = encounterOf(message, header, patient, patientKey);
  const out: Json[] = visit === undefined ? [] : [visit.resource];
  if (visit !== undefined) writeOnce.add(String(visit.ref.reference));
  let order: OpenOrder | undefined;
  let count = 0;
  const close = () => {
    if (order === undefined) return;
    const id = orders(order.orc, order.obr, order.position);
    const links = { specimen: order.specimens, supportingInfo: order.info };
    const encounter = visit === undefined ? {} : { encounter: visit.ref };
    out.push(compactLinks(orderToServiceRequest(order.orc, order.obr, id, patient, encounter), links));
    count += 1;
  };
  const open = (orc: Segment | undefined, obr: Segment | undefined, position: number) => {
    close();
    order = {
      ...(orc === undefined ? {} : { orc }),
      ...(obr === undefined ? {} : { obr }),
      position,
      info: [],
      specimens: [],
    };
  };
  message.segments.forEach((s, i) => {
    if (s.name === 'ORC') open(s, undefined, i);
    if (s.name === 'OBR') {
      if (order === undefined || order.obr !== undefined) open(order?.orc, s, i);
      else order.obr = s;
    }
    const part = groupPartOf(s, i, patient, ids);
    if (part !== undefined) {
      out.push(part.resource);
      (part.isResult ? order?.info : order?.specimens)?.push(part.ref);
    }
  });
  close();
  if (count === 0) {
    throw new MappingError('AE', '101', `an ${header.type} needs an ORC or OBR segment`, { segment: 'ORC' });
  }
  return out;
}

/** VXU_V04: each RXA (with the RXR after it) is an Immunization; the OBXs after it are part of it. */
function mapVxu(message: Er7Message, patient: Json, ids: IdMaker): Json[] {
  const out: Json[] = [];
  let immunization: string | undefined;
  message.segments.forEach((s, i) => {
    if (s.name === 'RXA') {
      const next = message.segments[i + 1];
      const resource = rxaToImmunization(
        s,
        next?.name === 'RXR' ? next : undefined,
        ids('Immunization', i),
        patient,
      );
      if (resource.occurrenceDateTime === undefined) {
        throw new MappingError('AE', '102', 'RXA-3 (administration date/time) must be a date', {
          segment: 'RXA',
          field: 3,
        });
      }
      immunization = String(resource.id);
      out.push(resource);
    }
    if (s.name === 'OBX' && immunization !== undefined) {
      out.push(
        obxToObservation(s, ids('Observation', i), patient, {
          partOf: [{ reference: `Immunization/${immunization}` }],
        }),
      );
    }
  });
  if (immunization === undefined) {
    throw new MappingError('AE', '101', 'a VXU^V04 needs an RXA segment', { segment: 'RXA' });
  }
  return out;
}

/** MDM_T02: the TXA and the OBXs after it are one DocumentReference. */
function mapMdm(message: Er7Message, patient: Json, ids: IdMaker): Json[] {
  const at = message.segments.findIndex((s) => s.name === 'TXA');
  if (at < 0) throw new MappingError('AE', '101', 'an MDM^T02 needs a TXA segment', { segment: 'TXA' });
  const obxs = message.segments.slice(at + 1).filter((s) => s.name === 'OBX');
  return [txaToDocumentReference(message.segments[at]!, obxs, ids('DocumentReference', at), patient)];
}
