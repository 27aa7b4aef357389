// MSH → MessageHeader and Provenance, after the HL7 V2-to-FHIR IG's segment maps MSH[MessageHeader] and
// MSH[Provenance-Source] (with the transformation's time, as MSH[Provenance-Transformation] records it).
// They are written with the records the message made, in the same transaction, so each record can be
// traced to the message it came from: the MessageHeader's `focus` and the Provenance's `target` list
// them. Pure: the time the message was recorded comes from the caller (the node's clock), since
// Provenance.recorded is required and this module has no clock.
//
// Their ids are keyed by the sender, the patient, MSH-10, MSH-9 and MSH-7, not by MSH-10 alone: senders
// reuse control ids (the public samples send an A01, an A04 and an A08 as MSG00001), and each message
// keeps its own header.
import { authoritySystem, compact, dateTime, type Json } from './datatypes.ts';
import type { Repetition, Segment } from './er7.ts';
import { messageTypeOf, resourceId } from './messages.ts';

/** The code systems and the extension these records use. */
const SYSTEMS = {
  event: 'http://terminology.hl7.org/CodeSystem/v2-0003',
  dataAbsent: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason',
  participantType: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type',
  dataOperation: 'http://terminology.hl7.org/CodeSystem/v3-DataOperation',
} as const;

export interface MessageRecordsInput {
  /** The message's MSH segment. */
  readonly msh: Segment;
  /** The sender as the ingest knows it (MSH-4.1, else MSH-3.1). */
  readonly sender: string;
  readonly patientId: string;
  /** The records the message wrote (each with resourceType and id); the Patient among them or not. */
  readonly written: readonly Json[];
  /** When the node recorded the message, a FHIR instant (Provenance.recorded). */
  readonly recordedAt: string;
}

/** The MessageHeader and the Provenance of one message, in that order. */
export function messageRecords(input: MessageRecordsInput): [Json, Json] {
  const { msh, sender, patientId } = input;
  const type = messageTypeOf(msh);
  const key = `${patientId}\n${msh.get(10)}\n${type}\n${msh.get(7)}`;
  const headerId = resourceId(sender, 'MessageHeader', key);
  const patient = `Patient/${patientId}`;
  // The Patient first: the custodian files both records under the patient the message is about.
  const focus = [
    patient,
    ...input.written.map((r) => `${String(r.resourceType)}/${String(r.id)}`).filter((ref) => ref !== patient),
  ].map((reference) => ({ reference }));
  const messageHeader: Json = {
    resourceType: 'MessageHeader',
    id: headerId,
    // MSH-9.2 (trigger event) in table 0003; the whole of MSH-9 names the message in the Provenance.
    eventCoding: { system: SYSTEMS.event, code: type.split('^')[1] },
    ...optional('destination', destinationOf(msh.field(5), msh.field(6))),
    ...optional('sender', organization(msh.field(4))),
    source: { ...compact({ name: msh.get(3) }), ...endpointOf(msh.field(3)) },
    focus,
  };
  const provenance: Json = {
    resourceType: 'Provenance',
    id: resourceId(sender, 'Provenance', key),
    target: [...focus, { reference: `MessageHeader/${headerId}` }],
    ...optional('occurredDateTime', dateTime(msh.get(7))),
    recorded: input.recordedAt,
    activity: { coding: [{ system: SYSTEMS.dataOperation, code: 'CREATE' }] },
    agent: [
      {
        type: { coding: [{ system: SYSTEMS.participantType, code: 'author' }] },
        who: organization(msh.field(4)) ?? { display: sender },
      },
    ],
    entity: [
      { role: 'source', what: { identifier: { value: msh.get(10) }, display: `HL7 v2 ${type} message` } },
    ],
  };
  return [messageHeader, provenance];
}

/** MSH-5 and MSH-6 → MessageHeader.destination (the IG maps both into the one destination). */
function destinationOf(application: Repetition, facility: Repetition): Json[] | undefined {
  if (application.isEmpty && facility.isEmpty) return undefined;
  return [
    {
      ...compact({ name: application.get(1) }),
      ...endpointOf(application),
      ...optional('receiver', organization(facility)),
    },
  ];
}

/**
 * HD → the endpoint R4 requires (1..1): its universal id as a URI when HD.3 says ISO, UUID or URI, else
 * data-absent-reason "unknown" (an MLLP peer has no FHIR endpoint).
 */
function endpointOf(hd: Repetition): Json {
  const universal = authoritySystem(hd.get(1), hd.get(2), hd.get(3));
  if (universal !== undefined) return { endpoint: universal };
  return { _endpoint: { extension: [{ url: SYSTEMS.dataAbsent, valueCode: 'unknown' }] } };
}

/** HD → a Reference(Organization) by display (HD.1) and identifier (HD.2 as a URI, when it is one). */
function organization(hd: Repetition): Json | undefined {
  const universal = authoritySystem(hd.get(1), hd.get(2), hd.get(3));
  return compact({
    identifier: universal === undefined ? undefined : { system: 'urn:ietf:rfc:3986', value: universal },
    display: hd.get(1),
  });
}

const optional = (name: string, value: unknown): Json => (value === undefined ? {} : { [name]: value });
