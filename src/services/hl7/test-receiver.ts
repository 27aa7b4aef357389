// What `carechain hl7 listen` answers with: a stand-in for the system at the other end of an MLLP link
// (a downstream EHR fed by a node's outbound feed, or a sender's own listener for enhanced-mode ACKs).
// It stores nothing and maps nothing: every readable message is answered AA and reported to `onMessage`
// by its header alone; a frame that is not HL7 v2 is answered AR, as the node's own listener does.
import { buildAck, type AckCode } from '../../app/hl7/ack.ts';
import { Er7Error, parseEr7 } from '../../app/hl7/er7.ts';
import { readHeader, type MessageHeader } from '../../app/hl7/messages.ts';
import { hl7Timestamp, type Hl7Outcome } from './ingest.ts';

export interface ReceivedMessage {
  /** Undefined for a frame that is not an HL7 v2 message. */
  readonly header: MessageHeader | undefined;
  readonly text: string;
  readonly ack: AckCode;
}

export class TestReceiver {
  private answered = 0;

  constructor(
    private readonly deps: {
      readonly onMessage: (message: ReceivedMessage) => void;
      readonly nowMs: () => number;
    },
  ) {}

  /** Any sender is welcome here: it is a test end, not a custodian. */
  isConfigured(): boolean {
    return true;
  }

  handle(text: string): Promise<Hl7Outcome> {
    let header: MessageHeader | undefined;
    try {
      header = readHeader(parseEr7(text));
    } catch (err) {
      if (!(err instanceof Er7Error)) throw err;
    }
    const code: AckCode = header === undefined ? 'AR' : 'AA';
    this.deps.onMessage({ header, text, ack: code });
    const ack = buildAck({
      header: header ?? {},
      code,
      ...(header === undefined
        ? { error: { code: '100' as const, text: 'the frame is not an HL7 v2 message' } }
        : {}),
      timestamp: hl7Timestamp(this.deps.nowMs()),
      controlId: `LISTEN-${++this.answered}`,
    });
    return Promise.resolve({
      ack,
      code,
      sender: header?.sender ?? 'unknown',
      controlId: header?.controlId ?? '',
    });
  }
}
