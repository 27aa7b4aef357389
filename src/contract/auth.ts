// The key-based login's side that clients share with the node (api/auth/challenge.ts): the challenge and
// answer shapes, the message a patient or proxy signs, and the OAuth grant type that carries the answer.
// The signed message is canonical JSON of { audience, challenge, publicKey } under the 'auth-challenge'
// purpose, which also binds the chain id (core/crypto), so the node, the CLI and the browser sign the same
// bytes.
import { toHex } from '../core/bytes.ts';
import { canonicalBytes } from '../core/canonical.ts';
import { publicKeyFromSeed, signMessage } from '../core/crypto/index.ts';

/** The grant type of POST /auth/token that carries a signed challenge (RFC 6749 §4.5 extension grant). */
export const SIGNED_CHALLENGE_GRANT_TYPE = 'urn:carechain:params:oauth:grant-type:signed-challenge';

export interface Challenge {
  /** 32 random bytes, hex. */
  readonly challenge: string;
  readonly audience: string;
  readonly expiresAtMs: number;
}

/** What the caller sends back: the challenge, the audience it signed for, its key and signature (hex). */
export interface ChallengeResponse {
  readonly challenge: string;
  readonly audience: string;
  readonly publicKey: string;
  readonly signature: string;
}

/** The signed message: canonical JSON, so the node and any client (CLI, browser) sign the same bytes. */
export function challengeMessage(challenge: string, audience: string, publicKey: string): Uint8Array {
  return canonicalBytes({ audience, challenge, publicKey });
}

/** The client's side: answers a challenge with the caller's own key (the seed never leaves the caller). */
export function signChallenge(
  seed: Uint8Array,
  chainId: string,
  challenge: Pick<Challenge, 'challenge' | 'audience'>,
): ChallengeResponse {
  const publicKey = toHex(publicKeyFromSeed(seed));
  const message = challengeMessage(challenge.challenge, challenge.audience, publicKey);
  const signature = toHex(signMessage(seed, 'auth-challenge', chainId, message));
  return { challenge: challenge.challenge, audience: challenge.audience, publicKey, signature };
}
