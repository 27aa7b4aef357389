// GA4GH Beacon v2 at /beacon/v2 (issue 19 §4), shaped after the framework's JSON Schemas
// (beacon-v2/framework/json: responses/*, configuration/*, requests/beaconRequestBody.json). The
// informational endpoints are public; /g_variants needs a caller (the researcher whose budget pays): a
// node token, or a GA4GH Passport in the `ga4gh-passport` header. Record granularity needs the Passport's
// ControlledAccessGrants and ResearcherStatus visas.
import { Type, type Static } from '@sinclair/typebox';

export const BEACON_BASE = '/beacon/v2';
export const BEACON_API_VERSION = 'v2.0.0';
/** The request header that carries a GA4GH Passport (a JWT) to /g_variants. */
export const PASSPORT_HEADER = 'ga4gh-passport';
export const BEACON_PATHS = {
  info: `${BEACON_BASE}/info`,
  root: BEACON_BASE,
  configuration: `${BEACON_BASE}/configuration`,
  map: `${BEACON_BASE}/map`,
  entryTypes: `${BEACON_BASE}/entry_types`,
  filteringTerms: `${BEACON_BASE}/filtering_terms`,
  gVariants: `${BEACON_BASE}/g_variants`,
  individuals: `${BEACON_BASE}/individuals`,
} as const;

/** Whether a request path (no query) is the Beacon's: everything there answers in the framework's shapes. */
export function isBeaconPath(path: string): boolean {
  return path === BEACON_BASE || path.startsWith(`${BEACON_BASE}/`);
}

/**
 * The framework's BeaconId ("usually a reversed domain string", beaconCommonComponents.json): one per
 * node of one chain, so a network's aggregated answers say which beacon gave which part.
 */
export function beaconIdOf(chainId: string, nodePublicKey: string): string {
  return `carechain.${chainId}.${nodePublicKey.slice(0, 16)}`;
}

const schemaRef = Type.Object({ entityType: Type.String(), schema: Type.String() });
const anyObject = Type.Record(Type.String(), Type.Unknown());

export const informationalMetaSchema = Type.Object({
  beaconId: Type.String(),
  apiVersion: Type.String(),
  returnedSchemas: Type.Array(schemaRef),
});

export const beaconInfoResponseSchema = Type.Object({
  meta: informationalMetaSchema,
  response: Type.Object({
    id: Type.String(),
    name: Type.String(),
    apiVersion: Type.String(),
    environment: Type.Union([
      Type.Literal('prod'),
      Type.Literal('test'),
      Type.Literal('dev'),
      Type.Literal('staging'),
    ]),
    organization: Type.Object({ id: Type.String(), name: Type.String() }),
    description: Type.String(),
  }),
});

/** /configuration, /map and /entry_types: static documents whose inner shapes the framework defines. */
export const beaconConfigurationResponseSchema = Type.Object({
  meta: informationalMetaSchema,
  response: Type.Object({
    $schema: Type.String(),
    maturityAttributes: Type.Object({ productionStatus: Type.String() }),
    securityAttributes: Type.Object({
      defaultGranularity: Type.String(),
      securityLevels: Type.Array(Type.String()),
    }),
    entryTypes: anyObject,
  }),
});
export const beaconMapResponseSchema = Type.Object({
  meta: informationalMetaSchema,
  response: Type.Object({ $schema: Type.String(), endpointSets: anyObject }),
});
export const beaconEntryTypesResponseSchema = Type.Object({
  meta: informationalMetaSchema,
  response: Type.Object({ entryTypes: anyObject }),
});
export const beaconFilteringTermsResponseSchema = Type.Object({
  meta: informationalMetaSchema,
  response: Type.Object({ filteringTerms: Type.Array(anyObject) }),
});

const granularity = Type.Union([Type.Literal('boolean'), Type.Literal('count'), Type.Literal('record')]);
/** Longer than the longest human chromosome (chr1, 248,956,422 bases). */
export const BEACON_POSITION_MAX = 300_000_000;
const position = Type.Integer({ minimum: 0, maximum: BEACON_POSITION_MAX });
const bases = Type.String({ pattern: '^[ACGTN]{1,1000}$' });
const referenceName = Type.String({ pattern: '^(chr)?([1-9]|1[0-9]|2[0-2]|X|Y)$' });

/**
 * A GET query's start or end: one 0-based position, or two separated by a comma (a bracket's least and
 * greatest), as the framework writes arrays in a query string.
 */
const positionsText = Type.String({ pattern: '^[0-9]{1,9}(,[0-9]{1,9})?$' });

/**
 * GET /g_variants query parameters (Beacon v2 genomic variations): a sequence query (start,
 * referenceBases, alternateBases), a range query (start, end) or a bracket query (start and end of two
 * positions each).
 */
export const gVariantsQuerySchema = Type.Object(
  {
    referenceName,
    assemblyId: Type.Optional(Type.Literal('GRCh38')),
    start: positionsText,
    end: Type.Optional(positionsText),
    referenceBases: Type.Optional(bases),
    alternateBases: Type.Optional(bases),
    requestedGranularity: Type.Optional(granularity),
  },
  { additionalProperties: false },
);
export type GVariantsQuery = Static<typeof gVariantsQuerySchema>;

/**
 * POST /g_variants requestParameters: as the GET query, but start and end are arrays of one or two
 * positions, as the framework's request body has them (a bare position is read as an array of one).
 */
export const gVariantsRequestParametersSchema = Type.Object(
  {
    referenceName,
    assemblyId: Type.Optional(Type.Literal('GRCh38')),
    start: Type.Array(position, { minItems: 1, maxItems: 2 }),
    end: Type.Optional(Type.Array(position, { minItems: 1, maxItems: 2 })),
    referenceBases: Type.Optional(bases),
    alternateBases: Type.Optional(bases),
  },
  { additionalProperties: false },
);
export type GVariantsRequestParameters = Static<typeof gVariantsRequestParametersSchema>;

/** One object shape, not a union of shapes (Fastify's validator strips fields while trying branches). */
const purpose = Type.Object(
  {
    kind: Type.Union(
      ['general', 'health', 'disease', 'ancestry', 'methods', 'clinical-care'].map((k) => Type.Literal(k)),
    ),
    disease: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9:._-]{0,63}$' })),
  },
  { additionalProperties: false },
);
const term = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9:._-]{0,63}$' });

/** What the researcher states they will do with the answer, checked against DUO terms and consents. */
export const statedUseSchema = Type.Object(
  {
    purpose,
    project: term,
    country: Type.String({ pattern: '^[A-Z]{2}$' }),
    forProfit: Type.Boolean(),
    commercial: Type.Boolean(),
    geneticStudy: Type.Boolean(),
    ethicsApproved: Type.Boolean(),
    willPublish: Type.Boolean(),
    willCollaborate: Type.Boolean(),
    willReturnResults: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type StatedUseBody = Static<typeof statedUseSchema>;

/** POST /g_variants: the framework's request body, plus the researcher's stated use. */
export const gVariantsRequestSchema = Type.Object(
  {
    meta: Type.Object(
      { apiVersion: Type.Optional(Type.String({ maxLength: 16 })) },
      { additionalProperties: false },
    ),
    query: Type.Object(
      {
        requestParameters: gVariantsRequestParametersSchema,
        requestedGranularity: Type.Optional(granularity),
      },
      { additionalProperties: false },
    ),
    statedUse: statedUseSchema,
  },
  { additionalProperties: false },
);
export type GVariantsRequest = Static<typeof gVariantsRequestSchema>;

/** beaconResponseMeta (responses/sections/beaconResponseMeta.json), with the request as it was read. */
const responseMetaSchema = Type.Object({
  beaconId: Type.String(),
  apiVersion: Type.String(),
  returnedGranularity: granularity,
  returnedSchemas: Type.Array(schemaRef),
  receivedRequestSummary: Type.Object({
    apiVersion: Type.String(),
    requestedSchemas: Type.Array(schemaRef),
    pagination: Type.Object({ skip: Type.Integer(), limit: Type.Integer() }),
    requestedGranularity: granularity,
  }),
});
const budgetInfo = Type.Object({
  budget: Type.Object({ limitMilliBits: Type.Integer(), spentMilliBits: Type.Integer() }),
  /** The fan-out: the custodians whose genomes the query could count, and how many of them answered. */
  custodians: Type.Object({
    asked: Type.Integer({ minimum: 0 }),
    answered: Type.Integer({ minimum: 0 }),
  }),
});
const responseSummary = Type.Object({
  exists: Type.Boolean(),
  numTotalResults: Type.Optional(Type.Integer({ minimum: 0 })),
});

/** /individuals: beaconBooleanResponse / beaconCountResponse, never records (no phenotypes are held). */
export const individualsResponseSchema = Type.Object({
  meta: responseMetaSchema,
  responseSummary,
  info: budgetInfo,
});
export type IndividualsResponse = Static<typeof individualsResponseSchema>;

/** beaconBooleanResponse / beaconCountResponse: meta and the summary; beaconResultsetsResponse for records. */
export const gVariantsResponseSchema = Type.Object({
  meta: responseMetaSchema,
  responseSummary,
  /** Record granularity only (beaconResultsetsResponse): one result set per custodian with carriers. */
  response: Type.Optional(
    Type.Object({
      resultSets: Type.Array(
        Type.Object({
          id: Type.String(),
          setType: Type.Literal('dataset'),
          exists: Type.Boolean(),
          resultsCount: Type.Integer({ minimum: 0 }),
          results: Type.Array(
            Type.Object({
              variantInternalId: Type.String(),
              variation: anyObject,
              caseLevelData: Type.Array(Type.Object({ individualId: Type.String() })),
            }),
          ),
        }),
      ),
    }),
  ),
  info: budgetInfo,
});
export type GVariantsResponse = Static<typeof gVariantsResponseSchema>;

/**
 * beaconErrorResponse (responses/beaconErrorResponse.json): the framework's meta and BeaconError, with
 * the HTTP status as errorCode. `info` (the framework's free-form extension point) keeps the domain's
 * catalogue code and details, so clients read one stable code whichever boundary refused them.
 */
export const beaconErrorResponseSchema = Type.Object({
  meta: responseMetaSchema,
  error: Type.Object({ errorCode: Type.Integer(), errorMessage: Type.String() }),
  info: Type.Object({
    code: Type.String(),
    details: Type.Record(
      Type.String(),
      Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]),
    ),
  }),
});
export type BeaconErrorResponse = Static<typeof beaconErrorResponseSchema>;

/**
 * A refusal under /beacon/v2 in the framework's shape. The request is not echoed (it may be what was
 * wrong, or name a variant): its summary says what every request has, at boolean granularity.
 */
export function beaconErrorBody(
  beaconId: string,
  status: number,
  refusal: {
    readonly code: string;
    readonly message: string;
    readonly details: BeaconErrorResponse['info']['details'];
  },
): BeaconErrorResponse {
  return {
    meta: {
      beaconId,
      apiVersion: BEACON_API_VERSION,
      returnedGranularity: 'boolean',
      returnedSchemas: [],
      receivedRequestSummary: {
        apiVersion: BEACON_API_VERSION,
        requestedSchemas: [],
        pagination: { skip: 0, limit: 0 },
        requestedGranularity: 'boolean',
      },
    },
    error: { errorCode: status, errorMessage: refusal.message },
    info: { code: refusal.code, details: refusal.details },
  };
}
