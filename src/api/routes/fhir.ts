// The FHIR R4 boundary (/fhir/R4): metadata, create, update, transaction/batch, read, vread, history and
// search, for a custodian node. Routes authenticate
// the bearer token and translate HTTP to the records gateway, which authorises, logs and releases
// (STYLE §4). Every failure leaves as an OperationOutcome (STYLE §3, api/errors.ts), auth failures with
// their WWW-Authenticate challenge; nothing of a request body reaches a log or an error.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CarechainNode } from '../../node/node.ts';
import { depthLimitedJsonParser } from '../bad-input.ts';
import type { RecordsGateway } from '../../services/records/gateway.ts';
import { answerAsFhir } from '../errors.ts';
import type { TokenVerifier } from '../auth/tokens.ts';
import type { Caller } from '../../services/auth/caller.ts';
import { capabilityStatement } from '../../services/fhir/capability.ts';
import {
  FHIR_JSON_CONTENT_TYPE,
  FhirError,
  operationOutcome,
  type Issue,
} from '../../services/fhir/operation-outcome.ts';
import {
  everythingBundle,
  historyBundle,
  searchsetBundle,
  type SearchFound,
} from '../../services/fhir/result-bundles.ts';
import { systemClock } from '../../node/env.ts';
import { registerBulkRoutes } from './fhir-bulk.ts';
import { batchReader } from './fhir-batch-reads.ts';
import { rawQuery } from '../raw-url.ts';
import { registerPriorAuthFhirRoutes } from './claims-fhir.ts';
import type { PriorAuthService } from '../../services/claims/prior-auth.ts';
import { SEAL_HEADER, SEAL_TO_PRACTITIONER, SEALED_CONTENT_TYPE } from '../../contract/sealed.ts';
import {
  registerPatientAuthRoutes,
  registerSmartDiscovery,
  type PatientAuthOptions,
} from './patient-auth.ts';

export const FHIR_BASE_PATH = '/fhir/R4';
/** The purpose a read is for (HL7 v3 PurposeOfUse); treatment unless the client says otherwise. */
export const PURPOSE_HEADER = 'x-purpose-of-use';
export const PURPOSE_DEFAULT = 'TREAT';
/**
 * Largest body POSTed to the base or a type: a transaction Bundle of BUNDLE_ENTRIES_MAX resources at a
 * few KiB each (a Synthea resource averages 3.5 KiB). Other requests keep REQUEST_BODY_BYTES_MAX.
 */
export const FHIR_BODY_BYTES_MAX = 64 * 1024 * 1024;
/** When this CapabilityStatement last changed: a constant, so that the statement is reproducible. */
const CAPABILITY_DATE = '2025-01-01';
const SOFTWARE_VERSION = '0.1.0';

export interface FhirRouteOptions {
  readonly gateway: RecordsGateway;
  /** Verifies tokens signed by this node's issuer key. */
  readonly verifier: TokenVerifier;
  /** This endpoint's public base URL, for the CapabilityStatement and Location headers. */
  readonly baseUrl: string;
  /** Patient login by signed challenge (POST /auth/challenge, /auth/token); absent, no login here. */
  readonly patientAuth?: PatientAuthOptions;
  /** Claim/$submit and Claim/$inquire (Da Vinci PAS); absent, not served here. */
  readonly priorAuth?: PriorAuthService;
  /** Searches another module answers (monitoring's Observation?device=…), tried before the records'. */
  readonly searchExtensions?: readonly FhirSearchExtension[];
}

/**
 * A module's own answer to some searches of a type, chosen by the parameters alone: Observation?device=
 * searches a device's readings, while every other Observation search stays the records gateway's.
 */
export interface FhirSearchExtension {
  readonly resourceType: string;
  claims(query: URLSearchParams): boolean;
  /** May wait: a search that releases health data commits its access event first. */
  search(who: Caller, query: URLSearchParams): SearchFound | Promise<SearchFound>;
}

interface TypeParams {
  type: string;
}
interface InstanceParams extends TypeParams {
  id: string;
}

export function registerFhirRoutes(
  app: FastifyInstance,
  node: CarechainNode,
  options: FhirRouteOptions,
): void {
  const { gateway, verifier, baseUrl } = options;
  if (options.patientAuth !== undefined) {
    registerPatientAuthRoutes(app, node, { verifier, ...options.patientAuth });
    registerSmartDiscovery(app, node, options.baseUrl);
  }

  // An encapsulated scope: its body parser applies to the FHIR routes only, and its routes' failures
  // leave as OperationOutcomes (the one translator, api/errors.ts), so the domain API keeps its format.
  void app.register((scope, _opts, done) => {
    // http.html#mime-type: FHIR's JSON is application/fhir+json; plain application/json is accepted too.
    scope.addContentTypeParser('application/fhir+json', { parseAs: 'string' }, depthLimitedJsonParser(scope));
    answerAsFhir(scope);

    scope.get(`${FHIR_BASE_PATH}/metadata`, (_request, reply) =>
      reply
        .header('content-type', FHIR_JSON_CONTENT_TYPE)
        .send(capabilityStatement({ baseUrl, date: CAPABILITY_DATE, softwareVersion: SOFTWARE_VERSION })),
    );

    // A transaction or batch Bundle is POSTed to the base (http.html#transaction). Clients such as
    // fhir-kit-client add a trailing slash, which the router hands to `/:type` with an empty type.
    const postBundle = async (request: FastifyRequest, reply: FastifyReply) => {
      const who = await request.caller();
      const response = await gateway.bundle(
        who,
        request.body,
        batchReader(request, FHIR_BASE_PATH, PURPOSE_HEADER),
      );
      return reply
        .header('content-type', FHIR_JSON_CONTENT_TYPE)
        .header('cache-control', 'no-store')
        .send(response);
    };
    // A real patient's transaction Bundle is far larger than the API's body limit, so the POSTs to the
    // base (and /:type, which the trailing-slash form reaches) allow FHIR_BODY_BYTES_MAX, and only to a
    // caller already authenticated: the token is checked before a byte of the body is parsed.
    const large = { bodyLimit: FHIR_BODY_BYTES_MAX, onRequest: authenticateFirst };
    scope.post(FHIR_BASE_PATH, large, postBundle);

    scope.put<{ Params: InstanceParams }>(`${FHIR_BASE_PATH}/:type/:id`, async (request, reply) => {
      const who = await request.caller();
      const { type, id } = request.params;
      const { resource: updated, created } = await gateway.update(
        who,
        type,
        id,
        request.body,
        ifMatchOf(request),
      );
      const version = (updated.meta as { versionId: string }).versionId;
      // Update-as-create answers 201 Created (http.html#upsert).
      return reply
        .status(created ? 201 : 200)
        .header('content-type', FHIR_JSON_CONTENT_TYPE)
        .header('location', `${baseUrl}/${type}/${id}/_history/${version}`)
        .header('etag', `W/"${version}"`)
        .send(updated);
    });

    scope.post<{ Params: TypeParams }>(`${FHIR_BASE_PATH}/:type`, large, async (request, reply) => {
      if (request.params.type === '') return postBundle(request, reply);
      const who = await request.caller();
      const body = request.body as { resourceType?: unknown } | undefined;
      if (body?.resourceType !== request.params.type) {
        throw FhirError.invalid('resourceType must match the type in the URL', 'resourceType');
      }
      // http.html#ccreate: a match answers 200 with the stored resource, and nothing is created.
      const ifNoneExist = request.headers['if-none-exist'];
      const existing =
        typeof ifNoneExist === 'string'
          ? gateway.existingForCreate(who, request.params.type, ifNoneExist)
          : undefined;
      const created = existing ?? (await gateway.create(who, body));
      const version = (created.meta as { versionId: string }).versionId;
      return reply
        .status(existing === undefined ? 201 : 200)
        .header('content-type', FHIR_JSON_CONTENT_TYPE)
        .header('location', `${baseUrl}/${created.resourceType}/${String(created.id)}/_history/${version}`)
        .header('etag', `W/"${version}"`)
        .send(created);
    });

    // Patient/$everything (patient-operation-everything.html): every custodian's records of the patient,
    // each custodian deciding and logging its own share; the type-level form is a patient's own.
    const everything = async (request: FastifyRequest, reply: FastifyReply, id: string | undefined) => {
      const who = await request.caller();
      const { resources, incomplete } = await gateway.everything(who, id, purposeOf(request));
      const path = id === undefined ? 'Patient/$everything' : `Patient/${id}/$everything`;
      return reply
        .header('content-type', FHIR_JSON_CONTENT_TYPE)
        .header('cache-control', 'no-store')
        .send(everythingBundle({ baseUrl, path, resources, incomplete }));
    };
    scope.get(`${FHIR_BASE_PATH}/Patient/$everything`, (request, reply) =>
      everything(request, reply, undefined),
    );
    scope.get<{ Params: { id: string } }>(`${FHIR_BASE_PATH}/Patient/:id/$everything`, (request, reply) =>
      everything(request, reply, request.params.id),
    );

    scope.get<{ Params: InstanceParams }>(`${FHIR_BASE_PATH}/:type/:id`, async (request, reply) => {
      const who = await request.caller();
      // End to end on request: another custodian's answer, sealed to the practitioner, relayed as is.
      if (request.headers[SEAL_HEADER] === SEAL_TO_PRACTITIONER) {
        const { type, id } = request.params;
        const sealed = await gateway.readSealed(who, type, id, purposeOf(request));
        if (sealed !== undefined) {
          return reply
            .header('content-type', SEALED_CONTENT_TYPE)
            .header('cache-control', 'no-store')
            .send(sealed);
        }
      }
      // A Patient merged into another (HL7 ADT^A40, records.merge): the read goes there.
      const moved = gateway.movedTo(who, request.params.type, request.params.id);
      if (moved !== undefined) {
        return reply
          .code(301)
          .header('location', `${baseUrl}/${moved}`)
          .header('content-type', FHIR_JSON_CONTENT_TYPE)
          .send(operationOutcome([movedIssue(moved)]));
      }
      const resource = await gateway.read(who, request.params.type, request.params.id, purposeOf(request));
      return sendResource(reply, resource);
    });
    scope.get<{ Params: InstanceParams & { vid: string } }>(
      `${FHIR_BASE_PATH}/:type/:id/_history/:vid`,
      async (request, reply) => {
        const who = await request.caller();
        const { type, id, vid } = request.params;
        const resource = await gateway.vread(who, type, id, vid, purposeOf(request));
        return sendResource(reply, resource);
      },
    );

    scope.get<{ Params: InstanceParams }>(`${FHIR_BASE_PATH}/:type/:id/_history`, async (request, reply) => {
      const who = await request.caller();
      const versions = await gateway.history(who, request.params.type, request.params.id, purposeOf(request));
      return reply
        .header('content-type', FHIR_JSON_CONTENT_TYPE)
        .header('cache-control', 'no-store')
        .send(historyBundle(baseUrl, versions));
    });

    if (options.priorAuth !== undefined) {
      registerPriorAuthFhirRoutes(scope, options.priorAuth, authenticateFirst);
    }

    registerBulkRoutes(scope, {
      node,
      gateway,
      clock: systemClock,
      basePath: FHIR_BASE_PATH,
      baseUrl,
      bodyLimit: FHIR_BODY_BYTES_MAX,
      purposeOf,
      authenticateFirst,
    });

    scope.get<{ Params: TypeParams }>(`${FHIR_BASE_PATH}/:type`, async (request, reply) => {
      const who = await request.caller();
      // The raw query keeps repeats and order (repeated parameters AND, search.html#combining).
      const query = rawQuery(request);
      const { type } = request.params;
      const extension = options.searchExtensions?.find((e) => e.resourceType === type && e.claims(query));
      if (extension !== undefined) {
        const found = await extension.search(who, query);
        return reply
          .header('content-type', FHIR_JSON_CONTENT_TYPE)
          .header('cache-control', 'no-store')
          .send(searchsetBundle({ baseUrl, resourceType: type, query, ...found }));
      }
      const result = await gateway.search(who, type, query, purposeOf(request));
      return reply
        .header('content-type', FHIR_JSON_CONTENT_TYPE)
        .header('cache-control', 'no-store')
        .send(searchsetBundle({ baseUrl, resourceType: type, query, ...result }));
    });
    done();
  });
}

/** Fails the request with its 401 before its body is read, for routes that accept large bodies. */
async function authenticateFirst(request: FastifyRequest): Promise<void> {
  await request.caller();
}

/** The version an If-Match header names (http.html#concurrency): `W/"3"` or `"3"`; malformed is a 400. */
function ifMatchOf(request: FastifyRequest): string | undefined {
  const header = request.headers['if-match'];
  if (header === undefined) return undefined;
  const match = typeof header === 'string' ? /^(?:W\/)?"([A-Za-z0-9\-.]{1,64})"$/.exec(header.trim()) : null;
  if (match === null) throw FhirError.invalid('If-Match must be an ETag such as W/"1"');
  return match[1];
}

/** The purpose of use a read is for: the header, or treatment. */
function purposeOf(request: FastifyRequest): string {
  const header = request.headers[PURPOSE_HEADER];
  return typeof header === 'string' && header !== '' ? header : PURPOSE_DEFAULT;
}

/** A released resource: its version as ETag, and never kept in shared caches (RFC 9111 §5.2.2.5). */
function sendResource(reply: FastifyReply, resource: Record<string, unknown>): FastifyReply {
  const version = (resource.meta as { versionId?: string } | undefined)?.versionId;
  if (version !== undefined) void reply.header('etag', `W/"${version}"`);
  return reply
    .header('content-type', FHIR_JSON_CONTENT_TYPE)
    .header('cache-control', 'no-store')
    .send(resource);
}

/** The OperationOutcome of a redirect to the Patient a read one was merged into. */
function movedIssue(moved: string): Issue {
  return { severity: 'information', code: 'informational', diagnostics: `merged into ${moved}` };
}
