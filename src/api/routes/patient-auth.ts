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
import {
  challengeSchema,
  jwksSchema,
  loggedOutResponse,
  tokenAnswerSchema,
  tokenBody,
  type TokenRequest,
} from '../../contract/auth.ts';
import type { ChallengeStore } from '../auth/challenge.ts';
import { AuthError } from '../auth/errors.ts';
import { loginWithChallenge } from '../auth/patient-login.ts';
import { loginStaffWithChallenge, STAFF_LOGIN_KIND } from '../auth/staff-login.ts';
import { SIGNED_CHALLENGE_GRANT_TYPE, smartConfiguration } from '../auth/smart-configuration.ts';
import { bearerToken } from '../auth/caller.ts';
import { resolveCaller } from '../../services/auth/caller.ts';
import { actorOf } from '../../app/membership/queries.ts';
import {
  jwks,
  tokenResponse,
  type IssuedToken,
  type TokenIssuer,
  type TokenVerifier,
} from '../auth/tokens.ts';

export interface PatientAuthOptions {
  /** Signs tokens with this node's key; the FHIR routes' verifier pins the same key. */
  readonly issuer: TokenIssuer;
  readonly challenges: ChallengeStore;
  /** Verifies refresh tokens and the token a logout names (the FHIR routes' verifier). */
  readonly verifier?: TokenVerifier;
}

/** RFC 6749 §6: the grant that trades a refresh token for a new access token. */
export const REFRESH_GRANT_TYPE = 'refresh_token';

export const CHALLENGE_PATH = '/auth/challenge';
export const TOKEN_PATH = '/auth/token';
export const JWKS_PATH = '/.well-known/jwks.json';
export const LOGOUT_PATH = '/auth/logout';

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
  app.get(JWKS_PATH, { schema: { response: { 200: jwksSchema } } }, () => jwks(node.key.publicKey));
}

export function registerPatientAuthRoutes(
  app: FastifyInstance,
  node: CarechainNode,
  options: PatientAuthOptions,
): void {
  const { issuer, challenges, verifier } = options;

  // Refusals are AuthErrors: the translator (api/errors.ts) answers them with their challenge, and a
  // full challenge store with Retry-After.
  // The node's key and organisation ride along: a practitioner signs a delegation to them (finding 8).
  app.post(CHALLENGE_PATH, { schema: { response: { 200: challengeSchema } } }, (request, reply) => {
    const challenge = challenges.issue(clientKey(request.ip));
    const self = actorOf(node.ledger.state, node.key.publicKey);
    const delegate = self.kind === 'node' ? { nodeKey: node.key.publicKey, orgId: self.orgId } : {};
    return reply.header('cache-control', 'no-store').send({ ...challenge, ...delegate });
  });

  const token = { body: tokenBody, response: { 200: tokenAnswerSchema } };
  app.post<{ Body: TokenRequest | undefined }>(TOKEN_PATH, { schema: token }, async (request, reply) => {
    const body = request.body ?? {};
    if (body.grant_type === REFRESH_GRANT_TYPE && verifier !== undefined) {
      const issued = await refresh(node, issuer, verifier, body.refresh_token);
      return reply.header('cache-control', 'no-store').send(tokenResponse(issued));
    }
    if (body.grant_type !== SIGNED_CHALLENGE_GRANT_TYPE) {
      throw new AuthError('auth.challenge_invalid', `grant_type must be ${SIGNED_CHALLENGE_GRANT_TYPE}`);
    }
    const scope = typeof body.scope === 'string' ? { scopes: body.scope } : {};
    const { challenge, audience, publicKey, signature } = body;
    // Staff sign the same challenge and name kind "practitioner" (auth/staff-login.ts).
    if (body.kind === STAFF_LOGIN_KIND) {
      const response = { challenge, audience, publicKey, signature };
      const state = node.ledger.state;
      const delegation = body.delegation === undefined ? {} : { delegation: body.delegation };
      const options = { ...scope, ...delegation };
      const issued = await loginStaffWithChallenge(state, challenges, issuer, response, options);
      return reply.header('cache-control', 'no-store').send(tokenResponse(issued));
    }
    // A patient's delegation lets this node fetch their records from other custodians (issue 13).
    const delegation = body.delegation === undefined ? {} : { delegation: body.delegation };
    const issued = await loginWithChallenge(
      node.ledger.state,
      challenges,
      issuer,
      { challenge, audience, publicKey, signature },
      { ...scope, ...delegation },
    );
    return reply.header('cache-control', 'no-store').send(tokenResponse(issued));
  });

  // Logging out revokes the session of the token presented: its access tokens and refresh token.
  app.post(LOGOUT_PATH, { schema: { response: { 204: loggedOutResponse } } }, async (request, reply) => {
    if (verifier === undefined) throw new AuthError('auth.invalid_request', 'this node has no sessions');
    const token = await verifier.verify(bearerToken(request.headers.authorization));
    verifier.revokeSession(token);
    return reply.header('cache-control', 'no-store').status(204).send();
  });
}

/**
 * Whom a challenge is counted against: the client's address, with IPv6 cut to its /64 (one subscriber's
 * network hands out a whole /64, so per-address limits would not bind there).
 */
export function clientKey(ip: string): string {
  if (!ip.includes(':') || ip.startsWith('::ffff:')) return ip;
  return ip.split(':').slice(0, 4).join(':') + '::/64';
}

/** RFC 6749 §6: a new access token for the refresh token's session, if its subject may still act so. */
async function refresh(
  node: CarechainNode,
  issuer: TokenIssuer,
  verifier: TokenVerifier,
  refreshToken: unknown,
): Promise<IssuedToken> {
  if (typeof refreshToken !== 'string') {
    throw new AuthError('auth.refresh_invalid', 'send refresh_token with grant_type refresh_token');
  }
  const token = await verifier.verifyRefresh(refreshToken);
  // Revoking the key (suspension, rotation, a revoked proxy) ends the refreshes too.
  const caller = resolveCaller(node.ledger.state, token);
  return issuer.issue({
    subject: caller.publicKey,
    kind: caller.kind,
    scopes: token.scopes,
    ...(caller.kind === 'practitioner' ? { orgId: caller.orgId } : { patient: caller.pseudonym }),
    ...(token.sessionId === undefined ? {} : { sessionId: token.sessionId }),
    // Kept until it expires: after that the session still works here, but no longer across nodes.
    ...(token.delegation === undefined ? {} : { delegation: token.delegation }),
  });
}
