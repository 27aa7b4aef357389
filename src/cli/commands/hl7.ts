// HL7 v2 in the CLI: `carechain node`'s MLLP listener (composed here from node.json's hl7 section), and
// `carechain hl7 send <file>`, which sends a message file to a listener as an interface engine would
// and prints the ACK, one segment a line (exit 0 on AA or CA, 1 otherwise); `--answers 2` waits, in
// enhanced mode, for the application ACK after the CA; and `carechain hl7 listen`, a receiving end that
// answers AA, for trying a feed.
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { Hl7Listener } from '../../api/hl7-listener.ts';
import type { Hl7Metrics } from '../../api/hl7-metrics.ts';
import type { Clock } from '../../node/env.ts';
import { readHl7Tls, type Hl7Config } from '../../node/hl7-config.ts';
import type { CarechainNode } from '../../node/node.ts';
import type { Hl7MessageLog } from '../../node/storage/hl7-message-log.ts';
import { Hl7FeedSender } from '../../services/hl7/feed.ts';
import { Hl7Ingest } from '../../services/hl7/ingest.ts';
import type { RecordsGateway } from '../../services/records/gateway.ts';
import { ackCodes, mllpAnswers, onTheWire } from '../mllp-client.ts';
import { hl7HoldHook } from '../test-hooks.ts';
import { systemClock } from '../../node/env.ts';
import { createLogger } from '../../node/logger.ts';
import { TestReceiver } from '../../services/hl7/test-receiver.ts';
import { untilSignal } from './shutdown.ts';

/** Starts the node's MLLP listener and says where; stop() closes it. */
export async function startHl7Listener(
  name: string,
  config: Hl7Config,
  deps: {
    node: CarechainNode;
    gateway: RecordsGateway;
    log: Hl7MessageLog;
    logger: Logger;
    clock: Clock;
    metrics?: Hl7Metrics;
  },
): Promise<{ stop(): Promise<void> }> {
  const { metrics } = deps;
  const ingest = new Hl7Ingest(
    { senders: config.senders },
    {
      ...deps,
      holdInbox: hl7HoldHook(),
      onError: (err) =>
        deps.logger.error({ err: err instanceof Error ? err.name : 'unknown' }, 'hl7 message failed'),
      ...(metrics === undefined
        ? {}
        : { onApplicationAck: (sender, code, seconds) => metrics.observe(sender, code, seconds) }),
    },
  );
  // What a stopped node accepted (CA) and had not answered or delivered, before anything new.
  ingest.resume();
  const tls = config.tls === undefined ? {} : { tls: readHl7Tls(config.tls) };
  const listener = new Hl7Listener(
    { host: config.host, port: config.port, ...tls },
    { ingest, logger: deps.logger, ...(deps.metrics === undefined ? {} : { metrics: deps.metrics }) },
  );
  // The outbound feeds: each subscribed system gets the custodian's committed records as HL7 v2.
  const feeds = (config.feeds ?? []).map(
    (feed) =>
      new Hl7FeedSender(feed, { ...deps, onError: (err) => logFeedError(deps.logger, feed.name, err) }),
  );
  const poke = () => feeds.forEach((feed) => feed.poke());
  deps.node.on('block', poke);
  for (const feed of feeds) feed.start();
  const { address, port } = await listener.start();
  const security =
    config.tls === undefined ? '' : config.tls.clientCa === undefined ? ' over TLS' : ' over mutual TLS';
  console.log(
    `${name}: HL7 v2 (MLLP${security}) on ${address}:${port} from ${config.senders.length} sending facilities`,
  );
  for (const feed of config.feeds ?? []) {
    console.log(`${name}: HL7 v2 feed "${feed.name}" to ${feed.host}:${feed.port}`);
  }
  return {
    stop: async () => {
      deps.node.off('block', poke);
      for (const feed of feeds) feed.stop();
      ingest.stop();
      await listener.stop();
    },
  };
}

/** A feed that cannot deliver says so once per outage, naming the feed and the error's kind only. */
function logFeedError(logger: Logger, feed: string, err: unknown): void {
  const code = (err as { code?: unknown }).code;
  logger.warn(
    { feed, err: typeof code === 'string' ? code : err instanceof Error ? err.name : 'unknown' },
    'hl7 feed waiting',
  );
}

export async function runHl7Send(options: {
  file: string;
  host: string;
  port: number;
  ca?: string;
  cert?: string;
  key?: string;
  timeoutMs: number;
  /** ACKs to wait for on the connection: 2 in enhanced mode for the CA and the application ACK. */
  answers?: number;
}): Promise<void> {
  const text = onTheWire(readFileSync(options.file, 'utf8'));
  const read = (path: string | undefined) => (path === undefined ? undefined : readFileSync(path, 'utf8'));
  const ca = read(options.ca);
  const tls =
    ca === undefined
      ? undefined
      : {
          ca,
          ...(options.cert === undefined ? {} : { cert: read(options.cert)! }),
          ...(options.key === undefined ? {} : { key: read(options.key)! }),
        };
  const acks = await mllpAnswers(options.port, text, options.answers ?? 1, options.timeoutMs, {
    host: options.host,
    ...(tls === undefined ? {} : { tls }),
  });
  console.log(acks.map((ack) => ack.split('\r').filter(Boolean).join('\n')).join('\n\n'));
  if (acks.some((ack) => !['AA', 'CA'].includes(ackCodes(ack).msa))) process.exitCode = 1;
}

/**
 * `carechain hl7 listen`: an MLLP end for trying a node's outbound feed, or enhanced mode's ACKs, without
 * a real EHR. It answers AA to every message, prints a line a message (sending facility, type, MSH-10),
 * and with `show` the message itself; it keeps nothing. Same framing and bounds as the node's listener.
 */
export async function runHl7Listen(options: {
  host: string;
  port: number;
  /** Print each message's segments too: test data only, as a message may carry PHI. */
  show: boolean;
}): Promise<void> {
  const receiver = new TestReceiver({
    nowMs: () => systemClock.nowMs(),
    onMessage: ({ header, text, ack }) => {
      const at = new Date(systemClock.nowMs()).toISOString().slice(11, 19);
      const about =
        header === undefined
          ? 'not an HL7 v2 message'
          : `${header.sendingFacility || header.sendingApplication || '?'}  ${header.type}  ${header.controlId}`;
      console.log(`${at}  ${about}  -> ${ack}`);
      if (options.show) console.log(`${text.split('\r').filter(Boolean).join('\n')}\n`);
    },
  });
  const listener = new Hl7Listener(
    { host: options.host, port: options.port },
    { ingest: receiver, logger: createLogger() },
  );
  const { address, port } = await listener.start();
  console.log(
    `HL7 v2 (MLLP) test receiver on ${address}:${port}: every message is answered AA. Ctrl-C stops.`,
  );
  await untilSignal(() => listener.stop());
}
