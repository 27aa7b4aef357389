// The supply chain API of a node (issue 5), beside the EPCIS routes (routes/epcis.ts):
//   POST /api/v1/verify                          { gtin, serial, lot, expiry } | { code } → verdict, verificationTx
//   GET  /api/v1/units/:sgtin                    the unit, its product and whether its lot is recalled
//   GET  /api/v1/units/:sgtin/pedigree           every event about the unit with inclusion proofs
//   POST /api/v1/supply/products                 product master data (manufacturer staff)
//   GET  /api/v1/supply/products/:gtin
//   POST /api/v1/supply/parties                  { gln }: claim a GLN for this organisation
//   POST /api/v1/supply/recalls, /recalls/clear  { gtin, lot }
//   POST /api/v1/supply/suspects                 { kind, epcs } → quarantine and alert
//   POST /api/v1/supply/suspects/:id/resolution  { outcome: cleared | confirmed }
//   GET  /api/v1/supply/alerts                   the caller organisation's alerts, newest first
// Every route needs a staff bearer token of this node; writes only from its own organisation's staff,
// signed by the node. Errors: { error: { code, message, details } }, auth failures with their challenge.
import { depthLimitedJsonParser, jsonObjectBody } from '../bad-input.ts';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { TokenVerifier } from '../auth/tokens.ts';
import { ServiceError } from '../../services/errors.ts';
import { defaultSchemaPath, loadEpcisValidator, type EpcisValidator } from '../../services/epcis/schema.ts';
import { pedigree, sgtinParam } from '../../services/supply/pedigree.ts';
import { SupplyService } from '../../services/supply/service.ts';
import { parseVerifyRequest } from '../../services/supply/verify.ts';
import type { VerifyLimits } from '../../services/supply/verify-limits.ts';
import { registerEpcisRoutes } from './epcis.ts';
import { captureJobsOf, registerEpcisRestRoutes } from './epcis-rest.ts';
import { errorSchema } from '../../contract/ledger.ts';
import {
  alertsSchema,
  gtinParams,
  partyBody,
  partyWrittenSchema,
  pageQuery,
  pedigreeSchema,
  productBody,
  productSchema,
  productWrittenSchema,
  recallBody,
  recallWrittenSchema,
  resolutionBody,
  resolutionSchema,
  sgtinParams,
  suspectBody,
  suspectParams,
  suspectWrittenSchema,
  unitAnswerSchema,
  verifyAnswerSchema,
  verifyBody,
} from '../../contract/supply.ts';
import {
  alertsFor,
  isRecalled,
  party,
  product,
  recall,
  suspect,
  suspectIdByTx,
  SUPPLY_PAGE_MAX,
  unit,
  verifyPack,
} from '../../app/supply/index.ts';
import { Gs1Error, normalizeGtin } from '../../app/supply/gs1/index.ts';
import type { CanonicalValue } from '../../core/canonical.ts';
import { systemClock, type Clock } from '../../node/env.ts';
import type { CarechainNode } from '../../node/node.ts';

export interface SupplyRouteOptions {
  /** Verifies staff tokens signed by this node's issuer key (the FHIR endpoint's verifier). */
  readonly verifier: TokenVerifier;
  /** The GS1 EPCIS 2.0 JSON Schema; default CARECHAIN_EPCIS_SCHEMA or the shared test data. */
  readonly epcisSchemaPath?: string;
  readonly commitTimeoutMs?: number;
  /** node.json's supply.verifyLimits; absent means DEFAULT_VERIFY_LIMITS. */
  readonly verifyLimits?: VerifyLimits;
  readonly clock?: Clock;
}

const body = jsonObjectBody;

/** A GTIN in any of its lengths, as the GTIN-14 the chain keys products by. */
function gtin14(value: unknown): string {
  try {
    if (typeof value !== 'string')
      throw new ServiceError('supply.invalid', 'gtin is required', { field: 'gtin' });
    return normalizeGtin(value);
  } catch (err) {
    if (err instanceof Gs1Error) throw new ServiceError('supply.invalid', err.message, { field: 'gtin' });
    throw err;
  }
}

function page(query: { offset?: string; limit?: string }): { offset: number; limit: number } {
  const offset = query.offset === undefined ? 0 : Number(query.offset);
  const limit = query.limit === undefined ? 50 : Number(query.limit);
  if (
    !Number.isInteger(offset) ||
    offset < 0 ||
    !Number.isInteger(limit) ||
    limit < 1 ||
    limit > SUPPLY_PAGE_MAX
  ) {
    throw new ServiceError('request.invalid', `offset ≥ 0 and limit 1..${SUPPLY_PAGE_MAX}`);
  }
  return { offset, limit };
}

export function registerSupplyRoutes(
  app: FastifyInstance,
  node: CarechainNode,
  logger: Logger,
  options: SupplyRouteOptions,
): void {
  const clock = options.clock ?? systemClock;
  const service = new SupplyService(
    { commitTimeoutMs: options.commitTimeoutMs, verifyLimits: options.verifyLimits },
    { node, clock },
  );
  // Compiled on first use (a third of a second), then kept; a missing schema is retried each time.
  let validator: EpcisValidator | undefined;
  const schema = () => (validator ??= loadEpcisValidator(options.epcisSchemaPath ?? defaultSchemaPath()));

  void app.register((scope, _opts, done) => {
    scope.addContentTypeParser('application/ld+json', { parseAs: 'string' }, depthLimitedJsonParser(scope));
    const captureJobs = captureJobsOf(service);
    registerEpcisRoutes(scope, service, schema, logger, captureJobs);
    registerEpcisRestRoutes(scope, service, schema, logger, captureJobs);

    scope.post(
      '/api/v1/verify',
      { schema: { body: verifyBody, response: { 200: verifyAnswerSchema } } },
      async (request) => {
        const who = service.verifier(await request.caller());
        const nowMs = clock.nowMs();
        const query = parseVerifyRequest(request.body, new Date(nowMs).getUTCFullYear());
        const verdict = verifyPack(service.state, query, nowMs, who.orgId);
        const answered = { verified: verdict.verified, reason: verdict.verified ? null : verdict.reason };
        const verificationTx = service.submit(
          service.sign('supply.recordVerification', {
            query: { ...query },
            answered,
          }),
        );
        return {
          verified: verdict.verified,
          ...(verdict.verified ? {} : { reason: verdict.reason }),
          ...(verdict.product === undefined ? {} : { product: verdict.product }),
          ...(verdict.unit === undefined ? {} : { unit: verdict.unit }),
          verificationTx,
        };
      },
    );

    scope.get<{ Params: { sgtin: string } }>(
      '/api/v1/units/:sgtin',
      { schema: { params: sgtinParams, response: { 200: unitAnswerSchema, 404: errorSchema } } },
      async (request) => {
        service.reader(await request.caller());
        const epc = sgtinParam(request.params.sgtin);
        const found = unit(service.state, epc);
        if (found === undefined)
          throw new ServiceError('supply.unit_not_found', 'no unit with this SGTIN was commissioned');
        return {
          unit: found,
          product: product(service.state, found.gtin) ?? null,
          recalled: isRecalled(service.state, found.gtin, found.lot),
        };
      },
    );

    scope.get<{ Params: { sgtin: string }; Querystring: { offset?: string; limit?: string } }>(
      '/api/v1/units/:sgtin/pedigree',
      {
        schema: {
          params: sgtinParams,
          querystring: pageQuery,
          response: { 200: pedigreeSchema, 404: errorSchema },
        },
      },
      async (request) => {
        service.reader(await request.caller());
        const { offset, limit } = page({ limit: String(SUPPLY_PAGE_MAX), ...request.query });
        return pedigree(node, sgtinParam(request.params.sgtin), offset, limit);
      },
    );

    scope.post(
      '/api/v1/supply/products',
      { schema: { body: productBody, response: { 201: productWrittenSchema } } },
      async (request, reply) => {
        service.staff(await request.caller());
        const b = body(request);
        const payload = { ...b, gtin: gtin14(b.gtin) } as unknown as CanonicalValue;
        const committed = await service.commit('supply.registerProduct', payload);
        return reply.status(201).send({ product: product(service.state, gtin14(b.gtin)), ...committed });
      },
    );

    scope.get<{ Params: { gtin: string } }>(
      '/api/v1/supply/products/:gtin',
      { schema: { params: gtinParams, response: { 200: productSchema, 404: errorSchema } } },
      async (request) => {
        service.reader(await request.caller());
        const found = product(service.state, gtin14(request.params.gtin));
        if (found === undefined)
          throw new ServiceError('supply.product_not_found', 'no product has this GTIN');
        return found;
      },
    );

    scope.post(
      '/api/v1/supply/parties',
      { schema: { body: partyBody, response: { 201: partyWrittenSchema } } },
      async (request, reply) => {
        service.staff(await request.caller());
        const { gln } = body(request);
        const committed = await service.commit('supply.registerParty', { gln: gln as CanonicalValue });
        return reply.status(201).send({ party: party(service.state, String(gln)), ...committed });
      },
    );

    const recallRoute = (path: string, type: string, status: number) =>
      scope.post(
        path,
        { schema: { body: recallBody, response: { [status]: recallWrittenSchema } } },
        async (request, reply) => {
          service.staff(await request.caller());
          const b = body(request);
          const gtin = gtin14(b.gtin);
          const committed = await service.commit(type, { gtin, lot: b.lot as CanonicalValue });
          return reply
            .status(status)
            .send({ recall: recall(service.state, gtin, String(b.lot)), ...committed });
        },
      );
    recallRoute('/api/v1/supply/recalls', 'supply.recallLot', 201);
    recallRoute('/api/v1/supply/recalls/clear', 'supply.clearRecall', 200);

    scope.post(
      '/api/v1/supply/suspects',
      { schema: { body: suspectBody, response: { 201: suspectWrittenSchema } } },
      async (request, reply) => {
        service.staff(await request.caller());
        const b = body(request);
        const committed = await service.commit('supply.notifySuspect', {
          kind: b.kind as CanonicalValue,
          epcs: b.epcs as CanonicalValue,
        });
        const id = suspectIdByTx(service.state, committed.txHash);
        return reply
          .status(201)
          .send({ suspect: id === undefined ? null : suspect(service.state, id), ...committed });
      },
    );

    scope.post<{ Params: { id: string } }>(
      '/api/v1/supply/suspects/:id/resolution',
      {
        schema: {
          params: suspectParams,
          body: resolutionBody,
          response: { 200: resolutionSchema, 404: errorSchema },
        },
      },
      async (request) => {
        service.staff(await request.caller());
        const id = Number(request.params.id);
        if (!Number.isSafeInteger(id) || id < 0)
          throw new ServiceError('supply.unknown_suspect', 'no such notification');
        const committed = await service.commit('supply.resolveSuspect', {
          suspectId: id,
          outcome: body(request).outcome as CanonicalValue,
        });
        return { suspect: suspect(service.state, id), ...committed };
      },
    );

    scope.get<{ Querystring: { offset?: string; limit?: string } }>(
      '/api/v1/supply/alerts',
      { schema: { querystring: pageQuery, response: { 200: alertsSchema } } },
      async (request) => {
        const who = service.reader(await request.caller());
        const { offset, limit } = page(request.query);
        return { orgId: who.orgId, ...alertsFor(service.state, who.orgId, offset, limit) };
      },
    );
    done();
  });
}
