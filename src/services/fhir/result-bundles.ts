// The Bundles a read-side interaction answers with: a searchset (search.html#return, with `total` and
// self/next links for paging, search.html#paging) and an instance history (http.html#history, newest
// first, each entry with the request that made the version and its response, bundle.html bdl-3/bdl-4).
import type { Bundle, BundleEntry, BundleLink, FhirResource } from 'fhir/r4.js';
import type { FhirResource as Resource } from '../../contract/fhir.ts';
import { CURSOR_PARAM } from './search.ts';

export interface SearchsetInput {
  /** This endpoint's base URL, e.g. https://host/fhir/R4. */
  readonly baseUrl: string;
  readonly resourceType: string;
  /** The query the client sent (the cursor included), to echo in `self` and continue in `next`. */
  readonly query: URLSearchParams;
  /** Absent when the server does not tell (bundle.html: total is only when known). */
  readonly total?: number;
  readonly resources: readonly Resource[];
  readonly nextCursor?: string;
}

/** What a module's own search found (api/routes/fhir.ts FhirSearchExtension); total only when known. */
export interface SearchFound {
  readonly resources: readonly Resource[];
  readonly total?: number;
}

export function searchsetBundle(input: SearchsetInput): Bundle {
  const url = (params: URLSearchParams): string => {
    const text = params.toString();
    return `${input.baseUrl}/${input.resourceType}${text === '' ? '' : `?${text}`}`;
  };
  const link: BundleLink[] = [{ relation: 'self', url: url(input.query) }];
  if (input.nextCursor !== undefined) {
    const next = new URLSearchParams(input.query);
    next.set(CURSOR_PARAM, input.nextCursor);
    link.push({ relation: 'next', url: url(next) });
  }
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    ...(input.total === undefined ? {} : { total: input.total }),
    link,
    entry: matchEntries(input.baseUrl, input.resources as unknown as readonly FhirResource[]),
  };
}

/** A searchset's entries (search.html#return): each resource, a match, at its full URL under `baseUrl`. */
export function matchEntries<R extends { readonly resourceType?: unknown; readonly id?: unknown }>(
  baseUrl: string,
  resources: readonly R[],
) {
  return resources.map((resource) => ({
    fullUrl: `${baseUrl}/${String(resource.resourceType)}/${String(resource.id)}`,
    resource,
    search: { mode: 'match' as const },
  }));
}

/** Versions newest first, as the gateway returns them. */
export function historyBundle(baseUrl: string, versions: readonly Resource[]): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'history',
    total: versions.length,
    entry: versions.map((resource): BundleEntry => {
      const meta = (resource.meta ?? {}) as { versionId?: string; lastUpdated?: string };
      const path = `${resource.resourceType}/${String(resource.id)}`;
      const created = meta.versionId === '1';
      const response: NonNullable<BundleEntry['response']> = {
        status: created ? '201 Created' : '200 OK',
      };
      if (meta.versionId !== undefined) {
        response.etag = `W/"${meta.versionId}"`;
        response.location = `${path}/_history/${meta.versionId}`;
      }
      if (meta.lastUpdated !== undefined) response.lastModified = meta.lastUpdated;
      return {
        fullUrl: `${baseUrl}/${path}`,
        resource: resource as unknown as FhirResource,
        request: { method: created ? 'POST' : 'PUT', url: created ? resource.resourceType : path },
        response,
      };
    }),
  };
}

export interface EverythingBundleInput {
  readonly baseUrl: string;
  /** The operation's path under the base, e.g. Patient/123/$everything. */
  readonly path: string;
  readonly resources: readonly Resource[];
  /** Custodians whose share is missing, with the status they (or the channel) answered. */
  readonly incomplete: readonly { readonly custodianOrgId: string; readonly status: number }[];
}

/**
 * Patient/$everything's answer: a searchset of every released resource, and, when some custodian's
 * share is missing, an OperationOutcome entry saying whose (search.mode "outcome", search.html#errors),
 * so a client can tell "nothing more" from "not everything".
 */
export function everythingBundle(input: EverythingBundleInput): Bundle {
  const entry: BundleEntry[] = input.resources.map((resource) => ({
    fullUrl: `${input.baseUrl}/${resource.resourceType}/${String(resource.id)}`,
    resource: resource as unknown as FhirResource,
    search: { mode: 'match' },
  }));
  if (input.incomplete.length > 0) {
    const outcome: FhirResource = {
      resourceType: 'OperationOutcome',
      issue: input.incomplete.map((missing) => ({
        severity: 'warning',
        code: 'incomplete',
        diagnostics: `the records held by ${missing.custodianOrgId} are not included (${missing.status})`,
      })),
    };
    entry.push({ resource: outcome, search: { mode: 'outcome' } });
  }
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: input.resources.length,
    link: [{ relation: 'self', url: `${input.baseUrl}/${input.path}` }],
    entry,
  };
}
