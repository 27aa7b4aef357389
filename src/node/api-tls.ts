// HTTPS for a node's API (issue 10, finding 11). node.json's `api.tls` names a certificate and its
// private key; the API then speaks only HTTPS. Plain HTTP is for loopback only: a node told to listen
// anywhere else without TLS refuses to start, unless its operator says `--insecure-http` (a TLS proxy on
// the same machine, say). `carechain init --api-tls-name NAME` makes a certificate for a network
// without a PKI of its own: a CA for this one node, whose certificate the node's clients trust
// (`--ca`), and a server certificate it signs for the names clients reach the node by.
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, join } from 'node:path';
import { createPrivateKey, webcrypto } from 'node:crypto';
import { NodeError } from './errors.ts';
import { DAY_MS, issueCertificate, x509 } from './certificates.ts';
import { makePrivateDir, PRIVATE_FILE_MODE } from './private-dir.ts';

/** `api.tls` in node.json: the certificate (PEM, leaf first, then any intermediates) and its key. */
export interface ApiTlsFiles {
  readonly cert: string;
  readonly key: string;
}

/** The certificate and key themselves, as node:tls takes them. */
export interface ApiTlsPem {
  readonly cert: string;
  /** PKCS#8 PEM of the API's private key; never log it. */
  readonly key: string;
}

/** Where `carechain init --api-tls-name` writes its files, relative to the node folder. */
export const API_TLS_FILES = {
  caCert: 'tls/api-ca.pem',
  cert: 'tls/api-cert.pem',
  key: 'tls/api-key.pem',
} as const;

// The CA's key is thrown away once it has signed the server certificate: nobody who later reads the
// node's folder can mint a certificate its clients would trust for another name. Renewing means a new
// CA, handed to the clients again; so both last long enough for that to be rare, and no longer than
// a browser still accepts from a private CA's leaf (825 days, the CA/Browser Forum's old cap).
const CA_VALIDITY_MS = 825 * DAY_MS;
const SERVER_VALIDITY_MS = 825 * DAY_MS;
const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** Whether a listen address accepts connections from this machine only. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  const v4 = host.startsWith('::ffff:') ? host.slice(7) : host;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/**
 * Refuses a plain-HTTP API on anything but loopback: patients' tokens and health records would cross
 * the network in clear text (finding 11). `insecureHttp` is the operator's explicit word that something
 * else (a TLS proxy on the same machine) encrypts it.
 */
export function checkApiExposure(
  api: { readonly host: string; readonly tls?: unknown },
  options: { readonly insecureHttp: boolean },
): void {
  if (api.tls !== undefined || options.insecureHttp || isLoopbackHost(api.host)) return;
  throw new NodeError(
    'config.insecure_api',
    `the API would listen on ${api.host === '' ? 'every interface' : api.host} over plain HTTP: name a certificate in ` +
      'node.json (api.tls, see `carechain init --api-tls-name`), listen on 127.0.0.1, or pass ' +
      '--insecure-http if a TLS proxy on this machine fronts the API',
  );
}

/**
 * The client's side of the same rule: a patient's key signs login challenges and its token rides on
 * every call, so a plain-HTTP URL is taken for loopback only, unless the user says `--insecure-http`.
 */
export function checkApiUrl(apiUrl: string, options: { readonly insecureHttp: boolean }): void {
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch {
    throw new NodeError('config.invalid', `${JSON.stringify(apiUrl.slice(0, 200))} is not a URL`);
  }
  if (url.protocol === 'https:') return;
  if (url.protocol !== 'http:') throw new NodeError('config.invalid', `${url.origin}: the API is http(s)`);
  if (options.insecureHttp || isLoopbackHost(url.hostname.replace(/^\[|\]$/g, ''))) return;
  throw new NodeError(
    'config.insecure_api',
    `${url.origin} is plain HTTP beyond this machine: use the node's https:// URL (with --ca for its own CA), or --insecure-http`,
  );
}

/** Parses node.json's optional `api.tls`: two paths, relative to the node folder. */
export function parseApiTls(value: unknown, folder: string, source: string): ApiTlsFiles | undefined {
  if (value === undefined) return undefined;
  const v = value as Partial<Record<string, unknown>> | null;
  if (
    typeof v !== 'object' ||
    v === null ||
    Array.isArray(v) ||
    typeof v.cert !== 'string' ||
    typeof v.key !== 'string' ||
    Object.keys(v).some((k) => k !== 'cert' && k !== 'key')
  ) {
    throw new NodeError('config.invalid', `config ${source}: api.tls must be { "cert": path, "key": path }`);
  }
  return { cert: join(folder, v.cert), key: join(folder, v.key) };
}

/**
 * Reads the certificate and key. A key file that others on the machine may read is refused, as ssh
 * refuses one: it would already be as good as published.
 */
export function readApiTls(files: ApiTlsFiles): ApiTlsPem {
  const read = (path: string, what: string): string => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      throw new NodeError('config.unreadable', `the API's TLS ${what} ${path} cannot be read`);
    }
  };
  const cert = read(files.cert, 'certificate');
  const key = read(files.key, 'key');
  if (process.platform !== 'win32' && (statSync(files.key).mode & 0o077) !== 0) {
    throw new NodeError(
      'config.invalid',
      `the API's TLS key ${files.key} is readable by others on this machine: chmod 600 it`,
    );
  }
  return { cert, key };
}

export interface ApiCertificates {
  /** The CA certificate (PEM), for the node's clients to trust (`--ca`); not secret. */
  readonly caCert: string;
  readonly cert: string;
  /** PKCS#8 PEM of the server certificate's private key. */
  readonly key: string;
}

/**
 * A CA for one node, and a server certificate it signs for `names` (DNS names or IP addresses; the
 * first is the node's public name). ECDSA P-256: every TLS client, browsers included, takes it, which
 * is not yet true of Ed25519 certificates.
 */
export async function makeApiCertificates(
  nodeName: string,
  names: readonly string[],
  nowMs: number,
): Promise<ApiCertificates> {
  checkCertificateNames(names);
  const subtle = webcrypto.subtle;
  const caKeys = await subtle.generateKey(ECDSA_P256, false, ['sign', 'verify']);
  const serverKeys = await subtle.generateKey(ECDSA_P256, true, ['sign', 'verify']);
  const caName = `CN=carechain API CA for ${nodeName}`;
  const caCert = await issueCertificate({
    subject: caName,
    issuer: caName,
    publicKey: caKeys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: ECDSA_SHA256,
    nowMs,
    validityMs: CA_VALIDITY_MS,
    extensions: [
      // RFC 5280 §4.2.1.9: a CA that signs end-entity certificates only (path length 0).
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey, false, webcrypto),
    ],
  });
  const cert = await issueCertificate({
    subject: `CN=${names[0]}`,
    issuer: caName,
    publicKey: serverKeys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: ECDSA_SHA256,
    nowMs,
    validityMs: SERVER_VALIDITY_MS,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      // Clients match the name they dialled against these (RFC 6125), never against the CN.
      new x509.SubjectAlternativeNameExtension(
        names.map((name) => ({ type: isIP(name) === 0 ? 'dns' : 'ip', value: name })),
      ),
      await x509.SubjectKeyIdentifierExtension.create(serverKeys.publicKey, false, webcrypto),
      await x509.AuthorityKeyIdentifierExtension.create(caCert, false, webcrypto),
    ],
  });
  const pkcs8 = await subtle.exportKey('pkcs8', serverKeys.privateKey);
  const key = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' }).export({
    format: 'pem',
    type: 'pkcs8',
  }) as string;
  return { caCert: caCert.toString('pem'), cert: cert.toString('pem'), key };
}

/** Checks names for a certificate: DNS names or IP addresses, at least one. */
export function checkCertificateNames(names: readonly string[]): void {
  if (names.length === 0) throw new NodeError('config.invalid', 'a certificate needs at least one name');
  for (const name of names) {
    if (isIP(name) === 0 && !DNS_NAME.test(name)) {
      throw new NodeError(
        'config.invalid',
        `${JSON.stringify(name)} is neither a DNS name nor an IP address`,
      );
    }
  }
}

/** RFC 1123 host names: labels of letters, digits and inner dashes, at most 253 characters in all. */
const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

/** The API's public URL for a certificate's first name: `https://hospital.example.org:8081`. */
export function httpsOrigin(name: string, port: number): string {
  return new URL(`https://${name.includes(':') ? `[${name}]` : name}:${port}`).origin;
}

/**
 * Writes `makeApiCertificates`' files into a node folder (API_TLS_FILES), each 0600. Files from an
 * earlier certificate are replaced (each written beside it, then renamed over it, so a crash leaves
 * either the old file or the new one).
 */
export function writeApiCertificates(folder: string, certificates: ApiCertificates): void {
  const write = (path: string, text: string) => {
    const target = join(folder, path);
    makePrivateDir(dirname(target));
    rmSync(`${target}.new`, { force: true });
    writeFileSync(`${target}.new`, text, { mode: PRIVATE_FILE_MODE, flag: 'wx' });
    renameSync(`${target}.new`, target);
  };
  write(API_TLS_FILES.caCert, certificates.caCert);
  write(API_TLS_FILES.cert, certificates.cert);
  write(API_TLS_FILES.key, certificates.key);
}
