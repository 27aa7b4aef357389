// The key-based login's side that clients share with the node (api/auth/challenge.ts): the challenge and
// answer shapes, the message a patient or proxy signs, and the OAuth grant type that carries the answer.
// The signed message is canonical JSON of { audience, challenge, publicKey } under the 'auth-challenge'
// purpose, which also binds the chain id (core/crypto), so the node, the CLI and the browser sign the same
// bytes.
import { Type, type Static } from '@sinclair/typebox';
import { toHex } from '../core/bytes.ts';
import { canonicalBytes } from '../core/canonical.ts';
import { publicKeyFromSeed, signMessage } from '../core/crypto/index.ts';
import { signedDelegationSchema } from './delegation.ts';

/** The grant type of POST /auth/token that carries a signed challenge (RFC 6749 §4.5 extension grant). */
export const SIGNED_CHALLENGE_GRANT_TYPE = 'urn:carechain:params:oauth:grant-type:signed-challenge';

/** POST /auth/challenge's answer. */
export const challengeSchema = Type.Object({
  /** 32 random bytes, hex. */
  challenge: Type.String(),
  audience: Type.String(),
  expiresAtMs: Type.Integer(),
  /** The node's key and organisation: what a practitioner's delegation names (contract/delegation.ts). */
  nodeKey: Type.Optional(Type.String()),
  orgId: Type.Optional(Type.String()),
});
export type Challenge = Readonly<Static<typeof challengeSchema>>;

/** What the caller sends back: the challenge, the audience it signed for, its key and signature (hex). */
export interface ChallengeResponse {
  readonly challenge: string;
  readonly audience: string;
  readonly publicKey: string;
  readonly signature: string;
}

/**
 * POST /auth/token: the signed challenge (grant type SIGNED_CHALLENGE_GRANT_TYPE, kind "practitioner"
 * and a signed delegation for staff), or a refresh token (grant type refresh_token). Fields are named, not demanded: a missing
 * one is an OAuth error of the token endpoint (RFC 6749 §5.2), answered with its own code.
 */
export const tokenBody = Type.Object({
  grant_type: Type.Optional(Type.String()),
  challenge: Type.Optional(Type.String()),
  audience: Type.Optional(Type.String()),
  publicKey: Type.Optional(Type.String()),
  signature: Type.Optional(Type.String()),
  kind: Type.Optional(Type.String()),
  scope: Type.Optional(Type.String()),
  refresh_token: Type.Optional(Type.String()),
  /**
   * The caller's signed delegation to this node, so the token may cross nodes: staff's (finding 8), or a
   * patient's, for their records at other custodians (issue 13).
   */
  delegation: Type.Optional(signedDelegationSchema),
});
export type TokenRequest = Static<typeof tokenBody>;

/** The token endpoint's answer (RFC 6749 §5.1), with the patient's pseudonym for patient tokens. */
export const tokenAnswerSchema = Type.Object({
  access_token: Type.String(),
  token_type: Type.String(),
  expires_in: Type.Integer(),
  scope: Type.String(),
  refresh_token: Type.Optional(Type.String()),
  patient: Type.Optional(Type.String()),
});
export type TokenAnswer = Static<typeof tokenAnswerSchema>;

/** POST /auth/logout: the session of the bearer token is revoked; nothing to say. */
export const loggedOutResponse = { description: 'the session is revoked', type: 'null' } as const;

/** GET /.well-known/jwks.json: this node's token-signing key (RFC 7517 §5). */
export const jwksSchema = Type.Object({
  keys: Type.Array(Type.Object({ kty: Type.String() }, { additionalProperties: true })),
});

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
