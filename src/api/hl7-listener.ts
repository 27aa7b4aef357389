// The MLLP edge (HL7 v2 over TCP, MLLP release 2: each message framed 0x0B … 0x1C 0x0D): a TCP server
// whose connections are @medplum/hl7's Hl7Connection (the framing and the parse into Hl7Message), each
// message handed to the ingest service and its ACK sent back on the same connection.
//
// With TLS (node.json hl7.tls) the same runs over node:tls, mutual when a client CA is named: a sender
// without a certificate from that CA is cut off in the handshake, before it can send a byte.
//
// Bounds: a frame larger than MESSAGE_CHARS_MAX (plus framing) closes the connection before it is
// buffered further; connections are capped; an idle connection is closed. The ACK is sent only when the
// ingest answers, which for AA is after the records are final on chain.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createServer as createTlsServer } from 'node:tls';
import { Hl7Message } from '@medplum/core';
import { Hl7Connection, type Hl7ErrorEvent, type Hl7MessageEvent } from '@medplum/hl7';
import { buildAck } from '../app/hl7/ack.ts';
import { MESSAGE_CHARS_MAX } from '../app/hl7/er7.ts';
import type { Hl7TlsPem } from '../node/hl7-config.ts';
import type { Logger } from 'pino';
import { hl7Timestamp, type Hl7Ingest } from '../services/hl7/ingest.ts';
import type { Hl7Metrics } from './hl7-metrics.ts';

export const CONNECTIONS_MAX = 64;
export const IDLE_TIMEOUT_MS = 10 * 60_000;
/** UTF-8 takes at most 4 bytes a character, and the frame adds 3. */
const FRAME_BYTES_MAX = MESSAGE_CHARS_MAX * 4 + 3;

export interface Hl7ListenerOptions {
  readonly host: string;
  readonly port: number;
  /** MLLP over TLS; with `ca`, mutual TLS (a sender's certificate must chain to it). */
  readonly tls?: Hl7TlsPem;
}

export class Hl7Listener {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly options: Hl7ListenerOptions,
    private readonly deps: {
      readonly ingest: Pick<Hl7Ingest, 'handle' | 'isConfigured'>;
      readonly logger: Logger;
      readonly metrics?: Hl7Metrics;
    },
  ) {}

  /** Listens; resolves with the address (the port when options.port is 0). */
  async start(): Promise<AddressInfo> {
    const { tls } = this.options;
    const server =
      tls === undefined
        ? createServer((socket) => this.accept(socket))
        : createTlsServer(
            {
              cert: tls.cert,
              key: tls.key,
              minVersion: 'TLSv1.2',
              ...(tls.ca === undefined ? {} : { ca: tls.ca, requestCert: true, rejectUnauthorized: true }),
            },
            (socket) => this.accept(socket),
          );
    server.maxConnections = CONNECTIONS_MAX;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return server.address() as AddressInfo;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    this.server = undefined;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.setTimeout(IDLE_TIMEOUT_MS, () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
    // Counted before Hl7Connection buffers: a frame without its end is cut off at the bound.
    let frameBytes = 0;
    socket.on('data', (chunk: Buffer) => {
      frameBytes += chunk.length;
      if (chunk.at(-2) === 0x1c && chunk.at(-1) === 0x0d) frameBytes = 0;
      else if (frameBytes > FRAME_BYTES_MAX) socket.destroy();
    });
    const connection = new Hl7Connection(socket, 'utf-8', false);
    connection.addEventListener(
      'message',
      (event: Hl7MessageEvent) => void this.onMessage(connection, event),
    );
    connection.addEventListener('error', (event: Hl7ErrorEvent) => {
      // Socket errors (a reset, a write after close) carry a code; they end the connection, nothing to answer.
      if ((event.error as { code?: unknown }).code !== undefined) return;
      // A frame that is not an HL7 message (Hl7Message.parse refused it): AR, with no header to answer.
      this.deps.metrics?.observe('unknown', 'AR', 0);
      if (!connection.isClosed()) this.send(connection, this.refusal());
    });
  }

  private async onMessage(connection: Hl7Connection, event: Hl7MessageEvent): Promise<void> {
    let ack: string | undefined;
    let then: string | undefined;
    const startedMs = performance.now();
    // Enhanced mode: the application ACK of a message accepted on this connection comes back on it
    // later, if the sender names no listener of its own and the connection is still open.
    const channel = {
      send: (later: string): boolean => {
        if (connection.isClosed()) return false;
        this.send(connection, later);
        return true;
      },
    };
    try {
      const outcome = await this.deps.ingest.handle(event.message.toString(), channel);
      ack = outcome.ack;
      then = outcome.then;
      const sender = this.deps.ingest.isConfigured(outcome.sender) ? outcome.sender : 'unknown';
      this.deps.metrics?.observe(sender, outcome.code, (performance.now() - startedMs) / 1000);
      // Sender and control id only: the message itself may carry PHI and is never logged.
      this.deps.logger.info(
        { sender: outcome.sender.slice(0, 64), controlId: outcome.controlId.slice(0, 64), ack: outcome.code },
        'hl7 message acknowledged',
      );
    } catch (err) {
      this.deps.logger.error({ err: err instanceof Error ? err.name : 'unknown' }, 'hl7 message failed');
      ack = this.refusal('AE');
      this.deps.metrics?.observe('unknown', 'AE', (performance.now() - startedMs) / 1000);
    }
    for (const frame of [ack, then]) {
      if (frame !== undefined && !connection.isClosed()) this.send(connection, frame);
    }
  }

  private refusal(code: 'AE' | 'AR' = 'AR'): string {
    return buildAck({
      header: {},
      code,
      error: {
        code: code === 'AR' ? '100' : '207',
        text: code === 'AR' ? 'the frame is not an HL7 v2 message' : 'the message could not be processed',
      },
      timestamp: hl7Timestamp(Date.now()),
      controlId: `CC${Date.now()}`,
    });
  }

  private send(connection: Hl7Connection, ack: string): void {
    connection.send(Hl7Message.parse(ack));
  }
}
