// FHIR Bulk Data patient-level export (HL7 FHIR Bulk Data Access 2.0, export.html): `Patient/[id]/$export`
// with `_type` and `_since`, answered by the async pattern (bulk-jobs.ts), a manifest and one NDJSON file
// per resource type. Nothing is read around the gateway: the kick-off reads the Patient as the caller (so
// their consent, SMART scopes and purpose decide, and a practitioner's read is an access event committed on
// chain before anything is released), and each type is a gateway search `patient=[id]` paged to the end,
// so every page released is logged like any search. A type the caller may not read, or that fails, is
// reported in the manifest's `error` file as an OperationOutcome and the other types still export.
// Scope: this custodian's own records about the patient; the files live in this process's memory until the
// job is forgotten (bulk-jobs.ts JOB_TTL_MS), which bounds an export to one patient's records here.
import { FhirError } from './operation-outcome.ts';
import { CURSOR_PARAM, PAGE_SIZE_MAX } from './search.ts';
import { BulkJobs, type JobState } from './bulk-jobs.ts';
import { heldRecordOf, type Resource } from '../records/resources.ts';
import type { GatewayCaller, RecordsGateway } from '../records/gateway.ts';
import { PATIENT_LINKED_TYPES } from './patient-compartment.ts';
import { RECORDS_PAGE_MAX } from '../../app/records/index.ts';
import { recordsOfPatient } from '../../app/records/queries.ts';
import type { Clock } from '../../core/env.ts';
import type { CarechainNode } from '../../node/node.ts';

/** export.html#query-parameters: the formats a client may ask for, all meaning NDJSON. */
export const NDJSON_FORMATS = ['application/fhir+ndjson', 'application/ndjson', 'ndjson'];
/** How many records of one patient an export walks when it lists the types held (STYLE §5). */
const HELD_RECORDS_SCAN_MAX = 10_000;
/** Resources per export file: one file per type holds at most this many (more go to further files). */
export const EXPORT_FILE_RESOURCES_MAX = 10_000;

export interface ExportRequest {
  readonly patientId: string;
  /** `_type`: the resource types asked for; absent, every type held here about the patient. */
  readonly types?: readonly string[];
  /** `_since`: only resources whose meta.lastUpdated is at or after this instant. */
  readonly since?: string;
  readonly purpose: string;
  /** The kick-off URL, echoed in the manifest's `request`. */
  readonly requestUrl: string;
}

export interface ExportFile {
  readonly type: string;
  readonly ndjson: string;
  readonly count: number;
}

export interface ExportResult {
  readonly transactionTime: string;
  readonly request: string;
  readonly output: readonly ExportFile[];
  readonly errors: readonly ExportFile[];
}

/** The manifest of a finished export (export.html#response---complete-status), with file URLs. */
export function exportManifest(
  result: ExportResult,
  fileUrl: (kind: 'output' | 'error', n: number) => string,
) {
  return {
    transactionTime: result.transactionTime,
    request: result.request,
    requiresAccessToken: true,
    output: result.output.map((f, n) => ({ type: f.type, url: fileUrl('output', n), count: f.count })),
    error: result.errors.map((f, n) => ({ type: f.type, url: fileUrl('error', n), count: f.count })),
  };
}

export class BulkExports {
  private readonly jobs: BulkJobs<ExportResult>;

  constructor(
    private readonly node: CarechainNode,
    private readonly gateway: RecordsGateway,
    private readonly clock: Clock,
  ) {
    this.jobs = new BulkJobs(clock);
  }

  /** Kick-off: the Patient read decides (and logs) now; the types are searched in the background. */
  async kickoff(caller: GatewayCaller, request: ExportRequest): Promise<string> {
    if (caller.kind === 'node') throw FhirError.forbidden('the node exports nothing through the API');
    const sinceMs = request.since === undefined ? undefined : Date.parse(request.since);
    if (sinceMs !== undefined && !Number.isFinite(sinceMs)) {
      throw FhirError.invalid('_since must be a FHIR instant', '_since');
    }
    for (const type of request.types ?? []) {
      if (type !== 'Patient' && !PATIENT_LINKED_TYPES.includes(type)) {
        throw FhirError.invalid(`_type ${type.slice(0, 64)} is not a Patient compartment type`, '_type');
      }
    }
    const transactionTime = new Date(this.clock.nowMs()).toISOString();
    const patient = await this.gateway.read(caller, 'Patient', request.patientId, request.purpose);
    const types = request.types ?? ['Patient', ...this.typesHeld(request.patientId)];
    return this.jobs.start(caller, async (progress, cancelled) => {
      const output: ExportFile[] = [];
      const errors: unknown[] = [];
      for (const [n, type] of types.entries()) {
        if (cancelled()) throw FhirError.notFound('the export was cancelled');
        progress(`${n} of ${types.length} types exported`);
        try {
          const found =
            type === 'Patient'
              ? [patient]
              : await this.searchAll(caller, type, request.patientId, request.purpose);
          const since = found.filter((r) => sinceMs === undefined || lastUpdatedMs(r) >= sinceMs);
          for (let at = 0; at < since.length; at += EXPORT_FILE_RESOURCES_MAX) {
            const part = since.slice(at, at + EXPORT_FILE_RESOURCES_MAX);
            output.push({ type, count: part.length, ndjson: toNdjson(part) });
          }
        } catch (err) {
          if (!(err instanceof FhirError)) throw err;
          // The type in the diagnostics, so the client knows which part of the export is missing.
          const named = err.issues.map((i) => ({ ...i, diagnostics: `${type}: ${i.diagnostics ?? ''}` }));
          errors.push(new FhirError(err.statusCode, named).toOperationOutcome());
        }
      }
      return {
        transactionTime,
        request: request.requestUrl,
        output,
        errors:
          errors.length === 0
            ? []
            : [{ type: 'OperationOutcome', count: errors.length, ndjson: toNdjson(errors) }],
      };
    });
  }

  status(caller: GatewayCaller, id: string): JobState<ExportResult> {
    return this.jobs.status(caller, id);
  }

  cancel(caller: GatewayCaller, id: string): void {
    this.jobs.cancel(caller, id);
  }

  /** One NDJSON file of a finished export, for the caller who started it. */
  file(caller: GatewayCaller, id: string, kind: 'output' | 'error', n: number): string {
    const status = this.jobs.status(caller, id);
    if (status.state !== 'done') throw FhirError.notFound('the export is not complete');
    const file = (kind === 'output' ? status.result.output : status.result.errors)[n];
    if (file === undefined) throw FhirError.notFound('no such export file');
    return file.ndjson;
  }

  /** The types of the records this custodian holds about the Patient's pseudonym, but Patient itself. */
  private typesHeld(patientId: string): string[] {
    const state = this.node.ledger.state;
    const here = this.gateway.custodianOrgId;
    const head = heldRecordOf(state, here, 'Patient', patientId);
    if (head === undefined) return [];
    const types = new Set<string>();
    for (let offset = 0; offset < HELD_RECORDS_SCAN_MAX; offset += RECORDS_PAGE_MAX) {
      const page = recordsOfPatient(state, head.patientPseudonym, { offset, limit: RECORDS_PAGE_MAX });
      for (const record of page.items) {
        if (record.custodianOrgId === here && record.resourceType !== 'Patient')
          types.add(record.resourceType);
      }
      if (offset + RECORDS_PAGE_MAX >= page.total) break;
    }
    return [...types].sort();
  }

  /** Every resource of a type about the patient, page after page: each page is its own logged release. */
  private async searchAll(caller: GatewayCaller, type: string, patientId: string, purpose: string) {
    const found: Resource[] = [];
    let cursor: string | undefined;
    do {
      const query = new URLSearchParams({ patient: patientId, _count: String(PAGE_SIZE_MAX) });
      if (cursor !== undefined) query.set(CURSOR_PARAM, cursor);
      const page = await this.gateway.search(caller, type, query, purpose);
      found.push(...page.resources);
      cursor = page.nextCursor;
    } while (cursor !== undefined && found.length < HELD_RECORDS_SCAN_MAX);
    return found;
  }
}

function lastUpdatedMs(resource: Resource): number {
  const text = (resource.meta as { lastUpdated?: string } | undefined)?.lastUpdated;
  const ms = text === undefined ? NaN : Date.parse(text);
  return Number.isFinite(ms) ? ms : Number.POSITIVE_INFINITY;
}

function toNdjson(resources: readonly unknown[]): string {
  return resources.map((r) => `${JSON.stringify(r)}\n`).join('');
}
