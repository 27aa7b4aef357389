// A node's TLS identity: a self-signed X.509 certificate whose subject public key is the node's own
// Ed25519 key, made in memory at every start. Peers never validate it against a CA; they pin the key
// inside it against the genesis allow-list, and TLS 1.3's CertificateVerify (RFC 8446 §4.4.3) proves
// that the other side holds the matching private key. So the certificate's names and dates carry no
// meaning, and nothing about it needs to be stored.
import { createPrivateKey, webcrypto, type X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { bytesEqual, concatBytes, fromHex, toHex } from '../../core/bytes.ts';
import { DAY_MS, issueCertificate } from '../certificates.ts';
import type { KeyPair } from '../keys.ts';

/** DER of a PKCS#8 OneAsymmetricKey for Ed25519, up to the 32-byte seed (RFC 8410 §7). */
const PKCS8_ED25519_PREFIX = fromHex('302e020100300506032b657004220420');
/** DER of a SubjectPublicKeyInfo for Ed25519, up to the 32-byte public key (RFC 8410 §4). */
const SPKI_ED25519_PREFIX = fromHex('302a300506032b6570032100');

// Nobody checks the dates (the key is pinned), but the certificate should still be well-formed: valid
// for a year (from an hour ago, for clock skew). A node that runs longer keeps working.
const CERT_VALIDITY_MS = 365 * DAY_MS;

export interface TlsIdentity {
  /** PKCS#8 PEM of the node's private key, for node:tls only; never log it. */
  readonly keyPem: string;
  readonly certPem: string;
}

export async function createTlsIdentity(key: KeyPair, nowMs: number): Promise<TlsIdentity> {
  const pkcs8 = concatBytes(PKCS8_ED25519_PREFIX, key.seed);
  const subtle = webcrypto.subtle;
  const privateKey = await subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, false, ['sign']);
  const publicKey = await subtle.importKey('raw', fromHex(key.publicKey), { name: 'Ed25519' }, true, [
    'verify',
  ]);
  const name = `CN=carechain node ${key.publicKey.slice(0, 16)}`;
  const cert = await issueCertificate({
    subject: name,
    issuer: name,
    publicKey,
    signingKey: privateKey,
    signingAlgorithm: { name: 'Ed25519' },
    nowMs,
    validityMs: CERT_VALIDITY_MS,
  });
  const keyPem = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' }).export({
    format: 'pem',
    type: 'pkcs8',
  }) as string;
  return { keyPem, certPem: cert.toString('pem') };
}

/** The raw Ed25519 public key (hex) in a certificate, or null for any other kind of key. */
export function certificatePublicKey(cert: X509Certificate): string | null {
  const key = cert.publicKey;
  if (key.asymmetricKeyType !== 'ed25519') return null;
  const spki = new Uint8Array(key.export({ format: 'der', type: 'spki' }));
  const prefix = SPKI_ED25519_PREFIX.length;
  if (spki.length !== prefix + 32 || !bytesEqual(spki.subarray(0, prefix), SPKI_ED25519_PREFIX)) return null;
  return toHex(spki.subarray(prefix));
}

/**
 * The node key the other end of a TLS connection proved it holds, or null when it showed no usable
 * certificate. Meaningful only after the handshake, which checked its CertificateVerify signature.
 */
export function peerPublicKey(socket: TLSSocket): string | null {
  const cert = socket.getPeerX509Certificate();
  return cert === undefined ? null : certificatePublicKey(cert);
}

/** Short form of a node key for logs: enough to tell peers apart. */
export function keyId(publicKey: string): string {
  return publicKey.slice(0, 16);
}
