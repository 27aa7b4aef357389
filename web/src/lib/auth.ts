// Sign-in with a key: the node hands out a challenge, the browser signs { audience, challenge,
// publicKey } as canonical JSON under the "auth-challenge" purpose (exactly what
// src/api/auth/challenge.ts verifies), and the token endpoint answers with a bearer token. Patients get
// patient/ scopes; staff ask with kind "practitioner" and get a token of this node's organisation. Both
// sign a delegation to the node beside the challenge.
import {
  SIGNED_CHALLENGE_GRANT_TYPE,
  signChallenge,
  type Challenge,
  type TokenAnswer,
  type TokenRequest,
} from '../../../src/contract/auth.ts';
import { delegationBeside, PATIENT_DELEGATION_SCOPES_DEFAULT } from '../../../src/contract/delegation.ts';
import { request } from './http.ts';
import { chainId } from './ledger.ts';

export { SIGNED_CHALLENGE_GRANT_TYPE };

export interface Session {
  readonly kind: 'patient' | 'staff';
  readonly publicKey: string;
  readonly token: string;
  readonly expiresAtMs: number;
  /** The patient's pseudonym (patients and proxies). */
  readonly patient?: string;
  /** The organisation (staff). */
  readonly orgId?: string;
}

/** The claims of our own token, read (not verified: the node verifies it on every request). */
function claimsOf(token: string): Record<string, unknown> {
  const part = token.split('.')[1] ?? '';
  const json = atob(
    part
      .replace(/-/g, '+')
      .replace(/_/g, '/')
      .padEnd(Math.ceil(part.length / 4) * 4, '='),
  );
  return JSON.parse(json) as Record<string, unknown>;
}

export async function signIn(seed: Uint8Array, kind: 'patient' | 'staff'): Promise<Session> {
  const id = await chainId();
  const challenge = await request<Challenge>('/auth/challenge', { method: 'POST', body: {} });
  const signed = signChallenge(seed, id, challenge);
  const { publicKey } = signed;
  const body: TokenRequest = {
    grant_type: SIGNED_CHALLENGE_GRANT_TYPE,
    ...signed,
    ...(kind === 'staff' ? { kind: 'practitioner' } : {}),
    // A delegation to the node signed in at (finding 8; for patients, issue 13): with it the node may read
    // records held by other organisations on the signer's behalf, for the delegation's hour. Without it a
    // patient signed in at the pharmacy's node sees nothing the hospital keeps.
    ...delegationBeside(seed, id, challenge, {
      nowMs: Date.now(),
      ...(kind === 'patient' ? { scopes: PATIENT_DELEGATION_SCOPES_DEFAULT } : {}),
    }),
  };
  const answer = await request<TokenAnswer>('/auth/token', { body });
  const claims = claimsOf(answer.access_token);
  return {
    kind,
    publicKey,
    token: answer.access_token,
    expiresAtMs: Date.now() + answer.expires_in * 1000,
    ...(answer.patient === undefined ? {} : { patient: answer.patient }),
    ...(typeof claims.cc_org === 'string' ? { orgId: claims.cc_org } : {}),
  };
}
