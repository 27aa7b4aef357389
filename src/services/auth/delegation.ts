// Is this practitioner's delegation true? (issue 10, finding 8). A custodian used to believe the
// requesting node about which practitioner asked and with which scopes, so a node could impersonate its
// own staff. Now every read that crosses a node boundary carries the practitioner's own signed
// delegation (contract/delegation.ts), and this is the one check of it, at the state and the clock the
// caller passes in (pure: the custodian's committed state and its own clock). The issuing node runs the
// same check at sign-in, so a bad delegation is refused where it was made, not only where it is used.
import type { StateReader } from '../../app/state.ts';
import { actorOf } from '../../app/membership/queries.ts';
import { fromHex } from '../../core/bytes.ts';
import { isAcceptablePublicKey, verifyMessage } from '../../core/crypto/index.ts';
import {
  delegationMessage,
  DELEGATION_TTL_MS_MAX,
  parseDelegation,
  type SignedDelegation,
} from '../../contract/delegation.ts';
import { AuthError } from './errors.ts';
import { allows, parseScopes, type Scope } from './scopes.ts';

/** Allowed disagreement between the practitioner's clock and the checking node's. */
export const DELEGATION_CLOCK_SKEW_MS = 30_000;

export interface DelegationExpectation {
  readonly chainId: string;
  /** The node the delegation must name: the peer's mTLS-pinned key, or the issuing node's own. */
  readonly nodeKey: string;
  /** The practitioner (or, checkPatientDelegation, the patient or proxy) the request says asked. */
  readonly practitionerKey: string;
  /** The scopes the request claims; each must be within the delegated ones. */
  readonly scopes: readonly Scope[];
  readonly nowMs: number;
  readonly skewMs?: number;
}

/** Why a delegation is refused, as details.reason (never the delegation or a key). */
export type DelegationRefusal =
  | 'missing'
  | 'malformed'
  | 'signature'
  | 'other_practitioner'
  | 'other_node'
  | 'not_practitioner'
  | 'not_patient'
  | 'other_org'
  | 'not_yet_valid'
  | 'expired'
  | 'lifetime'
  | 'scopes';

const MESSAGES: Readonly<Record<DelegationRefusal, string>> = {
  missing:
    'the practitioner’s signed delegation is missing: sign in with your own key to read across organisations',
  malformed: 'the practitioner’s delegation is malformed',
  signature: 'the practitioner’s delegation is not signed by the practitioner’s key',
  other_practitioner: 'the delegation is for another practitioner than the one named',
  other_node: 'the delegation is for another node than the one that forwarded it',
  not_practitioner: 'the delegation’s key is not an active practitioner on chain',
  not_patient: 'the delegation’s key is not the patient’s current key nor their proxy’s',
  other_org: 'the delegation’s organisation is not the practitioner’s nor the node’s',
  not_yet_valid: 'the delegation is not valid yet',
  expired: 'the practitioner’s delegation has expired: sign in again',
  lifetime: `a delegation lasts at most ${DELEGATION_TTL_MS_MAX / 60_000} minutes`,
  scopes: 'the request claims scopes the practitioner did not delegate',
};

function refuse(reason: DelegationRefusal): AuthError {
  return new AuthError('auth.delegation_invalid', MESSAGES[reason], { reason });
}

/**
 * Checks `input` against what the request says and what the chain says; returns the delegation, or
 * throws AuthError('auth.delegation_invalid') with details.reason. The signature is checked before
 * anything is looked up, so nothing unsigned is ever believed.
 */
export function checkDelegation(
  state: StateReader,
  input: unknown,
  expect: DelegationExpectation,
): SignedDelegation {
  const delegation = signedDelegation(state, input, expect);
  const practitioner = actorOf(state, delegation.practitionerKey);
  if (practitioner.kind !== 'practitioner' || practitioner.status !== 'active') {
    throw refuse('not_practitioner');
  }
  if (practitioner.orgId !== delegation.orgId) throw refuse('other_org');
  return withinLifetimeAndScopes(delegation, expect);
}

/**
 * A patient's (or their proxy's) delegation to the node they signed in at (issue 13): the same signed
 * shape as a practitioner's, with the patient's current key (or an unrevoked proxy's) as the delegating
 * key. It lets that node fetch the patient's records from their other custodians, which check it here
 * before they answer. The node may be any organisation's: a patient signs in wherever they like.
 */
export function checkPatientDelegation(
  state: StateReader,
  input: unknown,
  expect: DelegationExpectation & { readonly pseudonym: string },
): SignedDelegation {
  const delegation = signedDelegation(state, input, expect);
  const patient = actorOf(state, delegation.practitionerKey);
  const acting = patient.kind === 'patient' || patient.kind === 'proxy' ? patient.pseudonym : undefined;
  if (acting !== expect.pseudonym) throw refuse('not_patient');
  return withinLifetimeAndScopes(delegation, expect);
}

/** Shape, signature, the key and node named, and that the node is one of the delegation's organisation. */
function signedDelegation(
  state: StateReader,
  input: unknown,
  expect: DelegationExpectation,
): SignedDelegation {
  if (input === undefined || input === null) throw refuse('missing');
  const delegation = parseDelegation(input);
  if (delegation === undefined) throw refuse('malformed');
  const key = fromHex(delegation.practitionerKey);
  const signed =
    isAcceptablePublicKey(key) &&
    verifyMessage(
      key,
      'delegation',
      expect.chainId,
      delegationMessage(delegation),
      fromHex(delegation.signature),
    );
  if (!signed) throw refuse('signature');
  if (delegation.practitionerKey !== expect.practitionerKey) throw refuse('other_practitioner');
  if (delegation.nodeKey !== expect.nodeKey) throw refuse('other_node');
  const node = actorOf(state, delegation.nodeKey);
  if (node.kind !== 'node' || node.orgId !== delegation.orgId) throw refuse('other_org');
  return delegation;
}

function withinLifetimeAndScopes(
  delegation: SignedDelegation,
  expect: DelegationExpectation,
): SignedDelegation {
  const skewMs = expect.skewMs ?? DELEGATION_CLOCK_SKEW_MS;
  if (delegation.expiresAtMs <= delegation.issuedAtMs) throw refuse('lifetime');
  if (delegation.expiresAtMs - delegation.issuedAtMs > DELEGATION_TTL_MS_MAX) throw refuse('lifetime');
  if (delegation.issuedAtMs > expect.nowMs + skewMs) throw refuse('not_yet_valid');
  if (expect.nowMs > delegation.expiresAtMs + skewMs) throw refuse('expired');
  let delegated: Scope[];
  try {
    delegated = parseScopes(delegation.scopes);
  } catch {
    throw refuse('malformed');
  }
  if (!scopesWithin(expect.scopes, delegated)) throw refuse('scopes');
  return delegation;
}

/** True when every interaction the `inner` scopes allow, the `outer` scopes allow too. */
export function scopesWithin(inner: readonly Scope[], outer: readonly Scope[]): boolean {
  return inner.every((scope) =>
    scope.kind === 'non-resource'
      ? outer.some((o) => o.kind === 'non-resource' && o.name === scope.name)
      : scope.interactions.every((interaction) =>
          allows(outer, { context: scope.context, resourceType: scope.resourceType, interaction }),
        ),
  );
}
