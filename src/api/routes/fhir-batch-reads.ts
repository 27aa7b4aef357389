// A batch Bundle's GET entries (http.html#transaction: a batch may read as well as write). Each is
// answered exactly as the same GET to the endpoint would be, by dispatching it through the server with
// the caller's own credentials and purpose of use: the same route, authorization, consent decision and
// access event, so a batch is never a way around a check. At most BATCH_READS_MAX per batch (bundle.ts).
import type { FastifyRequest } from 'fastify';
import type { FhirResource } from 'fhir/r4.js';
import type { ReadEntry } from '../../services/records/bundles.ts';
import { FhirError, issue, type Issue } from '../../services/fhir/operation-outcome.ts';

/** Reads for one batch request, as its caller, from the FHIR base at `basePath`. */
export function batchReader(request: FastifyRequest, basePath: string, purposeHeader: string): ReadEntry {
  const forwarded: Record<string, string> = { accept: 'application/fhir+json' };
  for (const name of ['authorization', purposeHeader]) {
    const value = request.headers[name];
    if (typeof value === 'string') forwarded[name] = value;
  }
  return async (url) => {
    const answer = await request.server.inject({
      method: 'GET',
      url: `${basePath}/${url}`,
      headers: forwarded,
      remoteAddress: request.ip,
    });
    let body: Record<string, unknown> | undefined;
    try {
      body = answer.json();
    } catch {
      body = undefined;
    }
    if (answer.statusCode === 200 && typeof body?.resourceType === 'string') {
      const meta = body.meta as { versionId?: unknown; lastUpdated?: unknown } | undefined;
      return {
        status: 200,
        resourceType: body.resourceType,
        id: typeof body.id === 'string' ? body.id : '',
        ...(typeof meta?.versionId === 'string' && body.resourceType !== 'Bundle'
          ? { versionId: meta.versionId }
          : {}),
        ...(typeof meta?.lastUpdated === 'string' ? { lastModified: meta.lastUpdated } : {}),
        resource: body as unknown as FhirResource,
      };
    }
    return { error: new FhirError(answer.statusCode, issuesOf(body, answer.statusCode)) };
  };
}

/** The OperationOutcome's issues of a refused read, or one saying what the status was. */
function issuesOf(body: Record<string, unknown> | undefined, status: number): Issue[] {
  if (body?.resourceType === 'OperationOutcome' && Array.isArray(body.issue) && body.issue.length > 0) {
    return body.issue as Issue[];
  }
  return [issue(status >= 500 ? 'exception' : 'processing', `the read answered ${status}`)];
}
