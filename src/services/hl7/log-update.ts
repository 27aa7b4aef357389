// What one answer to a message adds to the message log page's row (node/storage/hl7-log-entries.ts):
// the header's facility, application, type and control id, the ACK's code and ERR, and for an AA the
// records it wrote with the tx and height that made them final. Nothing of the message's content.
import { isEnhancedMode, type AckCode, type AckError } from '../../app/hl7/ack.ts';
import type { MessageHeader } from '../../app/hl7/messages.ts';
import { recordVersion } from '../../app/records/store.ts';
import type { StateReader } from '../../app/state.ts';
import { LOG_STATUS_OF_ACK } from '../../app/hl7/log-status.ts';
import type { Hl7LogUpdate } from '../../node/storage/hl7-log-entries.ts';
import type { MessageKey } from '../../node/storage/hl7-message-log.ts';
import { heldRecordOf } from '../records/resources.ts';

export interface LoggedAnswer {
  readonly header: MessageHeader;
  readonly key: MessageKey;
  readonly receivedAtMs: number;
  readonly code: AckCode;
  readonly error?: AckError | undefined;
  readonly atMs: number;
  readonly final?: Hl7LogUpdate['final'];
}

export function logUpdateOf(answer: LoggedAnswer): Hl7LogUpdate {
  const { header, error } = answer;
  return {
    key: answer.key,
    sendingApplication: header.sendingApplication,
    sendingFacility: header.sendingFacility,
    messageType: header.type,
    mode: isEnhancedMode(header) ? 'enhanced' : 'original',
    status: LOG_STATUS_OF_ACK[answer.code],
    receivedAtMs: answer.receivedAtMs,
    ack: {
      code: answer.code,
      errorCode: error?.code ?? null,
      errorText: error?.text ?? null,
      atMs: answer.atMs,
    },
    ...(answer.final === undefined ? {} : { final: answer.final }),
  };
}

/**
 * What made a written message final: its entries' count, and the tx and height of its MessageHeader
 * record's latest version (written in the same records tx as the rest, app/hl7/msh.ts).
 */
export function finalOf(
  state: StateReader,
  custodianOrgId: string,
  entries: readonly unknown[],
): Hl7LogUpdate['final'] {
  const header = entries
    .map((e) => (e as { resource: { resourceType?: unknown; id?: unknown } }).resource)
    .find((r) => r.resourceType === 'MessageHeader');
  const head =
    header === undefined
      ? undefined
      : heldRecordOf(state, custodianOrgId, 'MessageHeader', String(header.id));
  const version = head === undefined ? undefined : recordVersion(state, head.recordId, head.latestVersion);
  if (version === undefined) return undefined;
  return { recordCount: entries.length, height: version.height, txHash: version.txHash };
}
