// JSON helpers of the event hash: type guards, code-point ordering (CBV 2.0 §8.9 rule 10), a depth bound.

export type Json = unknown;
export type JsonObject = Readonly<Record<string, Json>>;

export const isObject = (value: Json): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
export const asArray = (value: Json): readonly Json[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Sorted by code point, as the reference's Python string ordering (rule 10). */
export function sortStrings(values: string[]): string[] {
  return values.sort((a, b) => {
    const x = [...a];
    const y = [...b];
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
      if (d !== 0) return d;
    }
    return x.length - y.length;
  });
}

/** Nesting bound for extension elements: the walk is recursive, and an event is not a tree of any depth. */
export const EVENT_DEPTH_MAX = 32;

export function depthWithin(value: Json, budget: number): boolean {
  if (budget < 0) return false;
  if (Array.isArray(value)) return value.every((item) => depthWithin(item, budget - 1));
  if (isObject(value)) return Object.values(value).every((item) => depthWithin(item, budget - 1));
  return true;
}
