// One page of a counted list in state (a count key plus an n-th item index), as every module's queries
// read it: the state has point reads only, so listing walks positions, bounded by the module's page max.

export interface Page {
  readonly offset: number;
  readonly limit: number;
}

export interface Paged<T> {
  /** How many items the whole list has. */
  readonly total: number;
  readonly items: readonly T[];
}

/** The positions one page covers, in list order (0-based), or newest first when newestFirst. */
function pagePositions(total: number, page: Page, pageMax: number, newestFirst: boolean): number[] {
  const limit = Math.min(Math.max(Math.trunc(page.limit), 0), pageMax);
  const offset = Math.max(Math.trunc(page.offset), 0);
  const positions: number[] = [];
  for (let k = offset; k < total && positions.length < limit; k++) {
    positions.push(newestFirst ? total - 1 - k : k);
  }
  return positions;
}

/**
 * The items at one page's positions of a list of total items; at(n) reads the n-th (0-based) and
 * answers undefined for a position whose item is absent, which the page then leaves out.
 */
export function paged<T>(
  total: number,
  page: Page,
  pageMax: number,
  newestFirst: boolean,
  at: (n: number) => T | undefined,
): Paged<T> {
  const items: T[] = [];
  for (const n of pagePositions(total, page, pageMax, newestFirst)) {
    const item = at(n);
    if (item !== undefined) items.push(item);
  }
  return { total, items };
}
