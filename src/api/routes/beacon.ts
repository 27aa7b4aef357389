// GA4GH Beacon v2 (issue 19 §4) at /beacon/v2, after the framework's endpoints: /info (and /), /map,
// /configuration, /entry_types and /filtering_terms are public; /g_variants and /individuals (GET and
// POST) need a caller, whose identity's network-wide budget pays for the query before any genome is looked
// at. /individuals counts the people who carry the queried variant, at boolean or count granularity only.
// Errors are the framework's beaconErrorResponse (api/errors.ts answers every path under /beacon/v2 so),
// carrying the catalogue code in `info`: 400, 401, 403, 404, 429.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ResearchPurpose, StatedUse } from '../../app/genomics/duo/match.ts';
import { GRCH38_REFGET } from '../../app/genomics/vrs/grch38.ts';
import { organisation, organisationActingAs } from '../../app/membership/queries.ts';
import {
  BEACON_API_VERSION,
  BEACON_PATHS,
  BEACON_POSITION_MAX,
  beaconErrorResponseSchema,
  beaconIdOf,
  beaconConfigurationResponseSchema,
  beaconEntryTypesResponseSchema,
  beaconFilteringTermsResponseSchema,
  beaconInfoResponseSchema,
  beaconMapResponseSchema,
  gVariantsQuerySchema,
  gVariantsRequestSchema,
  gVariantsResponseSchema,
  individualsResponseSchema,
  PASSPORT_HEADER,
  type GVariantsQuery,
  type GVariantsRequest,
  type GVariantsResponse,
  type StatedUseBody,
} from '../../contract/beacon.ts';
import type { CarechainNode } from '../../node/node.ts';
import type { Caller } from '../../services/auth/caller.ts';
import type { Beacon, Granularity, VariantQuery, VariantRecord } from '../../services/genomics/beacon.ts';
import { grantsRecordAccess, verifyPassport, type PassportTrust } from '../../services/genomics/passport.ts';
import { systemClock } from '../../node/env.ts';
import { ServiceError } from '../../services/errors.ts';
import { beaconDocuments } from './beacon-documents.ts';

const VARIANT_SCHEMA = { entityType: 'genomicVariation', schema: 'ga4gh-beacon-variant-v2.0.0' };
const INDIVIDUAL_SCHEMA = { entityType: 'individual', schema: 'beacon-individual-v2.0.0' };
type Entity = 'genomicVariant' | 'individual';

/** Without a stated use (GET), a query is health research by a not-for-profit, with nothing promised. */
const DEFAULT_USE: StatedUseBody = {
  purpose: { kind: 'health' },
  project: 'unstated',
  country: 'ZZ',
  forProfit: false,
  commercial: false,
  geneticStudy: true,
  ethicsApproved: false,
  willPublish: false,
  willCollaborate: false,
  willReturnResults: false,
};

/** The variant parameters of a GET query or a POST body, start and end as lists of positions. */
interface VariantParameters {
  readonly referenceName: string;
  readonly start: readonly number[];
  readonly end?: readonly number[];
  readonly referenceBases?: string;
  readonly alternateBases?: string;
}

/** GET's "a" or "a,b" (its schema checked the digits): the positions, each within a chromosome's length. */
function positionsOf(text: string): number[] {
  const positions = text.split(',').map(Number);
  if (positions.some((n) => n > BEACON_POSITION_MAX)) {
    throw new ServiceError('genomics.invalid_query', `a position is at most ${BEACON_POSITION_MAX}`);
  }
  return positions;
}

function fromQueryString(query: Omit<GVariantsQuery, 'requestedGranularity'>): VariantParameters {
  const { start, end, ...rest } = query;
  return { ...rest, start: positionsOf(start), ...(end === undefined ? {} : { end: positionsOf(end) }) };
}

function variantOf(parameters: VariantParameters): VariantQuery {
  const accession = GRCH38_REFGET.get(parameters.referenceName)!;
  const { start, end, referenceBases, alternateBases } = parameters;
  const noBases = referenceBases === undefined && alternateBases === undefined;
  if (
    start.length === 1 &&
    referenceBases !== undefined &&
    alternateBases !== undefined &&
    end === undefined
  ) {
    return { kind: 'sequence', accession, start: start[0]!, referenceBases, alternateBases };
  }
  if (start.length === 1 && end?.length === 1 && noBases) {
    return { kind: 'range', accession, start: start[0]!, end: end[0]! };
  }
  if (start.length === 2 && end?.length === 2 && noBases) {
    const [startMin, startMax] = start as [number, number];
    const [endMin, endMax] = end as [number, number];
    return { kind: 'bracket', accession, startMin, startMax, endMin, endMax };
  }
  throw new ServiceError(
    'genomics.invalid_query',
    'a sequence query gives start, referenceBases and alternateBases; a range query start and end; a ' +
      'bracket query two positions each for start and end',
  );
}

function purposeOf(stated: StatedUseBody['purpose']): ResearchPurpose {
  if (stated.kind !== 'disease') return { kind: stated.kind as Exclude<ResearchPurpose['kind'], 'disease'> };
  if (stated.disease === undefined) {
    throw new ServiceError('genomics.invalid_query', 'a disease-specific purpose names the disease');
  }
  return { kind: 'disease', disease: stated.disease };
}

interface Researcher {
  readonly identities: readonly string[];
  readonly institution: string;
  readonly recordAccess: boolean;
}

/**
 * Who asks: a Passport's subject and linked identities when the request carries one (records if its
 * visas grant them), else the practitioner the node token names (never records).
 */
async function researcher(request: FastifyRequest, trust: PassportTrust | undefined): Promise<Researcher> {
  const passport = request.headers[PASSPORT_HEADER];
  if (passport !== undefined) {
    if (trust === undefined || typeof passport !== 'string' || passport.length > PASSPORT_BYTES_MAX) {
      throw new ServiceError('genomics.invalid_passport', 'this node accepts no such Passport');
    }
    const verified = await verifyPassport(passport, trust, Math.floor(systemClock.nowMs() / 1000));
    return {
      identities: verified.identities,
      institution: verified.identities[0]!,
      recordAccess: grantsRecordAccess(verified, trust),
    };
  }
  const caller: Caller = await request.caller();
  if (caller.kind !== 'practitioner') {
    throw new ServiceError('genomics.not_researcher', 'genomic discovery is for researchers');
  }
  return { identities: [caller.publicKey], institution: caller.orgId, recordAccess: false };
}

/** A Passport with its visas is a few kB; this bounds what a request may make the node verify. */
const PASSPORT_BYTES_MAX = 64 * 1024;

export function registerBeaconRoutes(
  app: FastifyInstance,
  node: CarechainNode,
  beacon: Beacon,
  trust: PassportTrust | undefined,
): void {
  const beaconId = () => beaconIdOf(node.ledger.chainId, node.key.publicKey);
  const informational = () => ({
    beaconId: beaconId(),
    apiVersion: BEACON_API_VERSION,
    returnedSchemas: [VARIANT_SCHEMA],
  });
  const documents = beaconDocuments('');

  const info = () => {
    const { state } = node.ledger;
    const self = organisation(state, organisationActingAs(state, node.key.publicKey) ?? '');
    return {
      meta: informational(),
      response: {
        id: beaconId(),
        name: `carechain beacon${self === undefined ? '' : ` of ${self.name}`}`,
        apiVersion: BEACON_API_VERSION,
        environment: 'prod' as const,
        organization: { id: self?.id ?? 'unknown', name: self?.name ?? 'unknown' },
        description: 'Genomic variant discovery under DUO terms, research consent and a network-wide budget',
      },
    };
  };
  for (const url of [BEACON_PATHS.info, BEACON_PATHS.root]) {
    app.get(url, { schema: { response: { 200: beaconInfoResponseSchema } } }, () => info());
  }
  app.get(
    BEACON_PATHS.configuration,
    { schema: { response: { 200: beaconConfigurationResponseSchema } } },
    () => ({
      meta: informational(),
      response: documents.configuration,
    }),
  );
  app.get(BEACON_PATHS.map, { schema: { response: { 200: beaconMapResponseSchema } } }, (request) => ({
    meta: informational(),
    response: beaconDocuments(`${request.protocol}://${request.host}`).map,
  }));
  app.get(BEACON_PATHS.entryTypes, { schema: { response: { 200: beaconEntryTypesResponseSchema } } }, () => ({
    meta: informational(),
    response: { entryTypes: documents.configuration.entryTypes },
  }));
  app.get(
    BEACON_PATHS.filteringTerms,
    { schema: { response: { 200: beaconFilteringTermsResponseSchema } } },
    () => ({ meta: informational(), response: { filteringTerms: [] } }),
  );

  const answer = async (
    entity: Entity,
    request: FastifyRequest,
    parameters: VariantParameters,
    requested: Granularity,
    stated: StatedUseBody,
  ): Promise<GVariantsResponse> => {
    const who = await researcher(request, trust);
    const returnedSchema = entity === 'individual' ? INDIVIDUAL_SCHEMA : VARIANT_SCHEMA;
    const variant = variantOf(parameters);
    const use: StatedUse = {
      ...stated,
      purpose: purposeOf(stated.purpose),
      researcher: who.identities[0]!,
      institution: who.institution,
    };
    const result = await beacon.query({
      identities: who.identities,
      use,
      variant,
      granularity: requested,
      // Individuals are counted, never listed: no phenotypes are held to make a record of.
      recordAccess: entity === 'genomicVariant' && who.recordAccess,
    });
    return {
      meta: {
        beaconId: beaconId(),
        apiVersion: BEACON_API_VERSION,
        returnedGranularity: result.returnedGranularity,
        returnedSchemas: [returnedSchema],
        receivedRequestSummary: {
          apiVersion: BEACON_API_VERSION,
          requestedSchemas: [returnedSchema],
          pagination: { skip: 0, limit: 0 },
          // requestParameters is left out: the framework's placeholder takes only objects as values, which
          // the variant query's scalar parameters are not.
          requestedGranularity: requested,
        },
      },
      responseSummary: {
        exists: result.exists,
        ...(result.count === undefined ? {} : { numTotalResults: result.count }),
      },
      ...(result.records === undefined ? {} : { response: resultSets(node.ledger.chainId, result.records) }),
      info: { budget: result.budget, custodians: result.custodians },
    };
  };
  const errors = {
    400: beaconErrorResponseSchema,
    401: beaconErrorResponseSchema,
    403: beaconErrorResponseSchema,
    429: beaconErrorResponseSchema,
    503: beaconErrorResponseSchema,
  };
  const routes: [Entity, string, typeof gVariantsResponseSchema | typeof individualsResponseSchema][] = [
    ['genomicVariant', BEACON_PATHS.gVariants, gVariantsResponseSchema],
    ['individual', BEACON_PATHS.individuals, individualsResponseSchema],
  ];
  for (const [entity, url, responseSchema] of routes) {
    const response = { 200: responseSchema, ...errors };
    app.get<{ Querystring: GVariantsQuery }>(
      url,
      { schema: { querystring: gVariantsQuerySchema, response } },
      async (request, reply) => {
        const { requestedGranularity, ...parameters } = request.query;
        const body = await answer(
          entity,
          request,
          fromQueryString(parameters),
          requestedGranularity ?? 'boolean',
          DEFAULT_USE,
        );
        return reply.header('cache-control', 'no-store').send(body);
      },
    );
    app.post<{ Body: GVariantsRequest }>(
      url,
      { schema: { body: gVariantsRequestSchema, response } },
      async (request, reply) => {
        const { query, statedUse } = request.body;
        const requested = query.requestedGranularity ?? 'boolean';
        const body = await answer(entity, request, query.requestParameters, requested, statedUse);
        return reply.header('cache-control', 'no-store').send(body);
      },
    );
  }
}

/** beaconResultsets: one result set per custodian beacon whose genomes carry the variant. */
function resultSets(
  chainId: string,
  records: readonly VariantRecord[],
): NonNullable<GVariantsResponse['response']> {
  return {
    resultSets: records.map((r) => ({
      id: beaconIdOf(chainId, r.custodianNodeKey),
      setType: 'dataset' as const,
      exists: true,
      resultsCount: 1,
      results: [
        {
          variantInternalId: r.vrsId,
          variation: { ...r.allele },
          caseLevelData: r.individualIds.map((individualId) => ({ individualId })),
        },
      ],
    })),
  };
}
