// Where a message stands in the custodian's HL7 message log (the web app's message log page): what its
// last ACK said. accepted: CA sent (enhanced mode), its application ACK not yet; final: AA, its records
// final on the ledger; error: AE or CE; refused: AR or CR.
import type { AckCode } from './ack.ts';

export const HL7_LOG_STATUSES = ['accepted', 'final', 'error', 'refused'] as const;
export type Hl7LogStatus = (typeof HL7_LOG_STATUSES)[number];

export const LOG_STATUS_OF_ACK: Readonly<Record<AckCode, Hl7LogStatus>> = {
  AA: 'final',
  CA: 'accepted',
  AE: 'error',
  CE: 'error',
  AR: 'refused',
  CR: 'refused',
};
