// FHIR Bulk Data (HL7 FHIR Bulk Data Access 2.0) on the FHIR scope: the routes only authenticate and
// translate; services/fhir/bulk-export.ts and bulk-import.ts decide, through the records gateway.
//   GET    /fhir/R4/Patient/:id/$export           kick-off (_type, _since, _outputFormat) → 202 + Content-Location
//   GET    /fhir/R4/$export-status/:job           202 + X-Progress while running, 200 + manifest when done
//   DELETE /fhir/R4/$export-status/:job           cancel, or forget a finished export → 202
//   GET    /fhir/R4/$export-file/:job/:kind/:n    one NDJSON file of the manifest (output or error)
//   POST   /fhir/R4/$import                       NDJSON body (application/fhir+ndjson) → 202 + Content-Location
//   GET    /fhir/R4/$import-status/:job           202 while running, 200 + { output, locations } when done
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BulkExports, exportManifest, NDJSON_FORMATS } from '../../services/fhir/bulk-export.ts';
import { BulkImports } from '../../services/fhir/bulk-import.ts';
import type { JobState } from '../../services/fhir/bulk-jobs.ts';
import { FhirError } from '../../services/fhir/operation-outcome.ts';
import { givenOnce } from '../fhir-query.ts';
import type { RecordsGateway } from '../../services/records/gateway.ts';
import type { Clock } from '../../core/env.ts';
import type { CarechainNode } from '../../node/node.ts';

export const NDJSON_CONTENT_TYPE = 'application/fhir+ndjson';
/** How soon a client should poll a running job again (export.html#response---in-progress-status). */
const RETRY_AFTER_SECONDS = 1;

export interface BulkRouteOptions {
  readonly node: CarechainNode;
  readonly gateway: RecordsGateway;
  readonly clock: Clock;
  readonly basePath: string;
  readonly baseUrl: string;
  readonly bodyLimit: number;
  readonly purposeOf: (request: FastifyRequest) => string;
  readonly authenticateFirst: (request: FastifyRequest) => Promise<void>;
}

interface JobParams {
  job: string;
}

/** Registers the Bulk Data routes on the FHIR scope (its error translator and JSON parser apply). */
export function registerBulkRoutes(scope: FastifyInstance, options: BulkRouteOptions): void {
  const { basePath, baseUrl } = options;
  const exports = new BulkExports(options.node, options.gateway, options.clock);
  const imports = new BulkImports(options.gateway, options.clock);
  scope.addContentTypeParser(NDJSON_CONTENT_TYPE, { parseAs: 'string' }, (_request, body, done) =>
    done(null, body),
  );

  scope.get<{ Params: { id: string }; Querystring: Record<string, string | string[] | undefined> }>(
    `${basePath}/Patient/:id/$export`,
    async (request, reply) => {
      const who = await request.caller();
      const { _type } = request.query;
      const _since = givenOnce(request.query, '_since');
      const _outputFormat = givenOnce(request.query, '_outputFormat');
      if (_outputFormat !== undefined && !NDJSON_FORMATS.includes(_outputFormat)) {
        throw FhirError.invalid('_outputFormat must be application/fhir+ndjson', '_outputFormat');
      }
      // _type is a comma-separated list (export.html#query-parameters); sent twice, both lists count.
      const types =
        _type === undefined ? undefined : [_type].flat().flatMap((t) => t.split(',').filter((x) => x !== ''));
      const job = await exports.kickoff(who, {
        patientId: request.params.id,
        ...(types === undefined ? {} : { types }),
        ...(_since === undefined ? {} : { since: _since }),
        purpose: options.purposeOf(request),
        requestUrl: `${baseUrl}${request.url.slice(basePath.length)}`,
      });
      return accepted(reply, `${baseUrl}/$export-status/${job}`);
    },
  );

  scope.get<{ Params: JobParams }>(`${basePath}/$export-status/:job`, async (request, reply) => {
    const who = await request.caller();
    const { job } = request.params;
    return answerStatus(reply, exports.status(who, job), (result) =>
      exportManifest(result, (kind, n) => `${baseUrl}/$export-file/${job}/${kind}/${n}`),
    );
  });

  scope.delete<{ Params: JobParams }>(`${basePath}/$export-status/:job`, async (request, reply) => {
    exports.cancel(await request.caller(), request.params.job);
    return reply.status(202).send();
  });

  scope.get<{ Params: JobParams & { kind: string; n: string } }>(
    `${basePath}/$export-file/:job/:kind/:n`,
    async (request, reply) => {
      const who = await request.caller();
      const { job, kind, n } = request.params;
      if ((kind !== 'output' && kind !== 'error') || !/^[0-9]{1,6}$/.test(n)) {
        throw FhirError.notFound('no such export file');
      }
      const ndjson = exports.file(who, job, kind, Number(n));
      return reply
        .header('content-type', NDJSON_CONTENT_TYPE)
        .header('cache-control', 'no-store')
        .send(ndjson);
    },
  );

  scope.post(
    `${basePath}/$import`,
    { bodyLimit: options.bodyLimit, onRequest: options.authenticateFirst },
    async (request, reply) => {
      const who = await request.caller();
      if (typeof request.body !== 'string') {
        throw FhirError.invalid(`$import takes the resources as ${NDJSON_CONTENT_TYPE}`);
      }
      const job = imports.kickoff(who, request.body, `${baseUrl}/$import`);
      return accepted(reply, `${baseUrl}/$import-status/${job}`);
    },
  );

  scope.get<{ Params: JobParams }>(`${basePath}/$import-status/:job`, async (request, reply) => {
    const who = await request.caller();
    return answerStatus(reply, imports.status(who, request.params.job), (result) => result);
  });
}

function accepted(reply: FastifyReply, statusUrl: string): FastifyReply {
  return reply.status(202).header('content-location', statusUrl).header('cache-control', 'no-store').send();
}

/** 202 with X-Progress while running, the job's error as an OperationOutcome, or 200 with its result. */
function answerStatus<T>(
  reply: FastifyReply,
  status: JobState<T>,
  body: (result: T) => unknown,
): FastifyReply {
  void reply.header('cache-control', 'no-store');
  if (status.state === 'running') {
    return reply
      .status(202)
      .header('x-progress', status.progress)
      .header('retry-after', String(RETRY_AFTER_SECONDS))
      .send();
  }
  if (status.state === 'failed') throw status.error;
  return reply.status(200).header('content-type', 'application/json').send(body(status.result));
}
