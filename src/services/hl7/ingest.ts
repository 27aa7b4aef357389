// HL7 v2 messages into the custodian's records (issue 21), transport-agnostic: the MLLP edge
// (api/hl7/listener.ts) hands over the text of one message and sends back the ACK this returns.
//
// The sender is checked first (a facility not configured in node.json is refused, AR, before anything
// is read), then the pure map (app/hl7) turns the message into FHIR resources with deterministic ids, and
// they are written as ONE transaction Bundle through the records gateway, exactly as a FHIR client's
// write: the sender's configured practitioner is the writer, consent and the custodial-key path for a
// patient not yet known apply, everything is sealed in the vault, and all versions are registered in one
// tx. The gateway returns only when that tx is committed, so AA means "final on the ledger" (original
// mode, HL7 v2.5.1 §2.9.2): a message whose records are not final is never acknowledged AA.
//
// Messages about one patient are written in the order they arrived (a per-patient queue); messages about
// different patients proceed in parallel. Delivery is at least once: a message acknowledged AA is logged
// (node/storage/hl7-message-log.ts), and the same message re-sent gets the same ACK and writes nothing.
//
// A message in enhanced acknowledgement mode (MSH-15 or MSH-16 valued) is answered CA once it is durable
// in the node, and its application ACK comes when it is final (enhanced.ts); refusals before that are
// CR and CE instead of AR and AE.
import {
  acceptCodeOf,
  buildAck,
  isAckWanted,
  isEnhancedMode,
  type AckCode,
  type AckError,
} from '../../app/hl7/ack.ts';
import {
  mapHl7Message,
  MappingError,
  readHeader,
  type MappedMessage,
  type MessageHeader,
} from '../../app/hl7/messages.ts';
import { parseEr7, Er7Error, type Er7Message } from '../../app/hl7/er7.ts';
import { messageRecords } from '../../app/hl7/msh.ts';
import { toHex, utf8 } from '../../core/bytes.ts';
import { sha256 } from '../../core/crypto/index.ts';
import type { Clock } from '../../node/env.ts';
import type { Hl7MessageLog, MessageKey } from '../../node/storage/hl7-message-log.ts';
import type { Hl7Sender } from '../../node/hl7-config.ts';
import type { CarechainNode } from '../../node/node.ts';
import { resolveCaller, type Caller } from '../auth/caller.ts';
import { AuthError } from '../auth/errors.ts';
import { scopesOf } from '../auth/scopes.ts';
import { FhirError } from '../fhir/operation-outcome.ts';
import type { RecordsGateway } from '../records/gateway.ts';
import { heldRecordOf, isoTime } from '../records/resources.ts';
import { BatchedAckLog } from './batched-ack-log.ts';
import { EnhancedAcks, type AckChannel } from './enhanced.ts';
import { GroupCommit } from './group-commit.ts';
import { KeyedQueue } from './keyed-queue.ts';
import { finalOf, logUpdateOf, type LoggedAnswer } from './log-update.ts';

/** What the interface may do in the records: create and update, nothing else (SMART v2 scope). */
const INTERFACE_SCOPES = scopesOf('user/*.cu');

export interface Hl7IngestDependencies {
  readonly node: CarechainNode;
  readonly gateway: RecordsGateway;
  readonly clock: Clock;
  readonly log: Hl7MessageLog;
  /** Test hook (CARECHAIN_TEST_HL7_HOLD): enhanced-mode messages are accepted and kept, not processed. */
  readonly holdInbox?: boolean;
  readonly onError?: (err: unknown) => void;
  /** Enhanced mode: each application ACK, with the time from the message's arrival (metrics). */
  readonly onApplicationAck?: (sender: string, code: AckCode, seconds: number) => void;
}

export interface Hl7Outcome {
  /** The ACK to send back on the connection; undefined when the sender's MSH-15 asked for none. */
  readonly ack: string | undefined;
  /** An ACK to send right after it (enhanced mode: a re-sent message's application ACK). */
  readonly then?: string;
  readonly code: AckCode;
  /** For metrics and logs: never PHI (the sender and MSH-10 only). */
  readonly sender: string;
  readonly controlId: string;
}

/** An outcome whose ACK is sent. */
type Answered = Hl7Outcome & { readonly ack: string };

export class Hl7Ingest {
  private readonly senders: ReadonlyMap<string, Hl7Sender>;
  private readonly queue = new KeyedQueue();
  private readonly enhanced: EnhancedAcks;
  /** Concurrent messages of one writer share a transaction (group-commit.ts). */
  private readonly writes: GroupCommit<Caller>;
  /** The AA log rows of messages answered together, in one database transaction. */
  private readonly ackLog: BatchedAckLog;
  private ackSequence = 0;

  constructor(
    options: { readonly senders: readonly Hl7Sender[] },
    private readonly deps: Hl7IngestDependencies,
  ) {
    this.senders = new Map(options.senders.map((s) => [s.facility, s]));
    this.ackLog = new BatchedAckLog(deps.log);
    this.writes = new GroupCommit<Caller>(
      (caller, entry) => deps.gateway.bundle(caller, { resourceType: 'Bundle', type: 'transaction', entry }),
      (err) => err instanceof FhirError && (err.statusCode === 503 || err.statusCode === 429),
    );
    this.enhanced = new EnhancedAcks({
      log: deps.log,
      clock: deps.clock,
      senders: this.senders,
      settle: (text, key) => this.settle(text, key),
      ...(deps.holdInbox === true ? { hold: true } : {}),
      ...(deps.onError === undefined ? {} : { onError: deps.onError }),
      ...(deps.onApplicationAck === undefined ? {} : { observe: deps.onApplicationAck }),
    });
  }

  /** Picks up the enhanced-mode messages a stopped node had accepted and not answered or delivered. */
  resume(): void {
    this.enhanced.resume();
  }

  stop(): void {
    this.enhanced.stop();
  }

  /** Whether node.json names this sending facility. */
  isConfigured(sender: string): boolean {
    return this.senders.has(sender);
  }

  /**
   * Handles one message and answers its ACK (in enhanced mode its accept ACK; the application ACK goes
   * to `channel`, or the sender's ackTo, later); never throws for anything a sender can send.
   */
  async handle(text: string, channel?: AckChannel): Promise<Hl7Outcome> {
    const receivedAtMs = this.deps.clock.nowMs();
    let header: Partial<MessageHeader> = {};
    let parsed: Er7Message;
    try {
      parsed = parseEr7(text);
      header = readHeader(parsed);
    } catch (err) {
      if (!(err instanceof Er7Error)) throw err;
      return this.answer(header, 'AR', { code: '100', text: err.message });
    }
    // Decide before looking: an unknown sender's message is not mapped, stored or logged.
    const sender = header.sender === undefined ? undefined : this.senders.get(header.sender);
    if (sender === undefined) {
      return this.refuse(header, 'AR', {
        code: '204',
        text: 'the sending facility is not configured at this node',
      });
    }
    let mapped: MappedMessage;
    try {
      mapped = mapHl7Message(parsed);
    } catch (err) {
      if (!(err instanceof MappingError)) throw err;
      const location = err.location === undefined ? {} : { location: err.location };
      const error = { code: err.code, text: err.message, ...location };
      const refused = this.refuse(header, err.ack, error);
      // The header was read (readHeader), so the message can be named in the log.
      const full = header as MessageHeader;
      this.logAnswer({ header: full, key: keyOf(full, text), receivedAtMs, code: refused.code, error });
      return refused;
    }
    const key = keyOf(mapped.header, text);
    if (isEnhancedMode(mapped.header)) {
      const accepted = this.enhanced.accept(mapped.header, key, text, channel);
      // A re-send of a message answered before is not news for the log (its row says how it ended).
      if (accepted.then === undefined) {
        const { code, error } = accepted;
        this.logAnswer({ header: mapped.header, key, receivedAtMs, code, error });
      }
      const answered = this.answer(mapped.header, accepted.code, accepted.error);
      // MSH-15 says whether the sender wants the accept ACK (ER: only a CE, SU: only a CA …).
      const outcome = isAckWanted(mapped.header.acceptAckType, accepted.code)
        ? answered
        : { ...answered, ack: undefined };
      return accepted.then === undefined ? outcome : { ...outcome, then: accepted.then };
    }
    return this.queue.run(mapped.patientId, () => this.write(mapped, sender, key, receivedAtMs));
  }

  /**
   * An accepted enhanced-mode message, processed: mapped again (the map is pure) and written in its
   * patient's queue. Queued before it returns, so messages are written in the order they were accepted.
   */
  private settle(text: string, key: MessageKey): Promise<Answered> {
    const mapped = mapHl7Message(text);
    const sender = this.senders.get(key.sender);
    if (sender === undefined) {
      // Accepted, then its facility was taken out of node.json before the node processed it.
      return Promise.resolve(
        this.answer(mapped.header, 'AR', {
          code: '204',
          text: 'the sending facility is not configured at this node',
        }),
      );
    }
    return this.queue.run(mapped.patientId, () => this.write(mapped, sender, key));
  }

  private async write(
    mapped: MappedMessage,
    sender: Hl7Sender,
    key: MessageKey,
    /** Original mode: when it arrived; enhanced mode: its row in the log has that already. */
    receivedAtMs = this.deps.clock.nowMs(),
  ): Promise<Answered> {
    const { header } = mapped;
    const refuse = (error: AckError): Answered => {
      const answered = this.answer(header, 'AE', error);
      this.logAnswer({ header, key, receivedAtMs, code: 'AE', error });
      return answered;
    };
    // Looked up inside the patient's queue: a re-send that arrives while the first is being committed
    // waits for it, then finds it here.
    const logged = this.deps.log.ackOf(key);
    if (logged !== undefined)
      return { ack: logged, code: 'AA', sender: key.sender, controlId: key.controlId };
    let caller: Caller;
    try {
      caller = resolveCaller(this.deps.node.ledger.state, {
        subject: sender.practitioner,
        kind: 'practitioner',
        orgId: this.deps.gateway.custodianOrgId,
        patient: undefined,
        scopes: INTERFACE_SCOPES,
      });
    } catch (err) {
      if (!(err instanceof AuthError)) throw err;
      return refuse({
        code: '207',
        text: "the sender's practitioner is not active clinical staff of this custodian",
      });
    }
    const { merge } = mapped;
    const custodian = this.deps.gateway.custodianOrgId;
    // Decide before writing: an A40 whose prior patient is not held here writes nothing.
    if (
      merge !== undefined &&
      heldRecordOf(this.deps.node.ledger.state, custodian, 'Patient', merge.fromPatientId) === undefined
    ) {
      return refuse({
        code: '204',
        text: 'MRG-1 names a patient this node does not hold',
        location: { segment: 'MRG', field: 1 },
      });
    }
    try {
      const entries = this.entries(mapped);
      await this.writes.submit(sender.practitioner, caller, entries);
      if (merge !== undefined)
        await this.deps.gateway.mergePatients(caller, merge.fromPatientId, mapped.patientId);
      const outcome = this.answer(header, 'AA');
      const atMs = this.deps.clock.nowMs();
      const final = finalOf(this.deps.node.ledger.state, custodian, entries);
      const entry = logUpdateOf({ header, key, receivedAtMs, code: 'AA', atMs, final });
      await this.ackLog.put(key, outcome.ack, atMs, entry);
      return outcome;
    } catch (err) {
      if (!(err instanceof FhirError)) throw err;
      // The issue's code and where, never its diagnostics' values: the text goes back over the wire.
      const first = err.issues[0];
      const path = first?.expression?.[0];
      const where = path === undefined ? '' : ` at ${path}`;
      const transient = err.statusCode === 503 || err.statusCode === 429;
      return refuse({
        code: transient ? '207' : '102',
        text: transient
          ? 'the records were not final on the ledger in time; send the message again'
          : `the records were refused (${first?.code ?? 'invalid'}${where})`,
      });
    }
  }

  /**
   * The message's entries of a transaction Bundle: PUTs (update-as-create under the mapped ids), less what the map says to
   * write only once and the custodian already holds (app/hl7/messages.ts `writeOnce`: an ORU's Patient
   * and order, where only the ADT and the ORM make new versions of them).
   */
  private entries(mapped: MappedMessage): unknown[] {
    const state = this.deps.node.ledger.state;
    const custodian = this.deps.gateway.custodianOrgId;
    const written = mapped.resources.filter((r) => {
      const type = String(r.resourceType);
      const id = String(r.id);
      return !mapped.writeOnce.has(`${type}/${id}`) || heldRecordOf(state, custodian, type, id) === undefined;
    });
    // The message's own records, MSH → MessageHeader and Provenance, naming what it wrote (app/hl7/msh.ts).
    const resources = [
      ...written,
      ...messageRecords({
        msh: mapped.msh,
        sender: mapped.header.sender,
        patientId: mapped.patientId,
        written,
        recordedAt: isoTime(this.deps.clock.nowMs()),
      }),
    ];
    return resources.map((resource) => ({
      resource,
      request: { method: 'PUT', url: `${String(resource.resourceType)}/${String(resource.id)}` },
    }));
  }

  /** Adds an answer other than an AA to the message log page's row; a failure costs the log, not the ACK. */
  private logAnswer(answer: Omit<LoggedAnswer, 'atMs'>): void {
    try {
      this.deps.log.logAnswer(logUpdateOf({ ...answer, atMs: this.deps.clock.nowMs() }));
    } catch (err) {
      this.deps.onError?.(err);
    }
  }

  /**
   * An ACK for the connection. In enhanced mode a refusal before the message is accepted is CR or CE
   * (not AR, AE), and is sent only if MSH-15 asks for it.
   */
  private refuse(header: Partial<MessageHeader>, code: 'AE' | 'AR', error: AckError): Hl7Outcome {
    if (!isEnhancedMode(header)) return this.answer(header, code, error);
    const accept = acceptCodeOf(code);
    const outcome = this.answer(header, accept, error);
    return isAckWanted(header.acceptAckType ?? '', accept) ? outcome : { ...outcome, ack: undefined };
  }

  private answer(header: Partial<MessageHeader>, code: AckCode, error?: AckError): Answered {
    this.ackSequence += 1;
    const nowMs = this.deps.clock.nowMs();
    const ack = buildAck({
      header,
      code,
      ...(error === undefined ? {} : { error }),
      timestamp: hl7Timestamp(nowMs),
      controlId: `CC${nowMs}${String(this.ackSequence).padStart(6, '0')}`,
    });
    return { ack, code, sender: header.sender ?? '', controlId: header.controlId ?? '' };
  }
}

/** How the message logs know a message: its sender, its control id and a digest of its text. */
function keyOf(header: MessageHeader, text: string): MessageKey {
  return { sender: header.sender, controlId: header.controlId, digest: toHex(sha256(utf8(text))) };
}

/** An HL7 DTM in UTC with its zone (YYYYMMDDHHMMSS+0000). */
export function hl7Timestamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 19).replace(/[-:T]/g, '')}+0000`;
}
