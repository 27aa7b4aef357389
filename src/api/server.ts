// The HTTP server of a node (Fastify). Routes are registered per area; all answer errors in the one
// domain format of errors.ts.
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { CarechainNode } from '../node/node.ts';
import { installInputGuards } from './bad-input.ts';
import { installErrorHandler } from './errors.ts';
import { registerFhirRoutes, type FhirRouteOptions } from './routes/fhir.ts';
import { registerMetrics } from './metrics.ts';
import { registerEventRoutes } from './routes/events.ts';
import { registerLedgerRoutes } from './routes/ledger.ts';
import { registerProofRoutes } from './routes/proofs.ts';
import { registerRecordsAdminRoutes, type RecordsAdminRouteOptions } from './routes/records-admin.ts';
import { registerSupplyRoutes, type SupplyRouteOptions } from './routes/supply.ts';
import { registerWebApp } from './web.ts';
import { registerConsentRoutes } from './routes/consents.ts';

/** Largest request body accepted, in bytes: a FHIR transaction Bundle or an EPCIS document. */
export const REQUEST_BODY_BYTES_MAX = 1024 * 1024;

export interface ApiServerOptions {
  /** The FHIR R4 endpoint of a custodian node; absent, the node serves the ledger API only. */
  readonly fhir?: FhirRouteOptions;
  /** Break-glass, the patient's access log and erasure (routes/records-admin.ts); needs fhir. */
  readonly recordsAdmin?: RecordsAdminRouteOptions;
  /** The supply chain API and the EPCIS 2.0 endpoint (routes/supply.ts, routes/epcis.ts). */
  readonly supply?: SupplyRouteOptions;
}

export function buildApiServer(
  node: CarechainNode,
  logger: Logger,
  options: ApiServerOptions = {},
): FastifyInstance {
  // Fastify's own request logging is off: URLs may later carry identifiers, and request bodies never
  // belong in logs. Errors are logged by the error handler without bodies.
  const app = Fastify({ logger: false, bodyLimit: REQUEST_BODY_BYTES_MAX });
  installErrorHandler(app, logger);
  installInputGuards(app);
  registerLedgerRoutes(app, node);
  registerProofRoutes(app, node);
  registerEventRoutes(app, node);
  registerMetrics(app, node);
  if (options.fhir !== undefined) registerFhirRoutes(app, node, logger, options.fhir);
  if (options.fhir && options.recordsAdmin)
    registerRecordsAdminRoutes(app, node, logger, options.fhir, options.recordsAdmin);
  if (options.supply !== undefined) registerSupplyRoutes(app, node, logger, options.supply);
  if (options.fhir !== undefined)
    registerConsentRoutes(app, node, options.fhir.verifier, options.fhir.baseUrl);
  registerWebApp(app);
  return app;
}
