// The one error translator of the API (issue 11). Routes and services throw; this turns every failure
// into the answer of its boundary, once:
// - the domain API answers { error: { code, message, details } } with the status the error catalogue
//   (core/errors/codes.ts) gives the code;
// - the FHIR boundary (/fhir/R4 and the records-admin routes beside it, marked with answerAsFhir)
//   answers an OperationOutcome (STYLE §3);
// - the Beacon boundary (every path under /beacon/v2, a route or not) answers the GA4GH Beacon v2
//   framework's beaconErrorResponse: the domain's refusal, with its status as errorCode and its catalogue
//   code kept in `info`.
// Auth failures carry their RFC 6750 challenge at both. Unknown failures become 'internal' (500) with no
// internals in the answer; the log gets the error, never a request body. Fastify's own refusals (bad
// JSON, wrong media type, too large, schema validation) become catalogue codes: their messages may quote
// a piece of the body, so only schema validation's (which names the field, not the value) is passed on.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { OperationOutcome } from 'fhir/r4.js';
import type { Logger } from 'pino';
import { CoreError, type Details } from '../core/errors.ts';
import { statusOfCode } from '../core/errors/codes.ts';
import {
  FHIR_JSON_CONTENT_TYPE,
  FhirError,
  issue,
  type IssueType,
} from '../services/fhir/operation-outcome.ts';
import { ServiceError } from '../services/errors.ts';
import { AuthError, domainAuthResponse, fhirAuthResponse } from './auth/errors.ts';
import type { ErrorBody } from '../contract/ledger.ts';
import { beaconErrorBody, isBeaconPath, type BeaconErrorResponse } from '../contract/beacon.ts';

export type { ErrorBody };

export function errorBody(code: string, message: string, details: Details = {}): ErrorBody {
  return { error: { code, message, details: jsonSafe(details) } };
}

/**
 * Details as JSON can hold them. A number JSON has no form for (the query parser makes Infinity of
 * "Infinity" or "1e400", and a schema's maximum does not catch the coerced value) is sent as text: the
 * answer's serialiser would otherwise fail on it and turn the refusal into a 500.
 */
function jsonSafe(details: Details): Details {
  const unsafe = (value: unknown) => typeof value === 'number' && !Number.isFinite(value);
  if (!Object.values(details).some(unsafe)) return details;
  return Object.fromEntries(
    Object.entries(details).map(([key, value]) => [key, unsafe(value) ? String(value) : value]),
  );
}

/** The route config key that makes a scope's failures leave as OperationOutcomes. */
const BOUNDARY = 'errorBoundary';
export type Boundary = 'domain' | 'fhir' | 'beacon';

/** Marks every route this scope registers afterwards as answering failures in FHIR's format. */
export function answerAsFhir(scope: FastifyInstance): void {
  scope.addHook('onRoute', (route) => {
    route.config = { ...(route.config as object), [BOUNDARY]: 'fhir' } as typeof route.config;
  });
}

function boundaryOf(request: FastifyRequest): Boundary {
  if (isBeaconPath(request.url.split('?')[0]!)) return 'beacon';
  const config = request.routeOptions.config as unknown as Record<string, unknown> | undefined;
  return config?.[BOUNDARY] === 'fhir' ? 'fhir' : 'domain';
}

/** One answer: status, headers and body. */
export interface Answer<Body> {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Body;
}

/** A failure reduced to a catalogue code, or undefined when it is not the client's (an internal error). */
interface Refusal {
  readonly code: string;
  readonly message: string;
  readonly details: Details;
  /** The status Fastify itself gave its own refusal, which the FHIR boundary has always answered. */
  readonly fastifyStatus?: number;
}

/** Fastify's own refusals, as catalogue codes; their messages are never passed on (they may quote the body). */
function fastifyRefusal(err: FastifyError): Refusal | undefined {
  if (err.validation !== undefined) {
    return { code: 'request.invalid', message: err.message, details: {}, fastifyStatus: 400 };
  }
  const status = err.statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return {
      code: 'request.too_large',
      message: 'request body is too large',
      details: {},
      fastifyStatus: 413,
    };
  }
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return {
      code: 'request.unsupported_media_type',
      message: 'send application/json',
      details: {},
      fastifyStatus: status,
    };
  }
  return {
    code: 'request.malformed',
    message: 'request body is not valid JSON',
    details: {},
    fastifyStatus: status,
  };
}

/** Refusals that carry their wait as `details.retryAfterSeconds`, one field name for every one of them. */
const LATER_CODES: ReadonlySet<string> = new Set([
  'intake.rate_limited',
  'verify.rate_limited',
  'auth.challenge_busy',
]);

/** How long to wait before retrying a refusal that says "later" (RFC 9110 §10.2.3), if it says so. */
function retryAfter(err: CoreError): string | undefined {
  if (err.code === 'mempool.full') return '1';
  if (LATER_CODES.has(err.code)) return String(err.details.retryAfterSeconds ?? 1);
  return undefined;
}

function withRetryAfter<B>(answer: Answer<B>, err: CoreError): Answer<B> {
  const seconds = retryAfter(err);
  return seconds === undefined
    ? answer
    : { ...answer, headers: { ...answer.headers, 'retry-after': seconds } };
}

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** The domain API's answer to a failure; undefined for an internal one. */
export function domainAnswer(err: unknown): Answer<ErrorBody> | undefined {
  if (err instanceof AuthError) return withRetryAfter(domainAuthResponse(err), err);
  if (err instanceof CoreError) {
    const answer = {
      statusCode: statusOfCode(err.code),
      headers: { 'content-type': JSON_CONTENT_TYPE },
      body: errorBody(err.code, err.message, err.details),
    };
    return withRetryAfter(answer, err);
  }
  if (err instanceof FhirError) return undefined;
  const refusal = err instanceof Error ? fastifyRefusal(err as FastifyError) : undefined;
  if (refusal === undefined) return undefined;
  return {
    statusCode: statusOfCode(refusal.code),
    headers: { 'content-type': JSON_CONTENT_TYPE },
    body: errorBody(refusal.code, refusal.message, refusal.details),
  };
}

/** The IssueType a catalogue status means at the FHIR boundary (operation-outcome.ts maps it back). */
function issueTypeOfStatus(status: number): IssueType {
  const byStatus: Record<number, IssueType> = {
    401: 'login',
    403: 'forbidden',
    404: 'not-found',
    409: 'conflict',
    413: 'too-costly',
    415: 'not-supported',
    422: 'business-rule',
    429: 'throttled',
    503: 'transient',
  };
  return byStatus[status] ?? 'structure';
}

function fhirAnswerOf(fhirError: FhirError): Answer<OperationOutcome> {
  const later = fhirError.retryAfterSeconds;
  return {
    statusCode: fhirError.statusCode,
    headers: {
      'content-type': FHIR_JSON_CONTENT_TYPE,
      ...(later === undefined ? {} : { 'retry-after': String(later) }),
    },
    body: fhirError.toOperationOutcome(),
  };
}

/** The FHIR boundary's answer to a failure; undefined for an internal one. */
export function fhirAnswer(err: unknown): Answer<OperationOutcome> | undefined {
  if (err instanceof AuthError) return withRetryAfter(fhirAuthResponse(err), err);
  if (err instanceof FhirError) return fhirAnswerOf(err);
  // The chain names a version this node's vault does not hold (a registration whose sealing never
  // happened here, say): the client's request is fine and nothing is there to give (finding 14).
  if (err instanceof CoreError && err.code === 'vault.not_found') {
    return fhirAnswerOf(FhirError.notFound('this version is not held in the custodian’s vault'));
  }
  // A service's or the input guards' refusal of the request (not a node error surfacing): its catalogue
  // status, its message (which never carries request content).
  if (err instanceof ServiceError) {
    const status = statusOfCode(err.code);
    return withRetryAfter(
      fhirAnswerOf(new FhirError(status, [issue(issueTypeOfStatus(status), err.message)])),
      err,
    );
  }
  if (err instanceof CoreError) return undefined;
  const refusal = err instanceof Error ? fastifyRefusal(err as FastifyError) : undefined;
  if (refusal?.fastifyStatus === undefined) return undefined;
  const status = refusal.fastifyStatus;
  const [code, text] =
    status === 415
      ? (['not-supported', 'send application/fhir+json'] as const)
      : status === 413
        ? (['too-costly', 'request body is too large'] as const)
        : refusal.code === 'request.invalid'
          ? (['invalid', refusal.message] as const)
          : (['structure', 'request body is not valid JSON'] as const);
  return fhirAnswerOf(new FhirError(status, [issue(code, text)]));
}

/** The domain's answer in the Beacon framework's shape: same status and headers, same catalogue code. */
function asBeaconAnswer(answer: Answer<ErrorBody>, beaconId: string): Answer<BeaconErrorResponse> {
  return { ...answer, body: beaconErrorBody(beaconId, answer.statusCode, answer.body.error) };
}

/** The Beacon boundary's answer to a failure; undefined for an internal one. */
export function beaconAnswer(err: unknown, beaconId: string): Answer<BeaconErrorResponse> | undefined {
  const answer = domainAnswer(err);
  return answer === undefined ? undefined : asBeaconAnswer(answer, beaconId);
}

type AnyErrorBody = ErrorBody | OperationOutcome | BeaconErrorResponse;

/** The answer to a failure nobody refused on purpose: a bare 500, the details to the log only. */
export function internalAnswer(boundary: Boundary, beaconId = ''): Answer<AnyErrorBody> {
  if (boundary === 'fhir') return fhirAnswerOf(new FhirError(500, [issue('exception', 'internal error')]));
  const answer = {
    statusCode: 500,
    headers: { 'content-type': JSON_CONTENT_TYPE },
    body: errorBody('internal', 'internal error'),
  };
  return boundary === 'beacon' ? asBeaconAnswer(answer, beaconId) : answer;
}

/** The answer to any failure at a boundary; `beaconId` names this node's Beacon in its errors. */
export function answerFor(err: unknown, boundary: Boundary, beaconId = ''): Answer<AnyErrorBody> | undefined {
  if (boundary === 'beacon') return beaconAnswer(err, beaconId);
  return boundary === 'fhir' ? fhirAnswer(err) : domainAnswer(err);
}

function send(reply: FastifyReply, answer: Answer<unknown>): void {
  for (const [name, value] of Object.entries(answer.headers)) void reply.header(name, value);
  void reply.status(answer.statusCode).send(answer.body);
}

export interface ErrorTranslatorOptions {
  /** This node's Beacon id (contract/beacon.ts beaconIdOf), named in the Beacon's error answers. */
  readonly beaconId?: string;
}

/** Installs the translator and the not-found answer on the server; once, for every route and scope. */
export function installErrorTranslator(
  app: FastifyInstance,
  logger: Logger,
  options: ErrorTranslatorOptions = {},
): void {
  const beaconId = options.beaconId ?? 'carechain';
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const boundary = boundaryOf(request);
    const answer = answerFor(err, boundary, beaconId);
    if (answer !== undefined) return send(reply, answer);
    // Never echo internals: the log gets the error (no request bodies are logged), the client a code.
    logger.error(
      { err: { name: err.name, message: err.message, stack: err.stack }, url: request.routeOptions.url },
      'unhandled API error',
    );
    return send(reply, internalAnswer(boundary, beaconId));
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    const answer = {
      statusCode: statusOfCode('route.not_found'),
      headers: { 'content-type': JSON_CONTENT_TYPE },
      body: errorBody('route.not_found', `no route ${request.method} ${path}`),
    };
    send(reply, isBeaconPath(path) ? asBeaconAnswer(answer, beaconId) : answer);
  });
}
