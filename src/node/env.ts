// The real time, timers and randomness for the node shell; the interfaces are in core/env.ts so tests and
// the simulator can substitute their own.
import { randomBytes } from 'node:crypto';
import type { Clock, RandomBytes, Timers } from '../core/env.ts';

export type { Clock, RandomBytes, TimerHandle, Timers } from '../core/env.ts';

export const systemClock: Clock = { nowMs: () => Date.now() };

export const systemTimers: Timers = {
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout | undefined),
  setInterval: (callback, intervalMs) => setInterval(callback, intervalMs),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout | undefined),
};

export const systemRandomBytes: RandomBytes = (byteLength) => new Uint8Array(randomBytes(byteLength));
