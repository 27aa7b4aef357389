// Enhanced acknowledgement mode (HL7 v2.5.1 §2.9.3), for a message whose MSH-15 or MSH-16 is valued:
// the accept ACK (CA) as soon as the message is durable in the node (the inbox of the hl7 store,
// node/storage/hl7-message-log.ts), then the application ACK (AA, or AE) once it is processed, which
// for AA means once its records are final on chain. MSH-15 and MSH-16 say which of the two the sender
// wants (table 0155, app/hl7/ack.ts isAckWanted).
//
// A node stopped or killed between the CA and the application ACK processes the message when it starts
// again (resume), in the order the messages were accepted, and delivers the application ACK then. The
// application ACK goes to the sender's own MLLP listener when node.json names one (senders[].ackTo),
// in order per sender, retried until it is delivered; else back on the connection the message came on,
// while that is open; else it waits in the inbox for the sender to re-send the message.
import { setTimeout as sleep } from 'node:timers/promises';
import { ackCodeOf, isAckWanted, type AckCode, type AckError } from '../../app/hl7/ack.ts';
import { readHeader, type MessageHeader } from '../../app/hl7/messages.ts';
import { parseEr7 } from '../../app/hl7/er7.ts';
import type { Clock } from '../../node/env.ts';
import type { Hl7Sender } from '../../node/hl7-config.ts';
import type { Hl7MessageLog, MessageKey } from '../../node/storage/hl7-message-log.ts';
import { KeyedQueue } from './keyed-queue.ts';
import { sendMllpFrame, type MllpTarget } from './mllp-out.ts';

/** The connection a message came on, for ACKs sent after its answer. */
export interface AckChannel {
  /** Sends an ACK if the connection is still open; false when it is not. */
  send(ack: string): boolean;
}

/** What the accept step answers on the connection: the accept ACK's code, and an ACK to send after it. */
export interface Accepted {
  readonly code: AckCode;
  /** Why it is CE. */
  readonly error?: AckError;
  /** The application ACK of a message answered before (a re-send), sent right after the CA. */
  readonly then?: string;
}

/** Processes one accepted message (map, write, wait for final) and answers its application ACK. */
export type Settle = (text: string, key: MessageKey) => Promise<{ ack: string; code: AckCode }>;

const RETRY_MS_MAX = 30_000;
/**
 * Messages accepted and not answered yet, at most. In original mode a connection waits for its ACK, so
 * the connection cap bounds the work in flight; in enhanced mode the CA comes at once, and this does.
 */
export const PENDING_MAX = 2_000;

export class EnhancedAcks {
  /** Live connections waiting for a message's application ACK, by message key. */
  private readonly waiting = new Map<string, Set<AckChannel>>();
  private readonly deliveries = new KeyedQueue();
  private stopped = false;
  /** Accepted and not answered yet. */
  private pending = 0;

  constructor(
    private readonly deps: {
      readonly log: Hl7MessageLog;
      readonly clock: Clock;
      readonly senders: ReadonlyMap<string, Hl7Sender>;
      readonly settle: Settle;
      /** Test hook (CARECHAIN_TEST_HL7_HOLD): accept and keep messages, process none. */
      readonly hold?: boolean;
      readonly onError?: (err: unknown) => void;
      /** Each application ACK's code and the time from the message's arrival to it (metrics). */
      readonly observe?: (sender: string, code: AckCode, seconds: number) => void;
      /** PENDING_MAX unless a test says otherwise. */
      readonly pendingMax?: number;
    },
  ) {}

  /** Takes a message the sender check and the map let through: durable first, then CA. */
  accept(header: MessageHeader, key: MessageKey, text: string, channel?: AckChannel): Accepted {
    const entry = this.deps.log.inboxEntry(key);
    if (entry?.applicationAck !== undefined) {
      // A re-send of a message answered before: CA, and its application ACK again if it is wanted.
      const wanted = isAckWanted(header.applicationAckType, ackCodeOf(entry.applicationAck) as AckCode);
      if (wanted && !entry.delivered) this.deps.log.delivered(key);
      return wanted ? { code: 'CA', then: entry.applicationAck } : { code: 'CA' };
    }
    if (entry === undefined) {
      const logged = this.deps.log.ackOf(key);
      // Acknowledged AA in original mode before: nothing to process again.
      if (logged !== undefined) {
        return isAckWanted(header.applicationAckType, 'AA') ? { code: 'CA', then: logged } : { code: 'CA' };
      }
      if (this.pending >= (this.deps.pendingMax ?? PENDING_MAX)) {
        const why = 'the node has too many messages waiting to be processed; send this one again later';
        return { code: 'CE', error: { code: '207', text: why } };
      }
      const nowMs = this.deps.clock.nowMs();
      this.deps.log.accept(key, text, nowMs);
      this.pending += 1;
      if (!this.deps.hold) void this.process(key, text, header.applicationAckType, nowMs);
    }
    // New, or accepted before and still being processed: its application ACK will come.
    if (channel !== undefined) this.waitingFor(key).add(channel);
    return { code: 'CA' };
  }

  /** After a start: delivers what was answered and not delivered, then processes what was not answered. */
  resume(): void {
    for (const entry of this.deps.log.undelivered()) this.deliver(entry.key, entry.applicationAck!);
    const unanswered = this.deps.log.unanswered();
    this.pending += unanswered.length;
    if (this.deps.hold) return;
    for (const entry of unanswered) {
      if (entry.text === undefined) {
        this.pending -= 1;
        continue;
      }
      const { applicationAckType } = readHeader(parseEr7(entry.text));
      void this.process(entry.key, entry.text, applicationAckType, entry.receivedAtMs);
    }
  }

  /** Stops retrying deliveries (the node is stopping; what is not delivered is delivered after it starts). */
  stop(): void {
    this.stopped = true;
  }

  private async process(
    key: MessageKey,
    text: string,
    applicationAckType: string,
    receivedAtMs: number,
  ): Promise<void> {
    try {
      const outcome = await this.deps.settle(text, key);
      this.deps.observe?.(key.sender, outcome.code, (this.deps.clock.nowMs() - receivedAtMs) / 1000);
      const wanted = isAckWanted(applicationAckType, outcome.code);
      this.deps.log.answered(key, outcome.ack, wanted);
      if (wanted) this.deliver(key, outcome.ack);
      else this.waiting.delete(waitKey(key));
    } catch (err) {
      // Left unanswered in the inbox: processed again when the node next starts.
      this.deps.onError?.(err);
    } finally {
      this.pending -= 1;
    }
  }

  private deliver(key: MessageKey, ack: string): void {
    const channels = this.waiting.get(waitKey(key)) ?? new Set();
    this.waiting.delete(waitKey(key));
    const target = this.deps.senders.get(key.sender)?.ackTo;
    if (target !== undefined) {
      void this.deliveries
        .run(key.sender, () => this.deliverTo(target, key, ack))
        .catch((err: unknown) => this.deps.onError?.(err));
      return;
    }
    let sent = false;
    for (const channel of channels) sent = channel.send(ack) || sent;
    if (sent) this.deps.log.delivered(key);
  }

  private async deliverTo(target: MllpTarget, key: MessageKey, ack: string): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt += 1) {
      try {
        await sendMllpFrame(target, ack);
        // Stopped meanwhile: the store may be closed; the ACK is sent again after the next start.
        if (!this.stopped) this.deps.log.delivered(key);
        return;
      } catch {
        // The sender's listener is down or restarting: try again, backing off up to 30 s.
        await sleep(Math.min(RETRY_MS_MAX, 250 * 2 ** Math.min(attempt, 7)), undefined, { ref: false });
      }
    }
  }

  private waitingFor(key: MessageKey): Set<AckChannel> {
    const id = waitKey(key);
    let set = this.waiting.get(id);
    if (set === undefined) this.waiting.set(id, (set = new Set()));
    return set;
  }
}

const waitKey = (key: MessageKey) => `${key.sender}\n${key.controlId}\n${key.digest}`;
