// Acknowledgements (HL7 v2.5.1 chapter 2 §2.9): an ACK whose MSH answers the sender's MSH with sender and
// receiver swapped, an MSA with the acknowledgement code and the sender's MSH-10, and, for AE and AR, an
// ERR saying why (ERR-2 where, ERR-3 the table 0357 code, ERR-4 severity, ERR-8 the text for a person).
// The text never carries PHI: it names fields and rules, not values. Pure: the time and our own control
// id come from the caller.
import { escape, STANDARD } from './er7.ts';
import type { Hl7ErrorCode, MessageHeader } from './messages.ts';

/** Original mode AA/AE/AR; enhanced mode CA/CE/CR for the accept acknowledgement. */
export type AckCode = 'AA' | 'AE' | 'AR' | 'CA' | 'CE' | 'CR';

/** Enhanced acknowledgement mode: MSH-15 or MSH-16 valued (HL7 v2.5.1 §2.9.3); else original mode. */
export function isEnhancedMode(header: Partial<MessageHeader>): boolean {
  return (header.acceptAckType ?? '') !== '' || (header.applicationAckType ?? '') !== '';
}

/** An application-level refusal as the accept acknowledgement says it: AE → CE, AR → CR. */
export function acceptCodeOf(code: AckCode): AckCode {
  return code === 'AE' ? 'CE' : code === 'AR' ? 'CR' : code;
}

/**
 * Whether the sender wants an acknowledgement of this code, by MSH-15 or MSH-16 (table 0155: AL always,
 * NE never, ER only on an error or refusal, SU only on success). Empty, in enhanced mode, is AL.
 */
export function isAckWanted(condition: string, code: AckCode): boolean {
  const success = code === 'AA' || code === 'CA';
  if (condition === 'NE') return false;
  if (condition === 'ER') return !success;
  if (condition === 'SU') return success;
  return true;
}

/** MSA-1 of an ACK's text. */
export function ackCodeOf(ack: string): string {
  return /(?:^|\r)MSA\|([A-Z]{2})/.exec(ack)?.[1] ?? '';
}

export interface AckError {
  readonly code: Hl7ErrorCode | '204' | '205' | '206';
  readonly text: string;
  readonly location?: { readonly segment: string; readonly field?: number };
}

/** Table 0357's names for the codes we send. */
const ERROR_NAMES: Readonly<Record<AckError['code'], string>> = {
  '100': 'Segment sequence error',
  '101': 'Required field missing',
  '102': 'Data type error',
  '200': 'Unsupported message type',
  '201': 'Unsupported event code',
  '202': 'Unsupported processing id',
  '203': 'Unsupported version id',
  '204': 'Unknown key identifier',
  '205': 'Duplicate key identifier',
  '206': 'Application record locked',
  '207': 'Application internal error',
};

export interface AckInput {
  /** What we know of the message acknowledged; a message too broken to read has none. */
  readonly header: Partial<MessageHeader>;
  readonly code: AckCode;
  readonly error?: AckError;
  /** Our MSH-7, as an HL7 DTM (the caller's clock). */
  readonly timestamp: string;
  /** Our MSH-10. */
  readonly controlId: string;
}

/**
 * At most this many characters of a sender's field are echoed in an ACK (an HD is at most 227): a message
 * with a megabyte in MSH-3 or MSH-10 gets an ACK of ordinary size.
 */
export const ECHO_CHARS_MAX = 227;

/** The ACK as ER7 text, segments ended by CR. */
export function buildAck(input: AckInput): string {
  const d = STANDARD;
  const h = input.header;
  const e = (value: string | undefined) => escape((value ?? '').slice(0, ECHO_CHARS_MAX), d);
  const trigger = (h.type ?? '').split('^')[1] ?? '';
  const msh = [
    'MSH',
    '^~\\&',
    e(h.receivingApplication),
    e(h.receivingFacility),
    e(h.sendingApplication),
    e(h.sendingFacility),
    input.timestamp,
    '',
    `ACK^${e(trigger)}^ACK`,
    e(input.controlId),
    e(h.processingId) || 'P',
    e(h.version) || '2.5.1',
  ].join('|');
  const segments = [msh, ['MSA', input.code, e(h.controlId)].join('|')];
  if (input.error !== undefined) {
    const { code, text, location } = input.error;
    const where =
      location === undefined
        ? ''
        : `${location.segment}^1${location.field === undefined ? '' : `^${location.field}`}`;
    segments.push(
      ['ERR', '', where, `${code}^${ERROR_NAMES[code]}^HL70357`, 'E', '', '', '', e(text)].join('|'),
    );
  }
  return `${segments.join('\r')}\r`;
}
