// Shared by this folder's tests only: a settable clock, seeded randomness, a node's issuer and verifier
// over the app's TestChain keys (st-mary's node key signs the tokens), and the patient alice.
import assert from 'node:assert/strict';
import { base64url, importJWK, SignJWT } from 'jose';
import { utf8 } from '../../core/bytes.ts';
import { publicKeyFromSeed, sha256 } from '../../core/crypto/index.ts';
import {
  chainId,
  enrolPatientWithProxy,
  hospitalNode,
  party,
  receiptSignature,
  TestChain,
  type Party,
} from '../../app/test-support.ts';
import { keyRotationMessage, patientPseudonym } from '../../app/membership/pseudonym.ts';
import type { ProxyRelationship } from '../../app/membership/types.ts';
import type { Clock, RandomBytes } from '../../core/env.ts';
import type { StateReader } from '../../app/state.ts';
import { ChallengeStore, signChallenge } from './challenge.ts';
import { AuthError } from './errors.ts';
import { TokenIssuer, TokenVerifier, type IssuedToken, type VerifiedToken } from './tokens.ts';

export const AUDIENCE = 'https://st-mary.example/fhir/R4';
export const ISSUER = 'https://st-mary.example';
export const T0_MS = 1_700_000_000_000;

export class TestClock implements Clock {
  constructor(public ms = T0_MS) {}
  nowMs(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** Deterministic bytes from a label and a counter (SHA-256), up to 32 at a time. */
export function seededRandom(label = 'auth-test'): RandomBytes {
  let counter = 0;
  return (byteLength) => sha256(utf8(`${label}/${counter++}`)).slice(0, byteLength);
}

export async function testIssuer(
  clock: Clock,
  signer: Party = hospitalNode,
  issuer = ISSUER,
): Promise<TokenIssuer> {
  return TokenIssuer.create(
    { issuer, audience: AUDIENCE, seed: signer.seed },
    { clock, randomBytes: seededRandom() },
  );
}

export async function testVerifier(
  clock: Clock,
  issuerKey: string = hospitalNode.key,
): Promise<TokenVerifier> {
  return TokenVerifier.create({ issuer: ISSUER, issuerPublicKey: issuerKey, audience: AUDIENCE }, { clock });
}

/** Signs any header and claims with a party's key, for tokens our issuer would never make. */
export async function signJwt(
  signer: Party,
  header: { alg: string; typ?: string },
  claims: object,
): Promise<string> {
  const jwk = {
    kty: 'OKP',
    crv: 'Ed25519',
    d: base64url.encode(signer.seed),
    x: base64url.encode(publicKeyFromSeed(signer.seed)),
  };
  return new SignJWT({ ...claims }).setProtectedHeader(header).sign(await importJWK(jwk, 'EdDSA'));
}

/** A node's login machinery on a settable clock: its challenges, token issuer and verifier. */
export async function loginNode(randomLabel: string) {
  const clock = new TestClock();
  const challenges = new ChallengeStore(
    { audience: AUDIENCE, chainId },
    { clock, randomBytes: seededRandom(randomLabel) },
  );
  /** `who`'s signed answer to a fresh challenge of this node. */
  const answer = (who: Party) => signChallenge(who.seed, chainId, challenges.issue());
  return { clock, challenges, answer, issuer: await testIssuer(clock), verifier: await testVerifier(clock) };
}

/** A challenge login as patient-login.ts and staff-login.ts each offer one. */
type ChallengeLogin = (
  state: StateReader,
  challenges: ChallengeStore,
  issuer: TokenIssuer,
  response: unknown,
) => Promise<IssuedToken>;

/**
 * `who` logs in through `login` at a fresh node (randomLabel seeds its challenges); answers the verified
 * token, once it is shown that the same signed answer cannot log in twice.
 */
export async function loginOnceOnly(
  login: ChallengeLogin,
  chain: TestChain,
  who: Party,
  randomLabel: string,
): Promise<VerifiedToken> {
  const { challenges, answer, issuer, verifier } = await loginNode(randomLabel);
  const response = answer(who);
  const issued = await login(chain.state, challenges, issuer, response);
  await assert.rejects(
    login(chain.state, challenges, issuer, response),
    (err) => err instanceof AuthError && err.code === 'auth.challenge_replayed',
  );
  return verifier.verify(issued.accessToken);
}

export const alice = party('alice');
/** The key alice rotates to (rotateAliceKey). */
export const aliceNext = party('alice, second key');
export const guardian = party('alice guardian');
export const alicePseudonym = patientPseudonym(alice.key);

/** A chain on which `setUp` has run (e.g. staff registered), then alice enrolled with guardian as proxy. */
export function chainWithAlice(
  relationship: ProxyRelationship = 'guardian',
  setUp: (chain: TestChain) => void = () => {},
): TestChain {
  const chain = new TestChain();
  setUp(chain);
  enrolPatientWithProxy(chain, alice, guardian, relationship);
  chain.commit();
  return chain;
}

/** Alice rotates her key to aliceNext's, which voids every token of the old key. */
export function rotateAliceKey(chain: TestChain): void {
  const proof = receiptSignature(aliceNext, keyRotationMessage(alicePseudonym, alice.key, aliceNext.key));
  const rotation = { newKey: aliceNext.key, newKeySignature: proof };
  assert.equal(chain.submit(alice, 'membership.rotatePatientKey', rotation), 'ok');
}
