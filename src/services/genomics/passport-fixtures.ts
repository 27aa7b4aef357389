// Test fixtures (imported by tests only): a Passport broker, a data access committee and a signing
// official's system with fresh Ed25519 keys, and the trust a node would configure for them.
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import type { PassportTrust } from './passport.ts';

export const BROKER = 'https://broker.test';
export const DAC = 'https://dac.test';
export const RESOURCE = 'https://carechain.test/datasets/genomes';

interface Signer {
  readonly iss: string;
  readonly key: CryptoKey;
  readonly jwk: JWK;
}

async function signer(iss: string): Promise<Signer> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  return { iss, key: privateKey, jwk: { ...(await exportJWK(publicKey)), alg: 'EdDSA' } };
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

export async function passportWorld(nowSec = Math.floor(Date.now() / 1000)): Promise<PassportWorld> {
  const broker = await signer(BROKER);
  const dac = await signer(DAC);
  const untrusted = await signer(DAC);
  const jwt = (by: Signer, sub: string, claims: Record<string, unknown>, expiresInSec = 3600) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
      .setIssuer(by.iss)
      .setSubject(sub)
      .setIssuedAt(nowSec)
      .setExpirationTime(nowSec + expiresInSec)
      .sign(by.key);
  return {
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
  };
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
