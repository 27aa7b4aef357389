// A PHD gateway's FHIR transaction Bundle at the custodian (issue 18 §2): the HL7 PHD IG's upload, with
// the batch signature beside it in two headers, since a FHIR Bundle has no place for a device's
// signature over a Merkle root. One upload is one device's readings of one period. The readings are
// derived as app/monitoring/phd.ts derives them (the gateway signs the root over that same derivation:
// the PHD identifier, MDC code, decimal text, UCUM unit and corrected time), then committed and stored as
// a compact batch is (ingest.ts): a refused upload stores nothing.
import type { Reading } from '../../app/monitoring/batch.ts';
import type { BatchSigner } from '../../app/monitoring/commitments.ts';
import { parsePhdUpload, type PhdParse } from '../../app/monitoring/phd.ts';
import { CoreError } from '../../core/errors.ts';
import { statusOfCode } from '../../core/errors/codes.ts';
import type { FhirBundle } from '../../contract/fhir.ts';
import { BATCH_PERIOD_HEADER, BATCH_SIGNATURE_HEADER } from '../../contract/monitoring.ts';
import { ServiceError } from '../errors.ts';
import { FhirError } from '../fhir/operation-outcome.ts';
import type { BatchCommitted, CompactBatch, MonitoringIngest } from './ingest.ts';

const PERIOD = /^(\d{1,16})\/(\d{1,7})$/;
const SIGNATURE = /^(device|gateway) ([0-9a-f]{128})$/;

export interface BatchHeaders {
  readonly period: unknown;
  readonly signature: unknown;
}

export interface PhdUploadAnswer {
  readonly committed: BatchCommitted;
  readonly response: FhirBundle;
}

/** Checks the headers and the Bundle (before anything is committed), then commits and stores it. */
export async function uploadPhdBundle(
  ingest: MonitoringIngest,
  upload: unknown,
  headers: BatchHeaders,
): Promise<PhdUploadAnswer> {
  const { batch, parse } = batchOfUpload(upload, headers);
  let committed: BatchCommitted;
  try {
    committed = await ingest.ingest(batch);
  } catch (err) {
    // The batch's own checks (a reading outside the period, too many readings) are the pure layer's
    // CoreErrors; at the FHIR boundary they leave as OperationOutcomes with their catalogue status.
    if (err instanceof CoreError && !(err instanceof ServiceError)) {
      const unprocessable = statusOfCode(err.code) === 422;
      throw unprocessable ? FhirError.businessRule(err.message) : FhirError.invalid(err.message);
    }
    throw err;
  }
  return { committed, response: transactionResponse(upload, parse) };
}

function batchOfUpload(upload: unknown, headers: BatchHeaders): { batch: CompactBatch; parse: PhdParse } {
  const period = typeof headers.period === 'string' ? PERIOD.exec(headers.period) : null;
  const periodStartMs = Number(period?.[1]);
  if (period === null || !Number.isSafeInteger(periodStartMs)) {
    throw FhirError.invalid(`${BATCH_PERIOD_HEADER} must be <periodStartMs>/<periodMs>`);
  }
  const signature = typeof headers.signature === 'string' ? SIGNATURE.exec(headers.signature) : null;
  if (signature === null) {
    throw FhirError.invalid(`${BATCH_SIGNATURE_HEADER} must be "device <hex>" or "gateway <hex>"`);
  }
  let parse: PhdParse;
  try {
    parse = parsePhdUpload(upload);
  } catch (err) {
    if (err instanceof CoreError) throw FhirError.invalid(err.message);
    throw err;
  }
  const systemIds = new Set(parse.readings.map((r) => r.systemId));
  const systemId = [...systemIds][0];
  if (systemIds.size !== 1 || systemId === undefined) {
    throw FhirError.invalid('a PHD upload carries the readings of exactly one device');
  }
  const readings: Reading[] = parse.readings.map(({ id, code, value, unit, timeMs }) => ({
    id,
    code,
    value,
    unit,
    timeMs,
  }));
  const batch: CompactBatch = {
    systemId,
    periodStartMs,
    periodMs: Number(period[2]),
    signedBy: signature[1] as BatchSigner,
    signature: signature[2]!,
    readings,
  };
  return { batch, parse };
}

/**
 * The transaction-response (http.html#transaction-response): one entry per entry sent, in order; an
 * Observation that became readings was created, anything set aside (the patient, devices, an
 * unreadable value) was accepted and kept nowhere.
 */
function transactionResponse(upload: unknown, parse: PhdParse): FhirBundle {
  const sent = (upload as { entry?: unknown[] }).entry;
  const count = Array.isArray(sent) ? sent.length : 1;
  const setAside = new Set(parse.setAside.map((s) => s.entry));
  return {
    resourceType: 'Bundle',
    type: 'transaction-response',
    entry: Array.from({ length: count }, (_, i) => ({
      response: { status: setAside.has(i) ? '200 OK' : '201 Created' },
    })),
  };
}
