// Closed-loop load for network benchmarks: `concurrency` clients, each sending its next request as soon
// as the previous one is answered, for `durationMs` after a warm-up. Latency is submit to answer.
import { performance } from 'node:perf_hooks';

export interface LoadResult {
  readonly completed: number;
  readonly failed: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** The number after `--name` on this bench's command line, else `fallback`. */
export function numberOption(name: string, fallback: number): number {
  const args = process.argv.slice(2);
  // The last one wins, so a flag given after `--` overrides a default in the npm script.
  const i = args.lastIndexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

/** The text after `--name` on this bench's command line, else `fallback`. */
export function textOption(name: string, fallback: string): string {
  const args = process.argv.slice(2);
  const i = args.lastIndexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
}

/** The closed-loop settings every load bench takes (--concurrency, --seconds, --warmup), with its defaults. */
export function loadOptions(defaults: { concurrency: number; seconds: number; warmup: number }): {
  concurrency: number;
  durationMs: number;
  warmupMs: number;
} {
  return {
    concurrency: numberOption('concurrency', defaults.concurrency),
    durationMs: numberOption('seconds', defaults.seconds) * 1000,
    warmupMs: numberOption('warmup', defaults.warmup) * 1000,
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Called when the measured window opens and when it closes (to read the servers' CPU time, say). */
export interface WindowMarks {
  onStart?(): void;
  onEnd?(): void;
}

/** `send(client, i)` performs request i of a client and resolves true when it succeeded. */
export async function closedLoop(
  concurrency: number,
  warmupMs: number,
  durationMs: number,
  send: (client: number, i: number) => Promise<boolean>,
  marks: WindowMarks = {},
): Promise<LoadResult> {
  const start = performance.now();
  const measureFrom = start + warmupMs;
  const end = measureFrom + durationMs;
  const startMark = setTimeout(() => marks.onStart?.(), warmupMs);
  const endMark = setTimeout(() => marks.onEnd?.(), warmupMs + durationMs);
  const latencies: number[] = [];
  let failed = 0;
  const client = async (c: number): Promise<void> => {
    for (let i = 0; performance.now() < end; i++) {
      const t0 = performance.now();
      let ok: boolean;
      try {
        ok = await send(c, i);
      } catch {
        ok = false;
      }
      const t1 = performance.now();
      if (t1 >= measureFrom && t1 <= end) {
        if (ok) latencies.push(t1 - t0);
        else failed++;
      }
      if (!ok) await new Promise((r) => setTimeout(r, 50));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, c) => client(c)));
  clearTimeout(startMark);
  clearTimeout(endMark);
  latencies.sort((a, b) => a - b);
  const seconds = durationMs / 1000;
  return {
    completed: latencies.length,
    failed,
    seconds,
    perSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}
