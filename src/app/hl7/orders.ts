// ORC with its OBR → ServiceRequest, after the HL7 V2-to-FHIR IG's ORC[ServiceRequest] and
// OBR[ServiceRequest] maps: the common order (ORC) says who asked, when and in what state the order is;
// the observation request (OBR) says what was asked for. An ORC without an OBR (an ORM^O01 for a diet,
// a supply or a drug: ODS, RQD, RXO are not mapped) is still the order, with no code. Pure, as the other
// segment maps: ids and references come from the message map (messages.ts).
import {
  codeableConcept,
  compact,
  dateTime,
  entityIdentifier,
  personDisplay,
  present,
  type Json,
} from './datatypes.ts';
import type { Segment } from './er7.ts';

/** HL7 table 0038 (order status, ORC-5) → ServiceRequest.status (request-status). */
const ORDER_STATUS: Readonly<Record<string, string>> = {
  A: 'active',
  CA: 'revoked',
  CM: 'completed',
  DC: 'revoked',
  ER: 'entered-in-error',
  HD: 'on-hold',
  IP: 'active',
  RP: 'revoked',
  SC: 'active',
};

/** HL7 table 0119 (order control, ORC-1) → status, when ORC-5 says nothing. */
const ORDER_CONTROL_STATUS: Readonly<Record<string, string>> = {
  NW: 'active',
  OK: 'active',
  SC: 'active',
  XO: 'active',
  XX: 'active',
  RL: 'active',
  CA: 'revoked',
  CR: 'revoked',
  OC: 'revoked',
  DC: 'revoked',
  OD: 'revoked',
  DR: 'revoked',
  RP: 'revoked',
  HD: 'on-hold',
  OH: 'on-hold',
};

const IDENTIFIER_TYPE = 'http://terminology.hl7.org/CodeSystem/v2-0203';

/** An EI as a typed identifier: PLAC (placer order number) or FILL (filler order number). */
function orderIdentifier(orc: Segment | undefined, obr: Segment | undefined, field: 2 | 3): Json | undefined {
  const source = orc !== undefined && orc.get(field) !== '' ? orc : obr;
  const id = source === undefined ? undefined : entityIdentifier(source.field(field));
  if (id === undefined) return undefined;
  const code = field === 2 ? 'PLAC' : 'FILL';
  return { ...id, type: { coding: [{ system: IDENTIFIER_TYPE, code }] } };
}

/**
 * What names an order across messages: the placer order number (ORC-2.1, else OBR-2.1; senders spell its
 * namespace in one and not the other) and the test asked for (OBR-4.1).
 */
export function placerOrderKey(orc: Segment | undefined, obr: Segment | undefined): string | undefined {
  const placer = (orc === undefined ? '' : orc.get(2)) || (obr === undefined ? '' : obr.get(2));
  if (placer === '') return undefined;
  return `${placer}\n${obr?.get(4, 1) ?? ''}`;
}

/**
 * ORC (+ OBR) → ServiceRequest, intent order: ORC-2/3 (else OBR-2/3) → identifier (PLAC, FILL); ORC-4 →
 * requisition; ORC-5 (table 0038), else ORC-1 (table 0119) → status; ORC-9 → authoredOn; ORC-12 (else
 * OBR-16) → requester display; OBR-4 → code; OBR-31 → reasonCode. `links` are the references the message
 * map adds (encounter, specimen, supportingInfo).
 */
export function orderToServiceRequest(
  orc: Segment | undefined,
  obr: Segment | undefined,
  id: string,
  patient: Json,
  links: Json = {},
): Json {
  const status =
    ORDER_STATUS[orc?.get(5).toUpperCase() ?? ''] ?? ORDER_CONTROL_STATUS[orc?.get(1).toUpperCase() ?? ''];
  const requester =
    (orc === undefined ? undefined : personDisplay(orc.field(12), 2)) ??
    (obr === undefined ? undefined : personDisplay(obr.field(16), 2));
  const reasons = obr === undefined ? [] : present(obr.repetitions(31).map(codeableConcept));
  return compact({
    resourceType: 'ServiceRequest',
    id,
    identifier: present([orderIdentifier(orc, obr, 2), orderIdentifier(orc, obr, 3)]),
    requisition: orc === undefined ? undefined : entityIdentifier(orc.field(4)),
    status: status ?? 'unknown',
    intent: 'order',
    code: obr === undefined ? undefined : codeableConcept(obr.field(4)),
    subject: patient,
    ...links,
    authoredOn: orc === undefined ? undefined : dateTime(orc.get(9)),
    requester,
    reasonCode: reasons.length === 0 ? undefined : reasons,
  }) as Json;
}
