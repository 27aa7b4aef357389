// The error currency of the pure layers: a stable, greppable code, a message without PHI, and typed
// details. The API maps codes to HTTP statuses at its boundary.

export type Details = Readonly<Record<string, string | number | boolean | null>>;

export class CoreError extends Error {
  readonly code: string;
  readonly details: Details;

  constructor(code: string, message: string, details: Details = {}) {
    super(message);
    this.name = 'CoreError';
    this.code = code;
    this.details = details;
  }
}

/** For conditions that must never happen; failing one is a bug, not bad input. */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`invariant violated: ${message}`);
}
