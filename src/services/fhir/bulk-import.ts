// FHIR Bulk Data import at another organisation's node: `POST [base]/$import` with the NDJSON of an
// export (the files of a $export manifest, concatenated) as an `application/fhir+ndjson` body, answered by
// the async pattern (bulk-jobs.ts). This is the HL7 Bulk Data Import draft's shape with the data POSTed
// rather than pulled ("ping and pull" would make this node fetch another custodian's files with a token
// of that custodian, which no node should hold); docs/ARCHITECTURE.md records the departure.
//
// The resources become ONE transaction Bundle through the gateway (bundles.ts), so the import is all or
// nothing, every record is validated, sealed, and registered on chain by this custodian, and the writer's
// own rights decide (records/policy.ts refuseWrite: a patient in this organisation's care, a treatment
// relationship, or the patient's write consent). The exporter's ids become urn:uuid fullUrls and every
// reference between the imported resources is rewritten to them, so this node names them afresh; meta
// (versionId, lastUpdated, the exporter's tags) is this node's to set. The Patient keeps its pseudonym
// identifier, which is what ties the import to the same patient on chain.
import { randomUUID } from 'node:crypto';
import type { Bundle, BundleEntry } from 'fhir/r4.js';
import { FhirError } from './operation-outcome.ts';
import { BUNDLE_ENTRIES_MAX } from './bundle.ts';
import { BulkJobs, type JobState } from './bulk-jobs.ts';
import type { GatewayCaller, RecordsGateway } from '../records/gateway.ts';
import type { Resource } from '../records/resources.ts';
import type { Clock } from '../../core/env.ts';

export interface ImportResult {
  readonly transactionTime: string;
  readonly request: string;
  /** Per type, how many resources were imported; `locations` are their new `Type/id/_history/n`. */
  readonly output: readonly { type: string; count: number }[];
  readonly locations: readonly string[];
}

/** Parses NDJSON into resources: one JSON object with a resourceType per non-empty line. */
export function parseNdjson(text: string): Resource[] {
  const resources: Resource[] = [];
  for (const [n, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw FhirError.invalid(`line ${n + 1} is not JSON`);
    }
    if (
      typeof parsed !== 'object' ||
      parsed === null ||
      typeof (parsed as Resource).resourceType !== 'string'
    ) {
      throw FhirError.invalid(`line ${n + 1} is not a FHIR resource`);
    }
    resources.push(parsed as Resource);
    if (resources.length > BUNDLE_ENTRIES_MAX) {
      throw FhirError.invalid(`an import holds at most ${BUNDLE_ENTRIES_MAX} resources: split it`);
    }
  }
  if (resources.length === 0) throw FhirError.invalid('the import holds no resources');
  return resources;
}

/** The transaction Bundle that creates `resources` afresh, their references to each other rewritten. */
export function importBundle(resources: readonly Resource[]): Bundle {
  const fullUrls = new Map<string, string>();
  for (const r of resources) {
    if (typeof r.id === 'string') fullUrls.set(`${r.resourceType}/${r.id}`, `urn:uuid:${randomUUID()}`);
  }
  const entry: BundleEntry[] = resources.map((r) => {
    const { id, meta: _meta, ...rest } = r;
    const fullUrl =
      typeof id === 'string' ? fullUrls.get(`${r.resourceType}/${id}`)! : `urn:uuid:${randomUUID()}`;
    return {
      fullUrl,
      resource: rewriteReferences(rest, fullUrls) as BundleEntry['resource'],
      request: { method: 'POST', url: r.resourceType },
    };
  });
  return { resourceType: 'Bundle', type: 'transaction', entry };
}

function rewriteReferences(value: unknown, fullUrls: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => rewriteReferences(v, fullUrls));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] =
      key === 'reference' && typeof v === 'string' && fullUrls.has(v)
        ? fullUrls.get(v)
        : rewriteReferences(v, fullUrls);
  }
  return out;
}

export class BulkImports {
  private readonly jobs: BulkJobs<ImportResult>;

  constructor(
    private readonly gateway: RecordsGateway,
    private readonly clock: Clock,
  ) {
    this.jobs = new BulkJobs(clock);
  }

  /** Kick-off: the body is parsed now (a malformed one is a 400 at once); the writes run in the background. */
  kickoff(caller: GatewayCaller, ndjson: string, requestUrl: string): string {
    if (caller.kind === 'node') throw FhirError.forbidden('the node imports nothing through the API');
    const bundle = importBundle(parseNdjson(ndjson));
    const transactionTime = new Date(this.clock.nowMs()).toISOString();
    return this.jobs.start(caller, async (progress) => {
      progress(`importing ${bundle.entry!.length} resources as one transaction`);
      const response = await this.gateway.bundle(caller, bundle);
      const counts = new Map<string, number>();
      for (const e of bundle.entry!) {
        const type = e.resource!.resourceType;
        counts.set(type, (counts.get(type) ?? 0) + 1);
      }
      return {
        transactionTime,
        request: requestUrl,
        output: [...counts].map(([type, count]) => ({ type, count })),
        locations: (response.entry ?? []).map((e) => String(e.response?.location ?? '')),
      };
    });
  }

  status(caller: GatewayCaller, id: string): JobState<ImportResult> {
    return this.jobs.status(caller, id);
  }
}
