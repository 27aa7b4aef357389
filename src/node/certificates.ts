// X.509 certificates made by carechain itself, with @peculiar/x509 over node:crypto's Web Crypto: the
// P2P identity (p2p/identity.ts, a self-signed Ed25519 certificate pinned by key) and the API's HTTPS
// certificates (api-tls.ts, a local CA and a server certificate it signs). We never write the ASN.1
// ourselves (STYLE §6).
//
// @peculiar/x509 finds its algorithms through tsyringe, which needs the Reflect metadata API: its
// README ("Reflect Polyfill Required") asks for this import before the library's own.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { randomBytes, webcrypto } from 'node:crypto';
import { toHex } from '../core/bytes.ts';

export { x509 };

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** Web Crypto key types, as node:crypto's webcrypto has them (the DOM lib is not loaded). */
export type WebCryptoKey = webcrypto.CryptoKey;

export interface CertificateRequest {
  /** The subject's distinguished name, e.g. `CN=carechain node 1a2b…`. */
  readonly subject: string;
  /** The issuer's distinguished name; the subject's for a self-signed certificate. */
  readonly issuer: string;
  readonly publicKey: WebCryptoKey;
  /** The issuer's private key (the subject's own for a self-signed certificate). */
  readonly signingKey: WebCryptoKey;
  readonly signingAlgorithm: { name: 'Ed25519' } | { name: 'ECDSA'; hash: 'SHA-256' };
  readonly nowMs: number;
  readonly validityMs: number;
  readonly extensions?: readonly x509.Extension[];
}

/**
 * Signs a certificate valid from an hour before `nowMs` (a peer's clock may be behind ours) for
 * `validityMs`, with a fresh random serial number.
 */
export async function issueCertificate(request: CertificateRequest): Promise<x509.X509Certificate> {
  // The crypto provider is passed per call rather than set with x509.cryptoProvider.set, which would
  // change the library's state for the whole process.
  return x509.X509CertificateGenerator.create(
    {
      serialNumber: serialNumber(),
      subject: request.subject,
      issuer: request.issuer,
      notBefore: new Date(request.nowMs - HOUR_MS),
      notAfter: new Date(request.nowMs + request.validityMs),
      signingAlgorithm: request.signingAlgorithm,
      publicKey: request.publicKey,
      signingKey: request.signingKey,
      extensions: [...(request.extensions ?? [])],
    },
    webcrypto,
  );
}

/** RFC 5280 §4.1.2.2: a positive integer of at most 20 octets, unique per issuer; random is enough. */
function serialNumber(): string {
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01; // high bit clear: DER integers are signed
  return toHex(serial);
}
