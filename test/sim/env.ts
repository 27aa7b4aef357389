// Virtual time for one incarnation of a simulated node: its clock (virtual time plus the node's skew)
// and timers on the event queue. A crash ends the incarnation: its timers then never fire, as a killed
// process's would not. A callback that throws is what would kill a real node; it is reported.
import type { Clock, TimerHandle, Timers } from '../../src/core/env.ts';
import { GENESIS_TIME_MS } from './chain.ts';
import type { EventQueue } from './network.ts';

interface Handle {
  cancelled: boolean;
}

export function skewedClock(queue: EventQueue, skewMs: number): Clock {
  return { nowMs: () => GENESIS_TIME_MS + queue.nowMs + skewMs };
}

export class IncarnationTimers implements Timers {
  constructor(
    private readonly queue: EventQueue,
    /** True while the incarnation that made these timers is alive. */
    private readonly alive: () => boolean,
    /** Runs a callback, turning what it throws into a crash report. */
    private readonly guard: (run: () => void) => void,
  ) {}

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const handle: Handle = { cancelled: false };
    this.queue.after(delayMs, () => {
      if (!handle.cancelled && this.alive()) this.guard(callback);
    });
    return handle;
  }

  setInterval(callback: () => void, intervalMs: number): TimerHandle {
    const handle: Handle = { cancelled: false };
    const tick = () => {
      if (handle.cancelled || !this.alive()) return;
      this.queue.after(intervalMs, tick);
      this.guard(callback);
    };
    this.queue.after(intervalMs, tick);
    return handle;
  }

  clearTimeout(handle: TimerHandle): void {
    if (handle !== undefined) (handle as Handle).cancelled = true; // undefined: nothing was scheduled
  }

  clearInterval(handle: TimerHandle): void {
    this.clearTimeout(handle);
  }
}
