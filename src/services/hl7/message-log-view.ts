// The HL7 message log's reads (issue 21 §6) for the web app's message log page: only staff of this
// node's own organisation, in a role that runs its interfaces (an administrator, or a lab technician,
// the role the interface itself writes as), whose token allows reading MessageHeader (the FHIR record
// each final message writes). Decided before the log is looked at. The rows carry no PHI
// (node/storage/hl7-log-entries.ts); another organisation's staff see none of them all the same: which
// systems a hospital talks to, and how much, is its own business.
import { actorOf } from '../../app/membership/queries.ts';
import type { PractitionerRole } from '../../app/membership/types.ts';
import {
  HL7_PAGE_MAX,
  type Hl7MessageAnswer,
  type Hl7MessagesAnswer,
  type Hl7MessagesQuery,
} from '../../contract/hl7.ts';
import type { Hl7LogEntries } from '../../node/storage/hl7-log-entries.ts';
import type { CarechainNode } from '../../node/node.ts';
import { authorize, type Caller } from '../auth/caller.ts';
import { ServiceError } from '../errors.ts';

/** Who reads the message log: the organisation's administrators and its lab technicians. */
export const HL7_LOG_ROLES: readonly PractitionerRole[] = ['admin', 'lab-technician'];

/** This node's organisation, if `who` may read its message log; else a refusal. */
export function messageLogReader(node: CarechainNode, who: Caller): string {
  const actor = actorOf(node.ledger.state, node.key.publicKey);
  if (actor.kind !== 'node') {
    throw new ServiceError('hl7.unavailable', 'this node is not registered to an organisation');
  }
  if (who.kind !== 'practitioner' || who.orgId !== actor.orgId || !HL7_LOG_ROLES.includes(who.role)) {
    throw new ServiceError(
      'hl7.staff_only',
      'only this organisation’s administrators and lab technicians read its HL7 message log',
    );
  }
  authorize(who, 'MessageHeader', 'r');
  return actor.orgId;
}

export function messagesView(
  node: CarechainNode,
  log: Hl7LogEntries,
  who: Caller,
  query: Hl7MessagesQuery,
): Hl7MessagesAnswer {
  const orgId = messageLogReader(node, who);
  const limit = query.limit ?? HL7_PAGE_MAX;
  // One more than the page: whether there is a next one.
  const rows = log.list({
    status: query.status,
    messageType: query.type,
    before: query.before,
    limit: limit + 1,
  });
  const messages = rows.slice(0, limit);
  return {
    orgId,
    messages,
    next: rows.length > limit ? messages[messages.length - 1]!.id : null,
    summary: log.summary(),
  };
}

export function messageView(
  node: CarechainNode,
  log: Hl7LogEntries,
  who: Caller,
  id: string,
): Hl7MessageAnswer {
  messageLogReader(node, who);
  const found = log.get(Number(id));
  if (found === undefined) throw new ServiceError('hl7.not_found', 'no message with this id in the log');
  return { message: found.entry, acks: found.acks };
}
