// EPCIS 2.0 capture jobs (REST binding, GET /capture/{captureID}): what became of a capture. A job is
// named by its tx hash (known when the capture is accepted, 202) or by its numeric captureId once
// committed. Committed captures are read from the chain; a pending one is in this node's mempool; one
// that the mempool dropped after accepting it (refused when re-checked against a newer block) is
// remembered here, in memory and bounded, with its error, since the chain never records it.
import {
  capture,
  captureCount,
  captureIdByTx,
  SUPPLY_PAGE_MAX,
  type Capture,
} from '../../app/supply/index.ts';
import type { StateReader } from '../../app/state.ts';
import type { DroppedTx } from '../../node/mempool.ts';

/** The EPCIS 2.0 CaptureJob. */
export interface CaptureJob {
  readonly captureID: string;
  readonly createdAt: string;
  readonly finishedAt?: string;
  readonly running: boolean;
  readonly success: boolean;
  readonly captureErrorBehaviour: 'rollback';
  /** Why a job failed: the ledger's reason (a catalogue code) and its message. */
  readonly errors: readonly { readonly code: string; readonly message: string }[];
}
type CaptureJobError = CaptureJob['errors'][number];

/** What the jobs are read from: the committed state, the mempool, block times and the clock. */
export interface JobSources {
  readonly state: StateReader;
  isPending(txHash: string): boolean;
  blockTimeMs(height: number): number | undefined;
  nowMs(): number;
}

/** Most accepted-but-unfinished captures this node remembers (their arrival time, their refusal). */
export const CAPTURE_JOBS_REMEMBERED_MAX = 1000;
/** Most committed captures one list request examines: a page of one organisation's jobs stays bounded. */
export const CAPTURE_JOBS_SCAN_MAX = 2000;

interface Remembered {
  readonly acceptedAtMs: number;
  failed?: { readonly atMs: number; readonly error: CaptureJobError };
}

const TX_HASH = /^[0-9a-f]{64}$/;
const CAPTURE_ID = /^\d{1,15}$/;

export class CaptureJobs {
  private readonly remembered = new Map<string, Remembered>();

  constructor(private readonly sources: JobSources) {}

  /** A capture this node accepted (its tx is in the mempool now). */
  accepted(txHash: string): void {
    if (this.remembered.size >= CAPTURE_JOBS_REMEMBERED_MAX) {
      const oldest = this.remembered.keys().next().value;
      if (oldest !== undefined) this.remembered.delete(oldest);
    }
    this.remembered.set(txHash, { acceptedAtMs: this.sources.nowMs() });
  }

  /** The mempool's drops (mempool.onDropped): a capture among them failed, with the ledger's error. */
  dropped(dropped: readonly DroppedTx[]): void {
    for (const { hash, error } of dropped) {
      const job = this.remembered.get(hash);
      if (job === undefined) continue;
      const code = typeof error.details.reason === 'string' ? error.details.reason : error.code;
      job.failed = { atMs: this.sources.nowMs(), error: { code, message: error.message.slice(0, 300) } };
    }
  }

  /** The job an id names (tx hash or numeric captureId), or undefined when this node knows none. */
  job(id: string): CaptureJob | undefined {
    const { state } = this.sources;
    if (CAPTURE_ID.test(id)) {
      const record = capture(state, Number(id));
      return record === undefined ? undefined : this.committedJob(record);
    }
    if (!TX_HASH.test(id)) return undefined;
    const captureId = captureIdByTx(state, id);
    const record = captureId === undefined ? undefined : capture(state, captureId);
    if (record !== undefined) return this.committedJob(record);
    const known = this.remembered.get(id);
    if (known?.failed !== undefined) {
      return {
        ...this.base(id, known.acceptedAtMs),
        finishedAt: iso(known.failed.atMs),
        running: false,
        success: false,
        errors: [known.failed.error],
      };
    }
    if (!this.sources.isPending(id)) return undefined;
    // The mempool keeps no arrival time: a capture accepted before a restart shows the time it is asked.
    return { ...this.base(id, known?.acceptedAtMs ?? this.sources.nowMs()), running: true, success: false };
  }

  /**
   * One organisation's committed capture jobs, newest first: perPage of them before capture `before`
   * (exclusive; all when undefined), and where to go on, examining at most CAPTURE_JOBS_SCAN_MAX.
   */
  list(orgId: string, perPage: number, before?: number): { jobs: CaptureJob[]; nextBefore: number | null } {
    const { state } = this.sources;
    const limit = Math.min(Math.max(perPage, 1), SUPPLY_PAGE_MAX);
    const jobs: CaptureJob[] = [];
    const start = Math.min(before ?? Number.MAX_SAFE_INTEGER, captureCount(state)) - 1;
    for (let id = start, scanned = 0; id >= 0; id--, scanned++) {
      if (jobs.length >= limit || scanned >= CAPTURE_JOBS_SCAN_MAX) return { jobs, nextBefore: id + 1 };
      const record = capture(state, id);
      if (record?.orgId === orgId) jobs.push(this.committedJob(record));
    }
    return { jobs, nextBefore: null };
  }

  private committedJob(record: Capture): CaptureJob {
    const at = this.sources.blockTimeMs(record.height) ?? this.sources.nowMs();
    return { ...this.base(record.txHash, at), finishedAt: iso(at), running: false, success: true };
  }

  private base(captureID: string, createdAtMs: number) {
    return { captureID, createdAt: iso(createdAtMs), captureErrorBehaviour: 'rollback' as const, errors: [] };
  }
}

const iso = (ms: number): string => new Date(ms).toISOString();
