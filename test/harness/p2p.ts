// Helpers for the p2p integration tests: deterministic keys, transports on loopback that record what
// they receive, a raw HTTP/2 client for sending what a well-behaved node never would, and bounded
// polling (tests wait for conditions, never for a fixed time).
import { connect, type ClientHttp2Session } from 'node:http2';
import { connect as tcpConnect, createServer, type Socket } from 'node:net';
import pino from 'pino';
import { freePorts } from './ports.ts';
import { utf8 } from '../../src/core/bytes.ts';
import { CoreError } from '../../src/core/errors.ts';
import { sha256 } from '../../src/core/crypto/index.ts';
import { keyPairFromSeed, type KeyPair } from '../../src/node/keys.ts';
import { createTlsIdentity } from '../../src/node/p2p/identity.ts';
import { P2PTransport, type PeerAddress, type TransportOptions } from '../../src/node/p2p/transport.ts';

export const HOST = '127.0.0.1';

/** The p2p tests' per-test bound: a hung socket fails its test instead of the whole run. */
export const TIMEOUT = { timeout: 60_000 };

export function testKey(label: string): KeyPair {
  return keyPairFromSeed(sha256(utf8(`p2p-test/${label}`)));
}

/** A port no other test of the run is given; transports bind it later, so peers can be told it in advance. */
export async function freePort(): Promise<number> {
  const [port] = (await freePorts(1)) as [number];
  return port;
}

/** A transport and everything it received, by sender. */
export class TestNode {
  readonly received = new Map<string, unknown[]>();
  readonly transport: P2PTransport;

  constructor(
    readonly key: KeyPair,
    readonly port: number,
    options: Partial<TransportOptions> & Pick<TransportOptions, 'peers' | 'allowedKeys'>,
  ) {
    this.transport = new P2PTransport(
      { key, listenHost: HOST, listenPort: port, reconnectDelayMs: 50, ...options },
      {
        logger: pino({ level: process.env.P2P_TEST_LOG_LEVEL ?? 'silent' }),
        handlers: {
          onMessages: (from, messages) => {
            const list = this.received.get(from) ?? [];
            list.push(...messages);
            this.received.set(from, list);
          },
          onRequest: (from, method, params) => {
            if (method === 'fail') return Promise.reject(new CoreError('test.refused', 'refused on purpose'));
            return Promise.resolve({ from, method, params });
          },
        },
      },
    );
  }

  from(key: KeyPair): unknown[] {
    return this.received.get(key.publicKey) ?? [];
  }

  address(): PeerAddress {
    return { publicKey: this.key.publicKey, host: HOST, port: this.port };
  }
}

/** Nodes that all know and allow each other, not yet started. */
/** One node per label, each allow-listing and dialling the others; typed as a tuple of the labels' length. */
export async function mesh<const Labels extends readonly string[]>(
  labels: Labels,
  options: Partial<TransportOptions> = {},
): Promise<{ -readonly [I in keyof Labels]: TestNode }> {
  const keys = labels.map(testKey);
  const ports = await Promise.all(labels.map(() => freePort()));
  const peers = keys.map((key, i) => ({ publicKey: key.publicKey, host: HOST, port: ports[i]! }));
  const allowedKeys = new Set(keys.map((k) => k.publicKey));
  const nodes = keys.map((key, i) => new TestNode(key, ports[i]!, { peers, allowedKeys, ...options }));
  return nodes as { -readonly [I in keyof Labels]: TestNode };
}

export async function waitFor(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function allConnected(nodes: readonly TestNode[]): boolean {
  return nodes.every((n) => n.transport.peers().every((p) => p.connected));
}

/** Starts every node, then waits until each has all its links up. */
export async function startLinked(nodes: readonly TestNode[], what = 'links up'): Promise<void> {
  await Promise.all(nodes.map((n) => n.transport.start()));
  await waitFor(() => allConnected(nodes), what);
}

/** An HTTP/2 client with the given node identity (or none), for hand-made requests. */
export async function rawSession(port: number, key: KeyPair | null): Promise<ClientHttp2Session> {
  const identity = key && (await createTlsIdentity(key, Date.now()));
  const session = connect(`https://${HOST}:${port}`, {
    rejectUnauthorized: false,
    minVersion: 'TLSv1.3',
    ...(identity ? { key: identity.keyPem, cert: identity.certPem } : {}),
  });
  session.on('error', () => {}); // a refused session is what some tests expect
  return session;
}

export interface RawAnswer {
  readonly status: number | null;
  readonly body: string;
  /** RST_STREAM code, 0 when the stream ended normally. */
  readonly rstCode: number;
}

/** Sends one request; status null means the stream was reset or the session closed without an answer. */
export function rawPost(
  session: ClientHttp2Session,
  path: string,
  body: string | Buffer,
  options: { method?: string; contentLength?: boolean } = {},
): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const stream = session.request({
      ':method': options.method ?? 'POST',
      ':path': path,
      ...(options.contentLength === false ? {} : { 'content-length': Buffer.byteLength(body) }),
    });
    let status: number | null = null;
    let text = '';
    stream.on('response', (headers) => (status = Number(headers[':status'])));
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => (text += chunk));
    stream.on('error', () => {});
    stream.on('close', () => resolve({ status, body: text, rstCode: stream.rstCode ?? 0 }));
    stream.end(body);
  });
}

/**
 * A TCP relay in front of a port that can go silent: frozen, it keeps every connection open but
 * carries nothing, like a peer whose host hangs or a network path that black-holes packets.
 */
export class Relay {
  private readonly server = createServer((socket) => this.accept(socket));
  private readonly sockets = new Set<Socket>();
  private frozen = false;
  port = 0;

  constructor(private readonly target: number) {}

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, HOST, resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  freeze(): void {
    this.frozen = true;
    for (const socket of this.sockets) {
      socket.unpipe();
      socket.pause();
    }
  }

  /** Drops the frozen connections and carries new ones again. */
  thaw(): void {
    this.frozen = false;
    for (const socket of this.sockets) socket.destroy();
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    this.track(client);
    if (this.frozen) {
      client.pause();
      return;
    }
    const upstream = tcpConnect(this.target, HOST);
    this.track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('error', () => {});
    socket.once('close', () => this.sockets.delete(socket));
  }
}
