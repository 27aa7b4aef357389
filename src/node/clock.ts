// Time for the node shell, injected so tests and the simulator can substitute their own.
export interface Clock {
  nowMs(): number;
}

export const systemClock: Clock = { nowMs: () => Date.now() };
