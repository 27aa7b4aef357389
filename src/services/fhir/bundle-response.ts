// The response Bundle of a transaction or batch (http.html#transaction-response): one entry per
// request entry, in request order, each with response.status and, for a written version, location
// `Type/id/_history/vid` and etag `W/"vid"` (http.html#versioning); a failed batch entry carries its
// OperationOutcome in response.outcome.
import type { Bundle, BundleEntry, FhirResource } from 'fhir/r4.js';
import type { FhirError } from './operation-outcome.ts';

export type EntryResult =
  | {
      /** 200 (updated), 201 (created) or 204 (deleted). */
      status: 200 | 201 | 204;
      resourceType: string;
      id: string;
      /** The version written; absent only for a delete of something already gone. */
      versionId?: string;
      /** Instant of the version (meta.lastUpdated). */
      lastModified?: string;
      /** The resource, when the client asked for it (Prefer: return=representation, http.html#ops). */
      resource?: FhirResource;
    }
  | { error: FhirError };

const REASON: Readonly<Record<number, string>> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition Failed',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** bundle.html: response.status is the HTTP status code, "shall start with a 3 digit HTTP code". */
function statusLine(status: number): string {
  const reason = REASON[status];
  return reason === undefined ? String(status) : `${status} ${reason}`;
}

/** Builds the transaction-response or batch-response Bundle from results in request entry order. */
export function transactionResponse(type: 'transaction' | 'batch', results: readonly EntryResult[]): Bundle {
  return {
    resourceType: 'Bundle',
    type: type === 'transaction' ? 'transaction-response' : 'batch-response',
    entry: results.map((result): BundleEntry => {
      if ('error' in result) {
        return {
          response: {
            status: statusLine(result.error.statusCode),
            outcome: result.error.toOperationOutcome(),
          },
        };
      }
      const response: NonNullable<BundleEntry['response']> = { status: statusLine(result.status) };
      if (result.versionId !== undefined) {
        response.location = `${result.resourceType}/${result.id}/_history/${result.versionId}`;
        response.etag = `W/"${result.versionId}"`;
      }
      if (result.lastModified !== undefined) response.lastModified = result.lastModified;
      return result.resource === undefined ? { response } : { resource: result.resource, response };
    }),
  };
}
