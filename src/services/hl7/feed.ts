// The outbound feed (issue 21 §5): a downstream system subscribed (node.json hl7.feeds) to this
// custodian's committed records gets them as HL7 v2 over MLLP: each Patient registered as ADT^A04 (new)
// or A08 (updated), each DiagnosticReport as ORU^R01 with its Observations (app/hl7/outbound.ts). This is
// how carechain feeds a legacy EHR.
//
// Committed blocks are read in height order from where the feed's cursor stands; the messages of a block
// go into the feed's durable outbox (the hl7 store, sealed) in the same transaction that moves the
// cursor past it, so a restart neither skips nor repeats one. Delivery takes the outbox in order, one
// message at a time, and retries with back-off until the receiver takes it: a receiver that restarts
// gets everything, in order, at least once. A new feed starts at the tip: it is sent what is committed
// after it was configured.
import type { Json } from '../../app/hl7/datatypes.ts';
import { patientToAdt, reportToOru, type OutboundHeader } from '../../app/hl7/outbound.ts';
import type { Clock } from '../../node/env.ts';
import type { Hl7Feed } from '../../node/hl7-config.ts';
import type { CarechainNode } from '../../node/node.ts';
import type { Hl7MessageLog } from '../../node/storage/hl7-message-log.ts';
import type { RecordsGateway } from '../records/gateway.ts';
import { hl7Timestamp } from './ingest.ts';
import { sendMllpFrame } from './mllp-out.ts';

/** Blocks turned into messages per step, so a feed far behind catches up without a long pause. */
const BLOCKS_PER_STEP = 100;
const RETRY_MS_MAX = 30_000;
const IDLE_MS = 1_000;
/** The purpose the node reads its own records under to send them (it logs no access for itself). */
const PURPOSE = 'TREAT';

interface Registration {
  readonly recordId: string;
  readonly version: number;
  readonly resourceType: string;
  readonly custodianOrgId: string;
}

/** The registrations of a committed tx, if it is a records registration. */
function registrationsOf(type: string, payload: unknown): Registration[] {
  if (type === 'records.register') return [payload as Registration];
  if (type !== 'records.registerBatch') return [];
  const registrations = (payload as { registrations?: unknown }).registrations;
  return Array.isArray(registrations) ? (registrations as Registration[]) : [];
}

const referencedId = (reference: unknown, type: string): string | undefined => {
  const value = (reference as { reference?: unknown } | undefined)?.reference;
  return typeof value === 'string' && value.startsWith(`${type}/`) ? value.slice(type.length + 1) : undefined;
};

export class Hl7FeedSender {
  private stopped = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly feed: Hl7Feed,
    private readonly deps: {
      readonly node: CarechainNode;
      readonly gateway: RecordsGateway;
      readonly log: Hl7MessageLog;
      readonly clock: Clock;
      readonly onError?: (err: unknown) => void;
    },
  ) {}

  start(): void {
    if (this.deps.log.feedCursor(this.feed.name) === undefined) {
      this.deps.log.enqueue(this.feed.name, [], this.deps.node.ledger.tip().height);
    }
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  /** A block was committed: there may be records to send. */
  poke(): void {
    this.wake?.();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        await this.collect();
        const next = this.deps.log.nextOutgoing(this.feed.name);
        if (next === undefined) {
          await this.pause(IDLE_MS);
          continue;
        }
        await sendMllpFrame(this.feed, next.text);
        if (this.stopped) return;
        this.deps.log.sent(next.seq);
        failures = 0;
      } catch (err) {
        // The receiver is down or restarting (or a block could not be read): try again, backing off.
        if (this.stopped) return;
        failures += 1;
        if (failures === 1) this.deps.onError?.(err);
        await this.pause(Math.min(RETRY_MS_MAX, 250 * 2 ** Math.min(failures, 7)));
      }
    }
  }

  /** Turns the committed blocks past the feed's cursor into outbox messages (a step of them). */
  private async collect(): Promise<void> {
    const from = (this.deps.log.feedCursor(this.feed.name) ?? 0) + 1;
    const to = Math.min(this.deps.node.ledger.tip().height, from + BLOCKS_PER_STEP - 1);
    for (let height = from; height <= to && !this.stopped; height += 1) {
      const messages = await this.messagesOf(height);
      this.deps.log.enqueue(this.feed.name, messages, height);
    }
  }

  private async messagesOf(height: number): Promise<{ label: string; text: string }[]> {
    const custodian = this.deps.gateway.custodianOrgId;
    const out: { label: string; text: string }[] = [];
    const hashes = this.deps.node.ledger.blockTxHashes(height);
    for (const [t, hash] of hashes.entries()) {
      const stored = this.deps.node.ledger.tx(hash);
      if (stored === undefined) continue;
      const registrations = registrationsOf(stored.tx.type, stored.tx.payload);
      for (const [i, registration] of registrations.entries()) {
        if (registration.custodianOrgId !== custodian) continue;
        const label = `${height}-${t}-${i}`;
        const text = await this.messageOf(registration, label);
        if (text !== undefined) out.push({ label, text });
      }
    }
    return out;
  }

  /** The message a registered record makes, if its type is one a feed carries and it can be read. */
  private async messageOf(registration: Registration, label: string): Promise<string | undefined> {
    const header: OutboundHeader = {
      sendingFacility: this.deps.gateway.custodianOrgId,
      receivingFacility: this.feed.name,
      timestamp: hl7Timestamp(this.deps.clock.nowMs()),
      controlId: `CC-${label}`,
    };
    const read = (type: string, id: string) => this.read(type, id);
    if (registration.resourceType === 'Patient') {
      const patient = await read('Patient', registration.recordId);
      return patient === undefined ? undefined : patientToAdt(patient, header, registration.version === 1);
    }
    if (registration.resourceType !== 'DiagnosticReport') return undefined;
    const report = await read('DiagnosticReport', registration.recordId);
    const patientId = referencedId(report?.subject, 'Patient');
    const patient = patientId === undefined ? undefined : await read('Patient', patientId);
    if (report === undefined || patient === undefined) return undefined;
    const results = Array.isArray(report.result) ? (report.result as unknown[]) : [];
    const observations: Json[] = [];
    for (const result of results) {
      const id = referencedId(result, 'Observation');
      const observation = id === undefined ? undefined : await read('Observation', id);
      if (observation !== undefined) observations.push(observation);
    }
    return reportToOru(patient, report, observations, header);
  }

  /** A record held here, as the node reads its own (no access event); undefined if it cannot be read. */
  private async read(type: string, id: string): Promise<Json | undefined> {
    try {
      return await this.deps.gateway.read({ kind: 'node' }, type, id, PURPOSE);
    } catch {
      // Erased, or a registration whose record state does not hold: nothing to send for it.
      return undefined;
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      this.wake = done;
    });
  }
}
