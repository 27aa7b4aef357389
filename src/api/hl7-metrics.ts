// Per-channel HL7 metrics for /metrics (issue 21): messages received and acknowledged by code, and the
// time from a message's arrival to its AA (records final on chain), per sending facility. A facility
// label only ever names a configured sender (others are counted as "unknown"), so a stranger cannot grow
// the label set; no label carries a control id or anything from the message's body.
import { Counter, Histogram, Registry } from 'prom-client';

export class Hl7Metrics {
  readonly registry = new Registry();
  private readonly acks = new Counter({
    name: 'carechain_hl7_messages_total',
    help: 'HL7 v2 messages answered over MLLP, by sending facility and acknowledgement code (AA, AE, AR; CA, CE, CR).',
    labelNames: ['sender', 'ack'],
    registers: [this.registry],
  });
  private readonly toFinal = new Histogram({
    name: 'carechain_hl7_message_to_final_seconds',
    help: 'From an HL7 v2 message received to its AA, sent once its records are final on chain.',
    labelNames: ['sender'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  observe(sender: string, ack: string, seconds: number): void {
    this.acks.inc({ sender, ack });
    if (ack === 'AA') this.toFinal.observe({ sender }, seconds);
  }
}
