// The listening half: a TLS 1.3 HTTP/2 server that admits only sessions whose client certificate holds
// an allow-listed node key, reads bounded JSON bodies, and hands them to the handlers. A peer can get
// an error status from here, never an exception into the node.
import {
  createSecureServer,
  type Http2SecureServer,
  type Http2Session,
  type IncomingHttpHeaders,
  type ServerHttp2Stream,
} from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import { CoreError } from '../../core/errors.ts';
import { NodeError } from '../errors.ts';
import { keyId, peerPublicKey, type TlsIdentity } from './identity.ts';
import type { Counters, TransportHandlers } from './types.ts';
import {
  answer,
  answerError,
  GOSSIP_PATH,
  METHOD_PATTERN,
  parseJson,
  readBody,
  REQUEST_PATH_PREFIX,
  sessionMemoryMb,
  toJson,
  CONNECTION_WINDOW_BYTES,
  STREAM_WINDOW_BYTES,
} from './wire.ts';

export interface InboundContext {
  readonly identity: TlsIdentity;
  /** Read at every new session and by dropDisallowed(): the transport changes it in place. */
  readonly allowedKeys: ReadonlySet<string>;
  readonly handlers: TransportHandlers;
  readonly logger: Logger;
  readonly messageBytesMax: number;
  readonly pingIntervalMs: number;
  readonly counters: Counters;
  /** Called for every well-formed body, with the sender's key. */
  readonly onSeen: (fromKey: string) => void;
}

/** Streams one peer may have open at once; with messageBytesMax this bounds a peer's inbound memory. */
const STREAMS_PER_PEER_MAX = 16;
const HANDSHAKE_TIMEOUT_MS = 10_000;
/** Inbound sessions silent for this many PING intervals are gone: a live peer pings every interval. */
const IDLE_PING_INTERVALS = 6;
/** Body problems the peer caused: answered 4xx and counted, unlike our own failures. */
const BODY_ERRORS = new Set(['p2p.body_too_large', 'p2p.malformed_body', 'p2p.bad_batch']);

export class InboundServer {
  private readonly server: Http2SecureServer;
  private readonly sessions = new Map<Http2Session, string>();
  private readonly sockets = new Set<Socket>();
  private closing = false;

  constructor(private readonly ctx: InboundContext) {
    const log = ctx.logger;
    this.server = createSecureServer({
      key: ctx.identity.keyPem,
      cert: ctx.identity.certPem,
      minVersion: 'TLSv1.3',
      allowHTTP1: false,
      requestCert: true,
      // Client certificates are self-signed; onSession checks the key inside instead.
      rejectUnauthorized: false,
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
      maxSessionMemory: sessionMemoryMb(ctx.messageBytesMax),
      settings: {
        maxConcurrentStreams: STREAMS_PER_PEER_MAX,
        initialWindowSize: STREAM_WINDOW_BYTES,
        enablePush: false,
      },
    });
    // Raw TCP sockets, so close() can end them: a destroyed session whose peer stopped reading waits
    // for its socket to drain, and server.close() waits for every socket.
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    this.server.on('session', (session) => this.onSession(session));
    this.server.on('stream', (stream, headers) => this.onStream(stream, headers));
    this.server.on('tlsClientError', (err: NodeJS.ErrnoException) =>
      log.debug({ err: err.code }, 'tls handshake failed'),
    );
    this.server.on('sessionError', (err: NodeJS.ErrnoException) =>
      log.debug({ err: err.code }, 'inbound session error'),
    );
  }

  async listen(host: string, port: number): Promise<number> {
    const server = this.server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err: NodeJS.ErrnoException) =>
      this.ctx.logger.error({ err: err.code }, 'p2p server error'),
    );
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.closing = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const session of this.sessions.keys()) session.destroy();
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  /** Closes the sessions of keys no longer allowed (the allow-list changed under them). */
  dropDisallowed(): void {
    for (const [session, key] of this.sessions) {
      if (this.ctx.allowedKeys.has(key)) continue;
      this.ctx.logger.warn({ peer: keyId(key) }, 'peer no longer allowed; closing its session');
      session.destroy();
    }
  }

  /**
   * Runs once a connection's TLS handshake is complete and before its session reads a frame: a client
   * without an allow-listed key is cut off here, so no handler ever sees its streams.
   */
  private onSession(session: Http2Session): void {
    const key = peerPublicKey(session.socket as TLSSocket);
    if (key === null || !this.ctx.allowedKeys.has(key) || this.closing) {
      this.ctx.counters.connectionsRefused++;
      const remote = session.socket.remoteAddress;
      this.ctx.logger.warn(
        { code: 'p2p.peer_refused', peer: key && keyId(key), remote },
        'inbound peer refused',
      );
      session.destroy();
      return;
    }
    this.sessions.set(session, key);
    // PING frames do not count as activity for a session's timeout, so each PING re-arms it: a peer
    // that stops pinging (dead host, cut cable) is dropped, an idle but live one is kept.
    const idleMs = IDLE_PING_INTERVALS * this.ctx.pingIntervalMs;
    session.setTimeout(idleMs);
    session.on('timeout', () => session.destroy());
    session.on('ping', () => session.setTimeout(idleMs));
    session.on('error', (err: NodeJS.ErrnoException) =>
      this.ctx.logger.debug({ peer: keyId(key), err: err.code }, 'inbound error'),
    );
    session.on('close', () => this.sessions.delete(session));
    // A session the peer already tore down throws on setLocalWindowSize; its 'close' cleans up.
    if (!session.destroyed && !session.closed) session.setLocalWindowSize(CONNECTION_WINDOW_BYTES);
  }

  private onStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void {
    stream.on('error', (err: NodeJS.ErrnoException) =>
      this.ctx.logger.debug({ err: err.code }, 'inbound stream error'),
    );
    const fromKey = this.sessions.get(stream.session as Http2Session);
    // Unreachable while onSession runs first; kept so that a change there cannot open the handlers.
    if (fromKey === undefined) return answerError(stream, 403, 'p2p.peer_refused');
    const path = headers[':path'] ?? '';
    if (headers[':method'] !== 'POST') return answerError(stream, 405, 'p2p.method_not_allowed');
    const isGossip = path === GOSSIP_PATH;
    if (!isGossip && !path.startsWith(REQUEST_PATH_PREFIX)) return answerError(stream, 404, 'p2p.not_found');
    const method = path.slice(REQUEST_PATH_PREFIX.length);
    if (!isGossip && !METHOD_PATTERN.test(method)) return answerError(stream, 400, 'p2p.bad_method');
    // A declared length is only a claim, but one over the limit needs no reading; readBody counts the rest.
    if (Number(headers['content-length'] ?? 0) > this.ctx.messageBytesMax) {
      return this.refuseBody(stream, fromKey, 'p2p.body_too_large');
    }
    readBody(stream, this.ctx.messageBytesMax)
      .then((raw) => {
        const body = parseJson(raw);
        this.ctx.onSeen(fromKey);
        return isGossip
          ? this.onGossip(stream, fromKey, body)
          : this.onRequest(stream, fromKey, method, body);
      })
      .catch((err: unknown) => {
        const code = err instanceof NodeError ? err.code : 'p2p.internal';
        if (code === 'p2p.stream_closed') return; // the peer gave up; nobody to answer
        if (BODY_ERRORS.has(code)) return this.refuseBody(stream, fromKey, code);
        this.ctx.logger.error({ peer: keyId(fromKey), code }, 'inbound stream failed');
        answerError(stream, 500, 'p2p.internal');
      });
  }

  private onGossip(stream: ServerHttp2Stream, fromKey: string, body: unknown): void {
    if (!Array.isArray(body)) throw new NodeError('p2p.bad_batch', 'a gossip body is a JSON array');
    this.ctx.counters.messagesReceived += body.length;
    try {
      if (body.length > 0) this.ctx.handlers.onMessages(fromKey, body);
    } catch (err) {
      // A handler bug must not become the sender's problem, nor crash the node; logged without content.
      const name = err instanceof Error ? err.name : 'unknown';
      this.ctx.logger.error({ peer: keyId(fromKey), err: name }, 'gossip handler threw');
    }
    answer(stream, 204);
  }

  private async onRequest(
    stream: ServerHttp2Stream,
    fromKey: string,
    method: string,
    params: unknown,
  ): Promise<void> {
    let result: unknown;
    try {
      result = await this.ctx.handlers.onRequest(fromKey, method, params);
    } catch (err) {
      // Only a code crosses the wire: an error message is ours, not the peer's, to read.
      const code = err instanceof CoreError ? err.code : 'p2p.handler_failed';
      this.ctx.logger.warn({ peer: keyId(fromKey), method, code }, 'request handler failed');
      return answerError(stream, 500, code);
    }
    const json = toJson({ result });
    if (Buffer.byteLength(json) > this.ctx.messageBytesMax)
      return answerError(stream, 500, 'p2p.answer_too_large');
    answer(stream, 200, json);
  }

  private refuseBody(stream: ServerHttp2Stream, fromKey: string, code: string): void {
    this.ctx.counters.bodiesRefused++;
    this.ctx.logger.warn({ peer: keyId(fromKey), code }, 'inbound body refused');
    answerError(stream, code === 'p2p.body_too_large' ? 413 : 400, code);
  }
}
