// CPU time of other processes (the validators a bench started), read from /proc/PID/stat: user + system
// time in microseconds. The machine is shared, so CPU time per unit of work is the figure that carries
// between runs; wall-clock throughput moves with whatever else runs.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** User + system CPU time of a live process, in µs (0 where /proc is not there or it has exited). */
export function cpuMicrosOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, hence the last ')'): utime is field 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND) * 1e6;
  } catch {
    return 0;
  }
}

/** The summed CPU time of `pids`, in µs. */
export function cpuMicrosOfAll(pids: readonly (number | undefined)[]): number {
  return pids.reduce<number>((sum, pid) => sum + cpuMicrosOf(pid), 0);
}
