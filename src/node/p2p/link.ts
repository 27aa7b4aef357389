// One outbound connection to one peer: dial, check that the server holds the key we expect, then carry
// our gossip (FIFO, batched, one batch in flight) and our requests. A peer that is down or restarts is
// redialled after a delay, forever; nothing a peer does may throw out of here.
import { connect, constants, type ClientHttp2Session, type ClientHttp2Stream } from 'node:http2';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import { NodeError } from '../errors.ts';
import { keyId, peerPublicKey, type TlsIdentity } from './identity.ts';
import { OutboundQueue } from './queue.ts';
import type { Counters } from './types.ts';
import {
  GOSSIP_PATH,
  JSON_CONTENT_TYPE,
  parseJson,
  readBody,
  remoteErrorCode,
  REQUEST_PATH_PREFIX,
  sessionMemoryMb,
  CONNECTION_WINDOW_BYTES,
  STREAM_WINDOW_BYTES,
} from './wire.ts';

export interface PeerAddress {
  readonly publicKey: string;
  readonly host: string;
  readonly port: number;
}

/** What every link of one transport shares. */
export interface LinkContext {
  readonly identity: TlsIdentity;
  readonly logger: Logger;
  readonly messageBytesMax: number;
  readonly queueMessagesMax: number;
  readonly queueBytesMax: number;
  readonly reconnectDelayMs: number;
  /** A PING still unanswered one interval later means the connection is dead (RFC 9113 §6.7). */
  readonly pingIntervalMs: number;
  readonly nowMs: () => number;
  readonly counters: Counters;
}

/** Gives up on a dial that has not completed its handshake and first PING round trip by then. */
const CONNECT_TIMEOUT_MS = 10_000;
/** Longest wait for a peer to acknowledge one gossip batch (up to messageBytesMax of it). */
const GOSSIP_TIMEOUT_MS = 30_000;

export class PeerLink {
  lastSeenMs: number | null = null;
  private readonly queue: OutboundQueue;
  private session: ClientHttp2Session | null = null;
  private ready = false;
  private stopped = false;
  private inFlight = false;
  private flushScheduled = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private pingOutstanding = false;
  /** The raw TLS socket: the session's own `socket` is a proxy that refuses destroy(). */
  private socket: TLSSocket | null = null;

  constructor(
    readonly address: PeerAddress,
    private readonly ctx: LinkContext,
  ) {
    this.queue = new OutboundQueue(ctx.queueMessagesMax, ctx.queueBytesMax, ctx.messageBytesMax);
  }

  get connected(): boolean {
    return this.ready;
  }

  get queued(): number {
    return this.queue.length;
  }

  connect(): void {
    if (this.stopped || this.session !== null) return;
    const { host, port } = this.address;
    const authority = `https://${host.includes(':') ? `[${host}]` : host}:${port}`; // IPv6 in brackets
    const session = connect(authority, {
      key: this.ctx.identity.keyPem,
      cert: this.ctx.identity.certPem,
      minVersion: 'TLSv1.3',
      // Self-signed on purpose: the server's key is checked against the one we expect on 'connect'.
      rejectUnauthorized: false,
      settings: { initialWindowSize: STREAM_WINDOW_BYTES, enablePush: false },
      maxSessionMemory: sessionMemoryMb(this.ctx.messageBytesMax),
    });
    this.session = session;
    const log = this.ctx.logger;
    const peer = keyId(this.address.publicKey);
    const giveUp = setTimeout(() => this.drop(session), CONNECT_TIMEOUT_MS);
    session.on('connect', (_session, socket) => {
      // Under load 'connect' can arrive after the session was dropped (the connect timeout fired, or
      // node:http2 destroyed it): setLocalWindowSize and ping() throw on it, which would kill the node.
      if (this.session !== session || session.destroyed || session.closed) return this.drop(session);
      this.socket = socket as TLSSocket;
      const actual = peerPublicKey(this.socket);
      if (actual !== this.address.publicKey) {
        this.ctx.counters.connectionsRefused++;
        log.warn({ code: 'p2p.peer_key_mismatch', peer, actual: actual && keyId(actual) }, 'peer refused');
        return this.drop(session);
      }
      session.setLocalWindowSize(CONNECTION_WINDOW_BYTES);
      // In TLS 1.3 the client finishes its handshake before the server has checked our certificate,
      // so the link counts as up only once the server answers a PING: a server that refuses our key
      // closes the session before reading any frame.
      session.ping((err) => {
        clearTimeout(giveUp);
        if (err || this.session !== session) return this.drop(session);
        this.ready = true;
        this.ctx.counters.connectionsOpened++;
        this.pingOutstanding = false;
        this.seen();
        log.info({ peer, host, port }, 'peer connected');
        this.pingTimer = setInterval(() => this.keepAlive(session), this.ctx.pingIntervalMs);
        this.scheduleFlush();
      });
    });
    // Dial failures repeat every few seconds while a peer is down, so they are logged at debug level.
    session.on('error', (err: NodeJS.ErrnoException) =>
      log.debug({ peer, err: err.code ?? err.name }, 'peer error'),
    );
    session.on('close', () => {
      clearTimeout(giveUp);
      this.drop(session);
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.session) this.drop(this.session);
  }

  /**
   * Takes a session out of use at once and schedules the redial. It does not wait for 'close': a
   * destroyed session with unsent data can wait a long time for its socket to drain, so the socket is
   * destroyed too.
   */
  private drop(session: ClientHttp2Session): void {
    if (this.session === session) {
      if (this.ready && !this.stopped) {
        const { host, port } = this.address;
        this.ctx.logger.warn({ peer: keyId(this.address.publicKey), host, port }, 'peer disconnected');
      }
      this.session = null;
      this.ready = false;
      if (this.pingTimer) clearInterval(this.pingTimer);
      this.pingTimer = null;
      if (!this.stopped) this.reconnectTimer = setTimeout(() => this.connect(), this.ctx.reconnectDelayMs);
      this.socket?.destroy();
      this.socket = null;
    }
    session.destroy();
  }

  /** Queues one message (its JSON text); the queue is bounded and drops its oldest when full. */
  enqueue(json: string, bytes: number): void {
    this.ctx.counters.messagesDropped += this.queue.push(json, bytes);
    this.scheduleFlush();
  }

  /** One request on its own stream; settles with the peer's result, or a NodeError with a code. */
  request(method: string, body: string, timeoutMs: number): Promise<unknown> {
    const stream = this.post(REQUEST_PATH_PREFIX + method, body);
    if (stream === null) {
      return Promise.reject(new NodeError('p2p.peer_not_connected', 'peer is not connected', { method }));
    }
    let status = 0;
    stream.on('response', (headers) => (status = Number(headers[':status'])));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      stream.close(constants.NGHTTP2_CANCEL);
    }, timeoutMs);
    const failed = (): NodeError =>
      timedOut
        ? new NodeError('p2p.request_timeout', 'no answer in time', { method, timeoutMs })
        : new NodeError('p2p.request_failed', 'request did not complete', { method });
    return readBody(stream, this.ctx.messageBytesMax)
      .then(
        (raw) => {
          // A reset stream can still end cleanly, with no answer: that is a failure, not a bad body.
          if (status === 0 || timedOut) throw failed();
          this.seen();
          const value = parseJson(raw) as { result?: unknown } | null;
          if (status === 200) return value?.result;
          const code = remoteErrorCode(value);
          throw new NodeError('p2p.request_failed', 'peer answered with an error', { method, status, code });
        },
        (err: unknown) => {
          stream.close(constants.NGHTTP2_CANCEL);
          throw err instanceof NodeError && err.code === 'p2p.body_too_large' ? err : failed();
        },
      )
      .finally(() => clearTimeout(timer));
  }

  /** Opens a POST stream, or returns null when there is no usable connection right now. */
  private post(path: string, body: string): ClientHttp2Stream | null {
    const session = this.session;
    // A session can be destroyed, or closed by a GOAWAY, a little before its 'close' event clears it.
    if (!this.ready || session === null || session.destroyed || session.closed) return null;
    let stream: ClientHttp2Stream;
    try {
      stream = session.request({
        ':method': 'POST',
        ':path': path,
        'content-type': JSON_CONTENT_TYPE,
        'content-length': Buffer.byteLength(body),
      });
    } catch {
      return null; // e.g. out of stream ids; the session closes and is redialled
    }
    stream.on('error', (err: NodeJS.ErrnoException) =>
      this.ctx.logger.debug(
        { peer: keyId(this.address.publicKey), err: err.code ?? err.name },
        'peer stream error',
      ),
    );
    stream.end(body);
    return stream;
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // setImmediate lets everything queued in this turn of the event loop travel as one batch.
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    const session = this.session;
    if (!this.ready || session === null || this.inFlight || this.queue.length === 0) return;
    const batch = this.queue.take();
    const stream = this.post(GOSSIP_PATH, `[${batch.map((m) => m.json).join(',')}]`);
    if (stream === null) {
      this.ctx.counters.messagesDropped += this.queue.unshift(batch);
      return; // flushed again once reconnected
    }
    this.inFlight = true;
    let status = 0;
    stream.on('response', (headers) => (status = Number(headers[':status'])));
    stream.resume();
    // A live peer that never answers would otherwise stall our gossip to it for good.
    const timer = setTimeout(() => stream.close(constants.NGHTTP2_CANCEL), GOSSIP_TIMEOUT_MS);
    stream.on('close', () => {
      clearTimeout(timer);
      this.inFlight = false;
      if (status === 204) {
        this.ctx.counters.messagesSent += batch.length;
        this.seen();
      } else if (status === 0 && (session.destroyed || session.closed || this.session !== session)) {
        // The connection failed before an answer: the batch may or may not have arrived. Sending it
        // again after reconnecting risks a duplicate, which receivers already tolerate; losing it
        // would silently drop everything sent while a dead connection went unnoticed.
        this.ctx.counters.messagesDropped += this.queue.unshift(batch);
      } else {
        // Refused, reset or timed out on a live connection: sending it again would likely fail again.
        // A connection that loses answers is not trusted either: it is redialled.
        this.ctx.counters.messagesDropped += batch.length;
        const rst = stream.rstCode ?? null;
        this.ctx.logger.warn(
          { peer: keyId(this.address.publicKey), status, rst },
          'gossip batch not accepted',
        );
        if (status === 0) this.drop(session);
      }
      this.scheduleFlush();
    });
  }

  private keepAlive(session: ClientHttp2Session): void {
    if (this.session !== session) return;
    // ping() throws on a session node:http2 destroyed itself before its 'close' reached us.
    if (this.pingOutstanding || session.destroyed || session.closed) return this.drop(session);
    this.pingOutstanding = true;
    session.ping((err) => {
      if (this.session !== session) return;
      this.pingOutstanding = false;
      if (!err) this.seen();
    });
  }

  private seen(): void {
    this.lastSeenMs = this.ctx.nowMs();
  }
}
