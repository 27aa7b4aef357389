// A contract body as the server builds it: TypeBox's Static types have mutable arrays, while the pure
// modules hand out readonly lists (the chain's own state). Typing an answer as Readonly of its contract
// body lets a service return those lists as they are, and keeps the answer's shape in one place.
export type ReadonlyBody<T> = T extends readonly (infer E)[]
  ? readonly ReadonlyBody<E>[]
  : T extends object
    ? { readonly [K in keyof T]: ReadonlyBody<T[K]> }
    : T;
