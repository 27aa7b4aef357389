// Practitioners and other organisation staff log in the way patients do (challenge.ts): they sign the
// node's challenge with their own key, and the node answers with a practitioner token. What they may
// have is issuePractitionerToken's rule: an active practitioner of the node's OWN organisation (the
// node's key names its organisation in genesis), so a node never speaks for another organisation's
// staff. The key never leaves the caller, which is what lets the web app sign in staff and patients
// alike with a key kept in the browser.
//
// Beside the challenge they sign a delegation to this node (contract/delegation.ts, finding 8), which the
// token carries so that this node can show other organisations' nodes that the practitioner asked. It
// is checked here as the custodian will check it, before the challenge is spent. A login without one
// still gets a token, good at this node only.
import type { StateReader } from '../../app/state.ts';
import { actorOf } from '../../app/membership/queries.ts';
import type { ChallengeStore } from './challenge.ts';
import { AuthError } from './errors.ts';
import { issuePractitionerToken, PRACTITIONER_SCOPES_DEFAULT } from './practitioner-login.ts';
import { checkDelegation } from '../../services/auth/delegation.ts';
import { scopesInContext } from '../../services/auth/scopes.ts';
import type { IssuedToken, TokenIssuer } from './tokens.ts';

/** The `kind` a token request names to ask for a staff token (absent: a patient or proxy token). */
export const STAFF_LOGIN_KIND = 'practitioner';

export interface StaffLoginOptions {
  /** Space-separated user/ scopes; issuePractitionerToken's default otherwise. */
  readonly scopes?: string;
  /** The practitioner's signed delegation to this node, as sent (checked here). */
  readonly delegation?: unknown;
}

/** Redeems a signed challenge and issues a practitioner token of the issuing node's organisation. */
export async function loginStaffWithChallenge(
  state: StateReader,
  challenges: ChallengeStore,
  issuer: TokenIssuer,
  response: unknown,
  options: StaffLoginOptions = {},
): Promise<IssuedToken> {
  // Checked before the challenge is spent, so a bad request can be retried with the same challenge.
  const scopes = scopesInContext(options.scopes ?? PRACTITIONER_SCOPES_DEFAULT, 'user');
  const node = actorOf(state, issuer.publicKey);
  if (node.kind !== 'node') {
    throw new AuthError('auth.issuer_not_org_node', 'this node belongs to no organisation');
  }
  // The key that signs the challenge must be the delegation's: redeem() checks that signature next.
  const delegation =
    options.delegation === undefined
      ? undefined
      : checkDelegation(state, options.delegation, {
          chainId: challenges.chainId,
          nodeKey: issuer.publicKey,
          practitionerKey: String((response as { publicKey?: unknown } | null)?.publicKey),
          scopes,
          nowMs: challenges.nowMs(),
        });
  const { publicKey } = challenges.redeem(response);
  return issuePractitionerToken(state, issuer, {
    practitionerKey: publicKey,
    orgId: node.orgId,
    scopes,
    delegation,
  });
}
