// Test fixtures (imported by tests only): a Passport broker, a data access committee and a signing
// official's system with fresh Ed25519 keys, and the trust a node would configure for them.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT, type JWK } from 'jose';
import type { PassportTrust } from './passport.ts';

export const BROKER = 'https://broker.test';
export const DAC = 'https://dac.test';
export const RESOURCE = 'https://carechain.test/datasets/genomes';

interface Signer {
  readonly iss: string;
  readonly key: KeyObject;
  readonly jwk: JWK;
}

/**
 * The public key comes back as a JWK from the generation job itself: exporting a new KeyObject can
 * deadlock Node 20 when a garbage collection lands inside the export (src/node/vault/node-cipher.ts).
 */
function signer(iss: string): Signer {
  const pair = generateKeyPairSync('ed25519', { publicKeyEncoding: { format: 'jwk' } });
  // @types/node types this overload's public key as a KeyObject; with format 'jwk' it is the JWK.
  const publicJwk = pair.publicKey as unknown as JWK;
  return { iss, key: pair.privateKey, jwk: { ...publicJwk, alg: 'EdDSA' } };
}

export interface PassportWorld {
  readonly trust: PassportTrust;
  readonly broker: Signer;
  readonly dac: Signer;
  readonly untrusted: Signer;
  visa(
    by: Signer,
    sub: string,
    visa: { type: string; value: string; by?: string; conditions?: unknown },
    expiresInSec?: number,
  ): Promise<string>;
  passport(sub: string, visas: string[], by?: Signer): Promise<string>;
}

/** Asynchronous for its callers' sake: the keys are made at once. */
export function passportWorld(nowSec = Math.floor(Date.now() / 1000)): Promise<PassportWorld> {
  const broker = signer(BROKER);
  const dac = signer(DAC);
  const untrusted = signer(DAC);
  const jwt = (by: Signer, sub: string, claims: Record<string, unknown>, expiresInSec = 3600) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
      .setIssuer(by.iss)
      .setSubject(sub)
      .setIssuedAt(nowSec)
      .setExpirationTime(nowSec + expiresInSec)
      .sign(by.key);
  return Promise.resolve({
    trust: {
      brokers: new Map([[BROKER, { keys: [broker.jwk] }]]),
      visaIssuers: new Map([[DAC, { keys: [dac.jwk] }]]),
      controlledAccessResource: RESOURCE,
    },
    broker,
    dac,
    untrusted,
    visa: (by, sub, visa, expiresInSec) =>
      jwt(by, sub, { ga4gh_visa_v1: { asserted: nowSec - 60, source: DAC, ...visa } }, expiresInSec),
    passport: (sub, visas, by = broker) => jwt(by, sub, { ga4gh_passport_v1: visas }),
  });
}

/** The two visas that together grant record access to RESOURCE. */
export async function recordVisas(world: PassportWorld, sub: string): Promise<string[]> {
  return [
    await world.visa(world.dac, sub, { type: 'ControlledAccessGrants', value: RESOURCE, by: 'dac' }),
    await world.visa(world.dac, sub, {
      type: 'ResearcherStatus',
      value: 'https://so.test/bona-fide',
      by: 'so',
    }),
  ];
}
