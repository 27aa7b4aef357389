// The async request pattern of FHIR Bulk Data (HL7 FHIR Bulk Data Access 2.0, export.html "Bulk Data
// Kick-off Request" and "Bulk Data Status Request"), shared by $export and $import: a kick-off answers 202
// with a status URL, the job runs in the background, and the status URL answers 202 with progress until
// the job is done. A job belongs to the caller who started it (requiresAccessToken: only the same
// practitioner or patient polls it and fetches its files), lives in this process's memory, and is
// forgotten JOB_TTL_MS after it finished; at most JOBS_MAX exist at once (STYLE §5: bound everything).
import { randomBytes } from 'node:crypto';
import { FhirError, issue } from './operation-outcome.ts';
import type { Clock } from '../../core/env.ts';
import type { GatewayCaller } from '../records/gateway.ts';

export const JOBS_MAX = 64;
export const JOB_TTL_MS = 60 * 60 * 1000;

export type JobState<T> =
  | { readonly state: 'running'; readonly progress: string }
  | { readonly state: 'done'; readonly result: T }
  | { readonly state: 'failed'; readonly error: FhirError };

interface Job<T> {
  readonly owner: string;
  status: JobState<T>;
  finishedAtMs?: number;
  cancelled: boolean;
}

/** Who a job belongs to: the practitioner's or patient's key; the node itself starts none. */
export function ownerOf(caller: GatewayCaller): string {
  if (caller.kind === 'node') throw FhirError.forbidden('the node starts no bulk jobs through the API');
  return caller.publicKey;
}

export class BulkJobs<T> {
  private readonly jobs = new Map<string, Job<T>>();

  constructor(private readonly clock: Clock) {}

  /** Starts `work` in the background for `caller`; answers the job id at once. */
  start(
    caller: GatewayCaller,
    work: (progress: (text: string) => void, cancelled: () => boolean) => Promise<T>,
  ): string {
    this.forgetFinished();
    if (this.jobs.size >= JOBS_MAX) {
      throw new FhirError(429, [issue('throttled', 'too many bulk jobs at once: try again later')], 60);
    }
    const id = randomBytes(16).toString('hex');
    const job: Job<T> = {
      owner: ownerOf(caller),
      status: { state: 'running', progress: 'queued' },
      cancelled: false,
    };
    this.jobs.set(id, job);
    const progress = (text: string) => {
      if (job.status.state === 'running') job.status = { state: 'running', progress: text };
    };
    void work(progress, () => job.cancelled).then(
      (result) => this.finish(job, { state: 'done', result }),
      (err: unknown) =>
        this.finish(job, {
          state: 'failed',
          error:
            err instanceof FhirError ? err : new FhirError(500, [issue('exception', 'the bulk job failed')]),
        }),
    );
    return id;
  }

  /** The job's state, for its owner only (another caller, or an unknown or expired id, is a 404). */
  status(caller: GatewayCaller, id: string): JobState<T> {
    return this.owned(caller, id).status;
  }

  /** Cancels a running job or forgets a finished one (export.html "Delete a Bulk Data Request"). */
  cancel(caller: GatewayCaller, id: string): void {
    this.owned(caller, id).cancelled = true;
    this.jobs.delete(id);
  }

  private owned(caller: GatewayCaller, id: string): Job<T> {
    this.forgetFinished();
    const job = this.jobs.get(id);
    if (job === undefined || job.owner !== ownerOf(caller)) throw FhirError.notFound('no such bulk job');
    return job;
  }

  private finish(job: Job<T>, status: JobState<T>): void {
    job.status = status;
    job.finishedAtMs = this.clock.nowMs();
  }

  private forgetFinished(): void {
    const now = this.clock.nowMs();
    for (const [id, job] of this.jobs) {
      if (job.finishedAtMs !== undefined && now - job.finishedAtMs > JOB_TTL_MS) this.jobs.delete(id);
    }
  }
}
