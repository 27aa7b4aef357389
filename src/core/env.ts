// What the world outside the pure layers provides: time, timers and randomness. The interfaces live in core
// so every layer can name them; the real implementations live in the node shell (src/node/env.ts) and the
// simulated ones in test/sim, so the same code runs in production and replays exactly from a seed
// (STYLE §2). Pure code takes the values (a time, some bytes) as arguments rather than these interfaces.

/** Wall-clock time in milliseconds since the Unix epoch. */
export interface Clock {
  nowMs(): number;
}

/** An opaque handle for a scheduled callback; only the Timers that made it can cancel it. */
export type TimerHandle = unknown;

/** One-shot and repeating callbacks, so a simulator can run a node on virtual time. */
export interface Timers {
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  setInterval(callback: () => void, intervalMs: number): TimerHandle;
  clearInterval(handle: TimerHandle): void;
}

/** Randomness, injected: node:crypto's randomBytes in the node, a seeded one in tests and the simulator. */
export type RandomBytes = (byteLength: number) => Uint8Array;
