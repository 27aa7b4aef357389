// The MLLP edge (HL7 v2 over TCP, MLLP release 2: each message framed 0x0B … 0x1C 0x0D): a TCP server
// whose connections are read by our own deframer (app/hl7/mllp.ts: frames split or joined across reads
// in any way, noise outside frames dropped) and decoded by MSH-18; each message's text goes to the ingest
// service unchanged, and its ACK comes back on the same connection, in the order the messages came.
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
import { buildAck } from '../app/hl7/ack.ts';
import { MESSAGE_CHARS_MAX } from '../app/hl7/er7.ts';
import { CharsetError, decodeFrame, MllpDeframer } from '../app/hl7/mllp.ts';
import type { Hl7TlsPem } from '../node/hl7-config.ts';
import type { Logger } from 'pino';
import { hl7Timestamp, type Hl7Ingest } from '../services/hl7/ingest.ts';
import { mllpFrame } from '../services/hl7/mllp-out.ts';
import type { Hl7Metrics } from './hl7-metrics.ts';

export const CONNECTIONS_MAX = 64;
/**
 * Messages one connection may have unanswered: past this the listener stops reading it (TCP pushes back
 * on the sender) until answers go out. A sender that pipelines without waiting for ACKs is bounded too.
 */
export const IN_FLIGHT_PER_CONNECTION_MAX = 32;
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
        ? createServer({ allowHalfOpen: true }, (socket) => this.accept(socket))
        : createTlsServer(
            {
              allowHalfOpen: true,
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
    // A reset or a write after close ends the connection; there is nothing to answer.
    socket.on('error', () => socket.destroy());
    const frames = new MllpDeframer(FRAME_BYTES_MAX);
    // ACKs go back in the order the messages came, whichever is answered first. At most
    // IN_FLIGHT_PER_CONNECTION_MAX are being handled; the frames past it wait here, and the socket is not
    // read while any wait (so what waits is bounded by one read).
    let answered: Promise<void> = Promise.resolve();
    let inFlight = 0;
    const waiting: Uint8Array[] = [];
    const startWaiting = (): void => {
      while (inFlight < IN_FLIGHT_PER_CONNECTION_MAX && waiting.length > 0) {
        inFlight += 1;
        const outcome = this.onFrame(socket, waiting.shift()!).catch(() => [this.refusal('AE')]);
        answered = answered.then(async () => {
          for (const ack of await outcome) {
            if (ack !== undefined && !socket.destroyed) socket.write(mllpFrame(ack));
          }
          inFlight -= 1;
          startWaiting();
          if (waiting.length === 0 && socket.isPaused()) socket.resume();
        });
      }
    };
    socket.on('data', (chunk: Buffer) => {
      const { frames: complete, overflow } = frames.push(chunk);
      waiting.push(...complete);
      startWaiting();
      if (waiting.length > 0) socket.pause();
      // A frame without its end is cut off at the bound instead of buffered.
      if (overflow) socket.destroy();
    });
    // A sender that half-closes after its message (send, then shut down writing) still gets its ACKs:
    // our side ends once they are written.
    socket.on('end', () => void answered.then(() => socket.end()));
  }

  /** One frame's answers: its ACK, and in enhanced mode perhaps an application ACK right after it. */
  private async onFrame(socket: Socket, frame: Uint8Array): Promise<(string | undefined)[]> {
    const startedMs = performance.now();
    let text: string;
    try {
      text = decodeFrame(frame);
    } catch (err) {
      if (!(err instanceof CharsetError)) throw err;
      this.deps.metrics?.observe('unknown', 'AR', 0);
      return [this.refusal('AR', err.message)];
    }
    // Enhanced mode: the application ACK of a message accepted on this connection comes back on it
    // later, if the sender names no listener of its own and the connection is still open.
    const channel = {
      send: (later: string): boolean => {
        if (socket.destroyed) return false;
        socket.write(mllpFrame(later));
        return true;
      },
    };
    try {
      const outcome = await this.deps.ingest.handle(text, channel);
      const sender = this.deps.ingest.isConfigured(outcome.sender) ? outcome.sender : 'unknown';
      this.deps.metrics?.observe(sender, outcome.code, (performance.now() - startedMs) / 1000);
      // Sender and control id only: the message itself may carry PHI and is never logged.
      this.deps.logger.info(
        { sender: outcome.sender.slice(0, 64), controlId: outcome.controlId.slice(0, 64), ack: outcome.code },
        'hl7 message acknowledged',
      );
      return [outcome.ack, outcome.then];
    } catch (err) {
      this.deps.logger.error({ err: err instanceof Error ? err.name : 'unknown' }, 'hl7 message failed');
      this.deps.metrics?.observe('unknown', 'AE', (performance.now() - startedMs) / 1000);
      return [this.refusal('AE')];
    }
  }

  private refusal(code: 'AE' | 'AR', text = 'the message could not be processed'): string {
    return buildAck({
      header: {},
      code,
      error: { code: code === 'AR' ? '100' : '207', text },
      timestamp: hl7Timestamp(Date.now()),
      controlId: `CC${Date.now()}`,
    });
  }
}
