// The optional `hl7` section of node.json: where the node's MLLP listener listens and which sending
// facilities it takes messages from. Each sender names the practitioner of this node's organisation on
// whose behalf its messages are written (writes are by the custodian's clinical staff, app/records/
// policy.ts refuseWrite); a facility not listed is refused with AR.
//
//   "hl7": { "host": "127.0.0.1", "port": 2575,
//            "senders": [{ "facility": "GOOD HEALTH LAB", "practitioner": "<ed25519 public key, hex>" }],
//            "tls": { "cert": "tls/hl7-cert.pem", "key": "tls/hl7-key.pem", "clientCa": "tls/senders-ca.pem" },
//            "feeds": [{ "name": "LEGACY EHR", "host": "127.0.0.1", "port": 2576 }] }
//
// MLLP carries PHI in clear text unless `tls` is set: like the API (api-tls.ts), a listener off loopback
// without TLS is refused. With `clientCa`, TLS is mutual: a sender must present a certificate that chain
// to that CA before it can send a byte.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isHex } from '../core/bytes.ts';
import { isLoopbackHost, readApiTls } from './api-tls.ts';
import { NodeError } from './errors.ts';

/** The registered HL7 port (IANA "hl7", 2575/tcp). */
export const HL7_PORT_DEFAULT = 2575;
export const HL7_SENDERS_MAX = 1_000;

export interface Hl7Sender {
  /** MSH-4.1 (or MSH-3.1 when MSH-4 is empty), exactly as the sender spells it. */
  readonly facility: string;
  /** The practitioner key the sender's messages are written as. */
  readonly practitioner: string;
  /**
   * Where the sender takes application ACKs in enhanced acknowledgement mode (its own MLLP listener).
   * Without it they go back on the connection the message came on, while it is open. ACKs carry no PHI
   * (facilities, control ids, field names), so this need not be TLS.
   */
  readonly ackTo?: { readonly host: string; readonly port: number };
}

/** Paths (resolved against the config file's folder) of the listener's certificate, key and client CA. */
export interface Hl7TlsFiles {
  readonly cert: string;
  readonly key: string;
  /** Present: mutual TLS, senders' certificates must chain to this CA. */
  readonly clientCa?: string;
}

/**
 * A downstream system subscribed to this custodian's committed records as HL7 v2 (the outbound feed):
 * Patients as ADT, DiagnosticReports with their Observations as ORU^R01, over MLLP to host:port.
 */
export interface Hl7Feed {
  /** MSH-6 of what it is sent, and the feed's name in the outbox. */
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

export const HL7_FEEDS_MAX = 16;

export interface Hl7Config {
  readonly host: string;
  readonly port: number;
  readonly senders: readonly Hl7Sender[];
  readonly tls?: Hl7TlsFiles;
  readonly feeds?: readonly Hl7Feed[];
}

export function parseHl7Config(value: unknown, path: string, folder = '.'): Hl7Config | undefined {
  if (value === undefined) return undefined;
  const invalid = (why: string) => new NodeError('config.invalid', `config ${path}: hl7 ${why}`);
  const raw = value as { host?: unknown; port?: unknown; senders?: unknown; tls?: unknown };
  if (typeof raw !== 'object' || raw === null) throw invalid('must be an object');
  const host = raw.host ?? '127.0.0.1';
  const port = raw.port ?? HL7_PORT_DEFAULT;
  if (typeof host !== 'string' || host === '') throw invalid('host must be a host name or address');
  if (!Number.isInteger(port) || (port as number) < 0 || (port as number) > 65535) {
    throw invalid('port must be from 0 to 65535');
  }
  if (!Array.isArray(raw.senders) || raw.senders.length > HL7_SENDERS_MAX) {
    throw invalid(`senders must be a list of at most ${HL7_SENDERS_MAX} sending facilities`);
  }
  const senders = raw.senders.map((s: unknown, i): Hl7Sender => {
    const sender = s as Partial<Hl7Sender> | null;
    if (typeof sender?.facility !== 'string' || sender.facility === '' || sender.facility.length > 227) {
      throw invalid(`senders[${i}].facility must be the sending facility's name (MSH-4.1)`);
    }
    if (!isHex(sender.practitioner, 32))
      throw invalid(`senders[${i}].practitioner must be a public key in hex`);
    const ackTo = parseAckTo((s as { ackTo?: unknown }).ackTo, () =>
      invalid(`senders[${i}].ackTo must be { "host": name, "port": 1-65535 }`),
    );
    return {
      facility: sender.facility,
      practitioner: sender.practitioner,
      ...(ackTo === undefined ? {} : { ackTo }),
    };
  });
  if (new Set(senders.map((s) => s.facility)).size !== senders.length) {
    throw invalid('senders name each facility once');
  }
  const tls = parseTls(raw.tls, folder, invalid);
  if (tls === undefined && !isLoopbackHost(host)) {
    throw invalid(`would take PHI in clear text on ${host}: set hl7.tls, or listen on 127.0.0.1`);
  }
  const feeds = parseFeeds((raw as { feeds?: unknown }).feeds, invalid);
  return {
    host,
    port: port as number,
    senders,
    ...(tls === undefined ? {} : { tls }),
    ...(feeds === undefined ? {} : { feeds }),
  };
}

function parseFeeds(value: unknown, invalid: (why: string) => Error): Hl7Feed[] | undefined {
  if (value === undefined) return undefined;
  const why = `feeds must be a list of at most ${HL7_FEEDS_MAX} { "name", "host", "port" }, each name once`;
  if (!Array.isArray(value) || value.length > HL7_FEEDS_MAX) throw invalid(why);
  const feeds = value.map((f: unknown): Hl7Feed => {
    const feed = f as Partial<Record<string, unknown>> | null;
    const target = parseAckTo(feed === null ? undefined : { host: feed.host, port: feed.port }, () =>
      invalid(why),
    );
    if (
      target === undefined ||
      typeof feed?.name !== 'string' ||
      !/^[A-Za-z0-9 ._-]{1,64}$/.test(feed.name) ||
      Object.keys(feed).some((k) => !['name', 'host', 'port'].includes(k))
    ) {
      throw invalid(why);
    }
    // What a feed sends is PHI: in clear text only over loopback (a local tunnel), as MLLP over TLS
    // for feeds is not built yet.
    if (!isLoopbackHost(target.host)) {
      throw invalid(
        `feed ${feed.name} would send PHI in clear text to ${target.host}: feeds are loopback only`,
      );
    }
    return { name: feed.name, ...target };
  });
  if (new Set(feeds.map((f) => f.name)).size !== feeds.length) throw invalid(why);
  return feeds;
}

function parseAckTo(value: unknown, invalid: () => Error): Hl7Sender['ackTo'] {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) throw invalid();
  const { host, port } = value as { host?: unknown; port?: unknown };
  if (typeof host !== 'string' || host === '' || host.length > 253) throw invalid();
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) throw invalid();
  return { host, port };
}

function parseTls(value: unknown, folder: string, invalid: (why: string) => Error): Hl7TlsFiles | undefined {
  if (value === undefined) return undefined;
  const v = value as Partial<Record<string, unknown>> | null;
  const known = ['cert', 'key', 'clientCa'];
  if (
    typeof v !== 'object' ||
    v === null ||
    typeof v.cert !== 'string' ||
    typeof v.key !== 'string' ||
    (v.clientCa !== undefined && typeof v.clientCa !== 'string') ||
    Object.keys(v).some((k) => !known.includes(k))
  ) {
    throw invalid('tls must be { "cert": path, "key": path, "clientCa"?: path }');
  }
  return {
    cert: resolve(folder, v.cert),
    key: resolve(folder, v.key),
    ...(typeof v.clientCa === 'string' ? { clientCa: resolve(folder, v.clientCa) } : {}),
  };
}

/** The PEMs as node:tls takes them (the key file must be private to its owner, as the API's). */
export interface Hl7TlsPem {
  readonly cert: string;
  readonly key: string;
  readonly ca?: string;
}

export function readHl7Tls(files: Hl7TlsFiles): Hl7TlsPem {
  const { cert, key } = readApiTls({ cert: files.cert, key: files.key });
  if (files.clientCa === undefined) return { cert, key };
  try {
    return { cert, key, ca: readFileSync(files.clientCa, 'utf8') };
  } catch {
    throw new NodeError('config.unreadable', `the HL7 listener's client CA ${files.clientCa} cannot be read`);
  }
}
