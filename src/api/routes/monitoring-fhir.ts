// Remote monitoring on the FHIR boundary (issue 18 §2, §6), every failure an OperationOutcome:
//   POST /fhir/R4/$phd-upload   a PHD gateway's transaction Bundle of one device and period, its batch
//                               signature in headers (services/monitoring/phd-upload.ts); committed, then
//                               stored. No token, as for a compact batch: the signature is the credential.
//   GET  /fhir/R4/Device?identifier=urn:oid:…2680|<EUI-64>
//   GET  /fhir/R4/Observation?device=Device/<EUI-64>&date=…&_count=…
//                               answered through the FHIR routes' own search (FhirSearchExtension, fhir.ts),
//                               so every other Device and Observation search stays the records gateway's.
//                               A practitioner's Observation search commits its access event first.
import type { FastifyInstance } from 'fastify';
import { fhirBundleSchema } from '../../contract/fhir.ts';
import {
  BATCH_PERIOD_HEADER,
  BATCH_SIGNATURE_HEADER,
  BATCH_TX_HEADER,
  PHD_UPLOAD_PATH,
} from '../../contract/monitoring.ts';
import type { CarechainNode } from '../../node/node.ts';
import { FHIR_JSON_CONTENT_TYPE } from '../../services/fhir/operation-outcome.ts';
import {
  claimsDeviceSearch,
  claimsObservationSearch,
  searchDevices,
  searchObservations,
} from '../../services/monitoring/fhir.ts';
import type { MonitoringIngest } from '../../services/monitoring/ingest.ts';
import type { ReleaseLog } from '../../services/monitoring/read-log.ts';
import { uploadPhdBundle } from '../../services/monitoring/phd-upload.ts';
import { depthLimitedJsonParser } from '../bad-input.ts';
import { answerAsFhir } from '../errors.ts';
import type { FhirSearchExtension } from './fhir.ts';

/** Mounts the upload; answers the searches for registerFhirRoutes to try before the records'. */
export function registerMonitoringFhir(
  app: FastifyInstance,
  node: CarechainNode,
  ingest: MonitoringIngest,
  readLog: ReleaseLog,
): FhirSearchExtension[] {
  registerPhdUploadRoute(app, ingest);
  const state = () => node.ledger.state;
  return [
    {
      resourceType: 'Device',
      claims: claimsDeviceSearch,
      search: (who, query) => searchDevices(state(), who, query),
    },
    {
      resourceType: 'Observation',
      claims: claimsObservationSearch,
      search: (who, query) => searchObservations(state(), who, query, ingest, readLog),
    },
  ];
}

/**
 * The PHD upload in its own FHIR scope: application/fhir+json bodies with the depth check, and every
 * failure an OperationOutcome (answerAsFhir). No token, as for a compact batch: the signature is what
 * the chain checks.
 */
function registerPhdUploadRoute(app: FastifyInstance, ingest: MonitoringIngest): void {
  void app.register((scope, _opts, done) => {
    scope.addContentTypeParser('application/fhir+json', { parseAs: 'string' }, depthLimitedJsonParser(scope));
    answerAsFhir(scope);
    scope.post(
      PHD_UPLOAD_PATH,
      { schema: { response: { 200: fhirBundleSchema } } },
      async (request, reply) => {
        const { committed, response } = await uploadPhdBundle(ingest, request.body, {
          period: request.headers[BATCH_PERIOD_HEADER],
          signature: request.headers[BATCH_SIGNATURE_HEADER],
        });
        return reply
          .header('content-type', FHIR_JSON_CONTENT_TYPE)
          .header('cache-control', 'no-store')
          .header(BATCH_TX_HEADER, committed.txHash)
          .send(response);
      },
    );
    done();
  });
}
