// Read-only consent views for the web app (issue 6), answered from the latest committed state:
//   GET /api/v1/patients/me/consents          the patient (or proxy): every consent they granted, in
//                                             commit order, revoked ones included (they sign the changes
//                                             themselves as consent.* txs at POST /api/v1/txs)
//   GET /api/v1/patients/me/consents/fhir     the same consents as FHIR R4 Consent resources, in a
//                                             searchset Bundle (consent/fhir.ts toFhirConsent)
//   GET /api/v1/patients/me/consent-requests  the patient: requests practitioners made, oldest first
//   GET /api/v1/consents/allowed?patient=…&resourceType=A,B&purpose=TREAT&action=read
//                                             a practitioner: what the patient's consent allows THEM
//                                             (consent evaluateAccess), per resource type asked; only
//                                             the caller's own verdicts, never the consents themselves
// Errors are the domain format; a patient's consents are theirs alone.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  CONSENT_ACTIONS,
  consentRequestsOf,
  consentsOf,
  evaluateAccess,
  PURPOSES_OF_USE,
  toFhirConsent,
  REQUEST_PAGE_MAX,
} from '../../app/consent/index.ts';
import { patientRecord } from '../../app/membership/queries.ts';
import { isHex } from '../../core/bytes.ts';
import type { CarechainNode } from '../../node/node.ts';
import { authenticate, type Caller } from '../auth/caller.ts';
import { AuthError, sendAuthError } from '../auth/errors.ts';
import type { TokenVerifier } from '../auth/tokens.ts';
import { ApiError } from '../errors.ts';

export const MY_CONSENTS_PATH = '/api/v1/patients/me/consents';
export const MY_FHIR_CONSENTS_PATH = '/api/v1/patients/me/consents/fhir';
export const MY_CONSENT_REQUESTS_PATH = '/api/v1/patients/me/consent-requests';
export const CONSENTS_ALLOWED_PATH = '/api/v1/consents/allowed';
/** Resource types one /consents/allowed call may ask about. */
export const ALLOWED_TYPES_MAX = 20;

interface AllowedQuery {
  patient?: string;
  resourceType?: string;
  purpose?: string;
  action?: string;
}

export function registerConsentRoutes(
  app: FastifyInstance,
  node: CarechainNode,
  verifier: TokenVerifier,
  /** The node's FHIR base URL, for the Bundle's fullUrls. */
  fhirBaseUrl: string,
): void {
  const state = () => node.ledger.store.latestState;
  /** The authenticated caller; auth failures leave in the domain format with their challenge. */
  const callerOr401 = async (request: FastifyRequest, reply: Parameters<typeof sendAuthError>[0]) => {
    try {
      return await authenticate(request.headers.authorization, verifier, state());
    } catch (err) {
      if (err instanceof AuthError) {
        sendAuthError(reply, err, 'domain');
        return undefined;
      }
      throw err;
    }
  };
  const patientOf = (who: Caller): string => {
    if (who.kind === 'practitioner') {
      throw new ApiError(403, 'consent.patient_only', 'only the patient (or a proxy) lists their consents');
    }
    return who.pseudonym;
  };

  app.get(MY_CONSENTS_PATH, async (request, reply) => {
    const who = await callerOr401(request, reply);
    if (who === undefined) return reply;
    const consents = consentsOf(state(), patientOf(who));
    return reply.header('cache-control', 'no-store').send({ consents });
  });

  app.get(MY_FHIR_CONSENTS_PATH, async (request, reply) => {
    const who = await callerOr401(request, reply);
    if (who === undefined) return reply;
    const consents = consentsOf(state(), patientOf(who));
    const bundle = {
      resourceType: 'Bundle',
      type: 'searchset',
      total: consents.length,
      entry: consents.map((record) => {
        const resource = toFhirConsent(record);
        return {
          fullUrl: `${fhirBaseUrl}/Consent/${record.consentId}`,
          resource,
          search: { mode: 'match' },
        };
      }),
    };
    return reply
      .header('content-type', 'application/fhir+json')
      .header('cache-control', 'no-store')
      .send(bundle);
  });

  app.get<{ Querystring: { _offset?: string; _count?: string } }>(
    MY_CONSENT_REQUESTS_PATH,
    async (request, reply) => {
      const who = await callerOr401(request, reply);
      if (who === undefined) return reply;
      const offset = Number(request.query._offset ?? 0);
      const limit = Number(request.query._count ?? REQUEST_PAGE_MAX);
      if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(limit) || limit < 0) {
        throw new ApiError(400, 'request.invalid', '_offset and _count are non-negative integers');
      }
      const page = consentRequestsOf(state(), patientOf(who), { offset, limit });
      return reply.header('cache-control', 'no-store').send(page);
    },
  );

  app.get<{ Querystring: AllowedQuery }>(CONSENTS_ALLOWED_PATH, async (request, reply) => {
    const who = await callerOr401(request, reply);
    if (who === undefined) return reply;
    if (who.kind !== 'practitioner') {
      throw new ApiError(
        403,
        'consent.practitioner_only',
        'a patient sees their consents at ' + MY_CONSENTS_PATH,
      );
    }
    const { patient, resourceType = '', purpose = 'TREAT', action = 'read' } = request.query;
    const types = resourceType.split(',').filter((t) => t !== '');
    if (!isHex(patient, 32))
      throw new ApiError(400, 'request.invalid', 'patient must be a pseudonym (64 hex)');
    if (
      types.length === 0 ||
      types.length > ALLOWED_TYPES_MAX ||
      !types.every((t) => /^[A-Z][A-Za-z]{1,63}$/.test(t))
    ) {
      throw new ApiError(400, 'request.invalid', `name 1 to ${ALLOWED_TYPES_MAX} FHIR resource types`);
    }
    if (
      !(PURPOSES_OF_USE as readonly string[]).includes(purpose) ||
      !(CONSENT_ACTIONS as readonly string[]).includes(action)
    ) {
      throw new ApiError(
        400,
        'request.invalid',
        `purpose is one of ${PURPOSES_OF_USE.join(', ')}; action read or write`,
      );
    }
    const current = state();
    if (patientRecord(current, patient) === undefined) {
      throw new ApiError(404, 'consent.unknown_patient', 'no patient has this pseudonym');
    }
    const tip = node.ledger.tip();
    const consents = consentsOf(current, patient);
    const decisions = types.map((type) => {
      const decision = evaluateAccess(consents, {
        patientPseudonym: patient,
        requester: { key: who.publicKey, orgId: who.orgId, role: who.role },
        resourceType: type,
        purpose,
        action,
        // As the gateway decides: the next block, at the tip's time.
        atHeight: tip.height + 1,
        atMs: tip.timeMs,
      });
      return { resourceType: type, decision: decision.decision, reason: decision.reason };
    });
    return reply.header('cache-control', 'no-store').send({ patient, purpose, action, decisions });
  });
}
