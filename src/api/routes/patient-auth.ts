// Patient and proxy login at a node (issue 4 "Auth"): POST /auth/challenge hands out a challenge bound
// to this node's audience; POST /auth/token exchanges the challenge signed with the patient's own key
// (grant type SIGNED_CHALLENGE_GRANT_TYPE) for a bearer token with patient/ scopes; with "kind":
// "practitioner", a staff key's signature gets a practitioner token of this node's organisation. The
// checks are challenge.ts's, patient-login.ts's and staff-login.ts's; this file only moves them onto HTTP.
//
// The token request is JSON rather than RFC 6749's form encoding: the server has no form parser, and
// our only clients (CLI, tests, the web app later) send JSON. Answers are never cached (RFC 6749 §5.1).
import type { FastifyInstance } from 'fastify';
import type { CarechainNode } from '../../node/node.ts';
import type { ChallengeStore } from '../auth/challenge.ts';
import { AuthError, sendAuthError } from '../auth/errors.ts';
import { loginWithChallenge } from '../auth/patient-login.ts';
import { loginStaffWithChallenge, STAFF_LOGIN_KIND } from '../auth/staff-login.ts';
import { SIGNED_CHALLENGE_GRANT_TYPE, smartConfiguration } from '../auth/smart-configuration.ts';
import { jwks, tokenResponse, type TokenIssuer } from '../auth/tokens.ts';

export interface PatientAuthOptions {
  /** Signs tokens with this node's key; the FHIR routes' verifier pins the same key. */
  readonly issuer: TokenIssuer;
  readonly challenges: ChallengeStore;
}

export const CHALLENGE_PATH = '/auth/challenge';
export const TOKEN_PATH = '/auth/token';
export const JWKS_PATH = '/.well-known/jwks.json';

/**
 * SMART discovery (SMART App Launch v2, "Conformance"): `[FHIR base]/.well-known/smart-configuration`
 * names the token and challenge endpoints; the JWKS publishes this node's token-signing key, so a
 * resource server elsewhere can verify our tokens with the key from genesis alone.
 */
export function registerSmartDiscovery(app: FastifyInstance, node: CarechainNode, fhirBaseUrl: string): void {
  const origin = new URL(fhirBaseUrl).origin;
  const path = new URL(fhirBaseUrl).pathname.replace(/\/$/, '');
  const document = smartConfiguration({
    issuer: origin,
    tokenEndpoint: origin + TOKEN_PATH,
    challengeEndpoint: origin + CHALLENGE_PATH,
    jwksUri: origin + JWKS_PATH,
  });
  app.get(`${path}/.well-known/smart-configuration`, (_request, reply) =>
    reply.header('cache-control', 'public, max-age=3600').send(document),
  );
  app.get(JWKS_PATH, () => jwks(node.key.publicKey));
}

export function registerPatientAuthRoutes(
  app: FastifyInstance,
  node: CarechainNode,
  options: PatientAuthOptions,
): void {
  const { issuer, challenges } = options;

  app.post(CHALLENGE_PATH, (_request, reply) =>
    reply.header('cache-control', 'no-store').send(challenges.issue()),
  );

  app.post<{ Body: Record<string, unknown> | undefined }>(TOKEN_PATH, async (request, reply) => {
    try {
      const body = request.body ?? {};
      if (body.grant_type !== SIGNED_CHALLENGE_GRANT_TYPE) {
        throw new AuthError('auth.challenge_invalid', `grant_type must be ${SIGNED_CHALLENGE_GRANT_TYPE}`);
      }
      const scope = typeof body.scope === 'string' ? { scopes: body.scope } : {};
      const { challenge, audience, publicKey, signature } = body;
      // Staff sign the same challenge and name kind "practitioner" (auth/staff-login.ts).
      if (body.kind === STAFF_LOGIN_KIND) {
        const response = { challenge, audience, publicKey, signature };
        const state = node.ledger.store.latestState;
        const issued = await loginStaffWithChallenge(state, challenges, issuer, response, scope);
        return reply.header('cache-control', 'no-store').send(tokenResponse(issued));
      }
      const issued = await loginWithChallenge(
        node.ledger.store.latestState,
        challenges,
        issuer,
        { challenge, audience, publicKey, signature },
        scope,
      );
      return reply.header('cache-control', 'no-store').send(tokenResponse(issued));
    } catch (err) {
      if (err instanceof AuthError) return sendAuthError(reply, err, 'domain');
      throw err;
    }
  });
}
