// Practitioners and other organisation staff log in the way patients do (challenge.ts): they sign the
// node's challenge with their own key, and the node answers with a practitioner token. What they may
// have is issuePractitionerToken's rule: an active practitioner of the node's OWN organisation (the
// node's key names its organisation in genesis), so a node never speaks for another organisation's
// staff. The key never leaves the caller, which is what lets the web app sign in staff and patients
// alike with a key kept in the browser.
import type { StateReader } from '../../app/state.ts';
import { actorOf } from '../../app/membership/queries.ts';
import type { ChallengeStore } from './challenge.ts';
import { AuthError } from './errors.ts';
import { issuePractitionerToken } from './practitioner-login.ts';
import { assertOnlyContext, scopesOf } from '../../services/auth/scopes.ts';
import type { IssuedToken, TokenIssuer } from './tokens.ts';

/** The `kind` a token request names to ask for a staff token (absent: a patient or proxy token). */
export const STAFF_LOGIN_KIND = 'practitioner';

export interface StaffLoginOptions {
  /** Space-separated user/ scopes; issuePractitionerToken's default otherwise. */
  readonly scopes?: string;
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
  if (options.scopes !== undefined) assertOnlyContext(scopesOf(options.scopes), 'user');
  const node = actorOf(state, issuer.publicKey);
  if (node.kind !== 'node') {
    throw new AuthError('auth.issuer_not_org_node', 'this node belongs to no organisation');
  }
  const { publicKey } = challenges.redeem(response);
  return issuePractitionerToken(state, issuer, {
    practitionerKey: publicKey,
    orgId: node.orgId,
    ...(options.scopes === undefined ? {} : { scopes: options.scopes }),
  });
}
