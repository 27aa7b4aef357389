// Reading the node's refusals, for its clients (the web app, the patient client): the domain API answers
// with its one error body (ErrorBody, api/errors.ts), FHIR interactions and the records-admin routes with
// a FHIR OperationOutcome, the Beacon (/beacon/v2) with the framework's beaconErrorResponse. A body is whatever came over the wire (a proxy's HTML page, an old node), so it
// is checked before it is read as either shape.
import type { BeaconErrorResponse } from './beacon.ts';
import type { FhirOperationOutcome } from './fhir.ts';
import type { ErrorBody } from './ledger.ts';

/** A refusal as a client shows it: which format said it, its code, and its words. */
export interface Refusal {
  readonly format: 'domain' | 'fhir' | 'beacon';
  /**
   * The catalogue code (e.g. "tx.rejected"; a Beacon error carries it in `info.code`), or the
   * OperationOutcome's first issue type.
   */
  readonly code: string;
  readonly message: string;
  /** The domain error's details.reason, when it names one. */
  readonly reason?: string;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function isErrorBody(body: unknown): body is ErrorBody {
  if (!isObject(body) || !isObject(body.error)) return false;
  const { code, message, details } = body.error;
  return (
    typeof code === 'string' && typeof message === 'string' && (details === undefined || isObject(details))
  );
}

export function isOperationOutcome(body: unknown): body is FhirOperationOutcome {
  return (
    isObject(body) &&
    body.resourceType === 'OperationOutcome' &&
    Array.isArray(body.issue) &&
    body.issue.every(isObject)
  );
}

export function isBeaconErrorBody(body: unknown): body is BeaconErrorResponse {
  if (!isObject(body) || !isObject(body.meta) || !isObject(body.error) || !isObject(body.info)) return false;
  const { errorCode, errorMessage } = body.error;
  return (
    typeof errorCode === 'number' && typeof errorMessage === 'string' && typeof body.info.code === 'string'
  );
}

/** The refusal an error answer's body states, in either of the node's formats; undefined for neither. */
export function refusalOf(body: unknown): Refusal | undefined {
  if (isErrorBody(body)) {
    const { code, message, details } = body.error;
    const reason = details?.reason;
    return { format: 'domain', code, message, ...(typeof reason === 'string' ? { reason } : {}) };
  }
  if (isBeaconErrorBody(body)) {
    const reason = body.info.details?.reason;
    return {
      format: 'beacon',
      code: body.info.code,
      message: body.error.errorMessage,
      ...(typeof reason === 'string' ? { reason } : {}),
    };
  }
  if (isOperationOutcome(body)) {
    const texts = body.issue
      .map((issue) => (typeof issue.diagnostics === 'string' ? issue.diagnostics : issue.details?.text))
      .filter((text): text is string => typeof text === 'string');
    const first = body.issue[0]?.code;
    const code = typeof first === 'string' ? first : 'error';
    return { format: 'fhir', code, message: texts.join('; ') || `request failed (${code})` };
  }
  return undefined;
}
