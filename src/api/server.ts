// The HTTP server of a node (Fastify). Routes are registered per area; every failure is answered by the
// one error translator (errors.ts): domain JSON, or an OperationOutcome on the FHIR boundary.
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import type { Logger } from 'pino';
import type { ApiTlsPem } from '../node/api-tls.ts';
import type { CarechainNode } from '../node/node.ts';
import { installAuth } from './auth-plugin.ts';
import { installInputGuards } from './bad-input.ts';
import { installErrorTranslator } from './errors.ts';
import { registerFhirRoutes, type FhirRouteOptions } from './routes/fhir.ts';
import { registerMetrics } from './metrics.ts';
import type { Registry } from 'prom-client';
import { registerAiRoutes } from './routes/ai.ts';
import { registerClaimsRoutes } from './routes/claims.ts';
import { PriorAuthService } from '../services/claims/prior-auth.ts';
import { ClaimBillingService } from '../services/claims/billing.ts';
import { ClaimDocumentStore } from '../node/claims/claim-documents.ts';
import { systemClock, systemRandomBytes } from '../node/env.ts';
import { registerEventRoutes } from './routes/events.ts';
import { registerGenomicsRoutes } from './routes/genomics.ts';
import type { GenomicsServiceOptions } from '../services/genomics/index.ts';
import { registerGovernanceRoutes } from './routes/governance.ts';
import { registerLedgerRoutes } from './routes/ledger.ts';
import { registerMonitoringRoutes } from './routes/monitoring.ts';
import { registerProofRoutes } from './routes/proofs.ts';
import { registerRecordsAdminRoutes, type RecordsAdminRouteOptions } from './routes/records-admin.ts';
import { registerSupplyRoutes, type SupplyRouteOptions } from './routes/supply.ts';
import { registerTrialsRoutes } from './routes/trials.ts';
import { registerWebApp } from './web.ts';
import { registerWitnessRoutes } from './routes/witness.ts';
import type { NodeWitness } from '../services/witness/node-witness.ts';
import { openApiDocumentSchema } from '../contract/ledger.ts';
import { beaconIdOf } from '../contract/beacon.ts';
import { registerConsentRoutes } from './routes/consents.ts';
import { registerStaffRoutes } from './routes/staff.ts';
import { registerHl7Routes } from './routes/hl7.ts';
import { Hl7MessageLog } from '../node/storage/hl7-message-log.ts';
import { inboxKeyOf } from '../node/storage/hl7-inbox-key.ts';

/** Largest request body accepted, in bytes: a FHIR transaction Bundle or an EPCIS document. */
export const REQUEST_BODY_BYTES_MAX = 1024 * 1024;

export interface ApiServerOptions {
  /** The FHIR R4 endpoint of a custodian node; absent, the node serves the ledger API only. */
  readonly fhir?: FhirRouteOptions;
  /**
   * Break-glass, the patient's access log and erasure (routes/records-admin.ts); needs fhir. true, or
   * its options (a test hook for the erasure jobs).
   */
  readonly recordsAdmin?: boolean | RecordsAdminRouteOptions;
  /** The supply chain API and the EPCIS 2.0 endpoint (routes/supply.ts, routes/epcis.ts). */
  readonly supply?: SupplyRouteOptions;
  /** HTTPS with this certificate and key (node/api-tls.ts); absent, plain HTTP, for loopback only. */
  readonly tls?: ApiTlsPem;
  /** The node's C2SP checkpoint, witness and tlog-proof routes (services/witness/node-witness.ts). */
  readonly witness?: NodeWitness;
  /**
   * Claims (issue 17): the member insurer answering PAS requests naming no member payer (§7), and the
   * members' fingerprint key (node.json claims.networkKeyFile), without which no claim is submitted or
   * adjudicated through this node.
   */
  readonly claims?: {
    readonly defaultPayerOrgId?: string | undefined;
    readonly networkKey?: Uint8Array | undefined;
  };
  /** Genome custody and the Beacon's pricing (routes/genomics.ts); mounted on every custodian node. */
  readonly genomics?: GenomicsServiceOptions;
  /** Metrics of parts beside the API (the HL7 listener's, api/hl7-metrics.ts), served at /metrics too. */
  readonly metrics?: readonly Registry[];
  /**
   * The node's HL7 message log (node/storage/hl7-message-log.ts), which the composition root shares with
   * the MLLP listener; absent, a custodian's server opens the 'hl7' store itself (and closes it).
   */
  readonly hl7Log?: Hl7MessageLog;
}

/** Each server's routes as registered (method and URL), for the test that the OpenAPI document lists all. */
const registered = new WeakMap<FastifyInstance, { method: string; url: string }[]>();

export function registeredRoutes(app: FastifyInstance): readonly { method: string; url: string }[] {
  return registered.get(app) ?? [];
}

function recordRoute(list: { method: string; url: string }[], route: RouteOptions): void {
  for (const method of [route.method].flat()) list.push({ method, url: route.url });
}

function hl7LogOf(app: FastifyInstance, node: CarechainNode, given: Hl7MessageLog | undefined) {
  if (given !== undefined) return given;
  const log = new Hl7MessageLog(node.storage.open('hl7'), inboxKeyOf(node.key.seed));
  app.addHook('onClose', (_instance, done) => {
    log.close();
    done();
  });
  return log;
}

export function buildApiServer(
  node: CarechainNode,
  logger: Logger,
  options: ApiServerOptions = {},
): FastifyInstance {
  // Fastify's own request logging is off: URLs may later carry identifiers, and request bodies never
  // belong in logs. Errors are logged by the error handler without bodies.
  // Fastify types an HTTPS instance apart from an HTTP one; no route here depends on which it is.
  const app = Fastify({
    logger: false,
    bodyLimit: REQUEST_BODY_BYTES_MAX,
    ...(options.tls === undefined ? {} : { https: { cert: options.tls.cert, key: options.tls.key } }),
  }) as unknown as FastifyInstance;
  installErrorTranslator(app, logger, { beaconId: beaconIdOf(node.ledger.chainId, node.key.publicKey) });
  installInputGuards(app);
  // One authentication for every route that needs a caller (auth-plugin.ts); fhir and supply share
  // the node's one token verifier.
  const verifier = options.fhir?.verifier ?? options.supply?.verifier;
  if (verifier !== undefined) installAuth(app, { verifier, state: () => node.ledger.state });
  const routes: { method: string; url: string }[] = [];
  registered.set(app, routes);
  app.addHook('onRoute', (route) => recordRoute(routes, route));
  // OpenAPI 3.1 from the routes' own schemas (contract/); @fastify/swagger sees the routes registered
  // after it has loaded, so the routes are registered by the plugin below, in the root's scope.
  void app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'carechain node API', version: '1' },
    },
  });
  const registerRoutes = (api: FastifyInstance) => {
    api.get('/api/v1/openapi.json', { schema: { response: { 200: openApiDocumentSchema } } }, () =>
      api.swagger(),
    );
    registerLedgerRoutes(api, node);
    registerGovernanceRoutes(api, node);
    registerProofRoutes(api, node);
    registerEventRoutes(api, node, { callers: verifier !== undefined });
    registerStaffRoutes(api, node);
    const monitoringSearches = registerMonitoringRoutes(api, node, { ingest: verifier !== undefined });
    // PAS needs callers and the R4 validator, which come with the FHIR endpoint.
    const priorAuth =
      options.fhir === undefined
        ? undefined
        : new PriorAuthService(node, options.fhir.gateway.validator, {
            baseUrl: options.fhir.baseUrl,
            defaultPayerOrgId: options.claims?.defaultPayerOrgId,
          });
    // Claims for payment keep their content and EOBs in the node's 'claims' store, opened on every
    // custodian node so that it exists whether or not this member bills or pays.
    const billing =
      options.fhir === undefined
        ? undefined
        : new ClaimBillingService(
            { baseUrl: options.fhir.baseUrl, networkKey: options.claims?.networkKey },
            {
              node,
              documents: ClaimDocumentStore.open(node.storage, node.ledger.chainId, node.key),
              randomBytes: systemRandomBytes,
              clock: systemClock,
            },
          );
    registerClaimsRoutes(api, node, priorAuth, billing);
    registerMetrics(api, node, options.metrics);
    if (options.fhir !== undefined) {
      const searchExtensions = [...(options.fhir.searchExtensions ?? []), ...monitoringSearches];
      registerFhirRoutes(api, node, { ...options.fhir, priorAuth, searchExtensions });
    }
    if (options.fhir && options.recordsAdmin !== undefined && options.recordsAdmin !== false) {
      const extra = options.recordsAdmin === true ? {} : options.recordsAdmin;
      registerRecordsAdminRoutes(api, node, options.fhir, { logger, ...extra });
    }
    if (options.supply !== undefined) registerSupplyRoutes(api, node, logger, options.supply);
    // Trials need callers for writes (staff of the sponsor's node) and patients' own listing.
    if (verifier !== undefined) registerTrialsRoutes(api, node);
    if (verifier !== undefined) registerGenomicsRoutes(api, node, options.genomics);
    if (options.fhir !== undefined) registerConsentRoutes(api, node, options.fhir.baseUrl);
    // AI cohorts, analytics and inference read patients' records through the custodian's gateway.
    if (options.fhir !== undefined) registerAiRoutes(api, node, options.fhir.gateway);
    if (options.witness !== undefined) registerWitnessRoutes(api, node, options.witness);
    // The message log page's reads, on every custodian node (an MLLP listener configured or not).
    if (options.fhir !== undefined) registerHl7Routes(api, node, hl7LogOf(api, node, options.hl7Log).entries);
    registerWebApp(api);
    return Promise.resolve();
  };
  // Not encapsulated (what fastify-plugin does): the routes behave as if registered on the root.
  Object.assign(registerRoutes, { [Symbol.for('skip-override')]: true });
  void app.register(registerRoutes);
  return app;
}
