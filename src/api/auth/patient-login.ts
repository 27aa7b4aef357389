// Patients and their proxies get tokens by proving possession of their own key (challenge.ts); this
// turns a proven key into a token. The key must be the patient's current key or an unrevoked proxy's
// (membership actorOf); the token carries the patient's pseudonym and patient/ scopes only, so the
// gateway reads it in the patient context (SMART v2 §"patient-specific scopes").
import type { StateReader } from '../../app/state.ts';
import { actorOf } from '../../app/membership/queries.ts';
import type { ChallengeStore } from './challenge.ts';
import { AuthError } from './errors.ts';
import { scopesInContext, type Scope } from '../../services/auth/scopes.ts';
import { carriedOver, type IssuedToken, type TokenIssuer } from './tokens.ts';
import type { SignedDelegation } from '../../contract/delegation.ts';
import { checkPatientDelegation } from '../../services/auth/delegation.ts';

/** What a patient app gets unless it asks for less: read and search of everything about the patient. */
export const PATIENT_SCOPES_DEFAULT = 'patient/*.rs';

export interface PatientTokenRequest {
  /** A key already proven by the caller (a redeemed challenge). */
  readonly publicKey: string;
  /** Space-separated or parsed; patient/ resource scopes plus identity/launch scopes only. */
  readonly scopes?: string | readonly Scope[];
  readonly ttlMs?: number;
  /** Their signed delegation to this node, already checked (loginWithChallenge). */
  readonly delegation?: SignedDelegation;
}

/** Issues a patient or proxy token for a proven key; refuses keys that may not act for a patient now. */
export async function issuePatientToken(
  state: StateReader,
  issuer: TokenIssuer,
  request: PatientTokenRequest,
): Promise<IssuedToken> {
  const scopes = scopesInContext(request.scopes ?? PATIENT_SCOPES_DEFAULT, 'patient');
  const actor = actorOf(state, request.publicKey);
  if (actor.kind !== 'patient' && actor.kind !== 'proxy') {
    // One answer for "never registered", "rotated out" and "revoked proxy": the difference is the
    // patient's business, not a stranger's.
    throw new AuthError('auth.not_registered', 'this key is not a current patient or proxy key');
  }
  return issuer.issue({
    subject: request.publicKey,
    kind: actor.kind,
    patient: actor.pseudonym,
    scopes,
    ...carriedOver(request),
  });
}

/** The whole login: redeem the signed challenge, then issue the token for the key it proved. */
export async function loginWithChallenge(
  state: StateReader,
  challenges: ChallengeStore,
  issuer: TokenIssuer,
  response: unknown,
  options: Omit<PatientTokenRequest, 'publicKey' | 'delegation'> & { readonly delegation?: unknown } = {},
): Promise<IssuedToken> {
  // Scopes and the delegation are checked before the challenge is spent, so a bad request can be retried.
  const scopes = scopesInContext(options.scopes ?? PATIENT_SCOPES_DEFAULT, 'patient');
  const delegation = patientDelegation(state, challenges, issuer, response, scopes, options.delegation);
  const { publicKey } = challenges.redeem(response);
  return issuePatientToken(state, issuer, { publicKey, scopes, ttlMs: options.ttlMs, delegation });
}

/**
 * The patient's (or proxy's) delegation to this node, sent beside the signed challenge (issue 13):
 * checked as their other custodians will check it, so the token may fetch their records there. The key
 * that signs the challenge must be the delegation's (redeem() checks that signature next). A key that is
 * no patient's is left for issuePatientToken to refuse with its one answer.
 */
function patientDelegation(
  state: StateReader,
  challenges: ChallengeStore,
  issuer: TokenIssuer,
  response: unknown,
  scopes: readonly Scope[],
  input: unknown,
): SignedDelegation | undefined {
  if (input === undefined) return undefined;
  const publicKey = String((response as { publicKey?: unknown } | null)?.publicKey);
  const actor = actorOf(state, publicKey);
  if (actor.kind !== 'patient' && actor.kind !== 'proxy') return undefined;
  return checkPatientDelegation(state, input, {
    chainId: challenges.chainId,
    nodeKey: issuer.publicKey,
    practitionerKey: publicKey,
    pseudonym: actor.pseudonym,
    scopes,
    nowMs: challenges.nowMs(),
  });
}
