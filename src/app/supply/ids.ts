// GS1 identifiers as the supply rules see them: each EPC of an event is parsed once with the GS1
// library into its key and one canonical string (the Digital Link on id.gs1.org), so that an EPC URN and
// a Digital Link of the same unit are the same unit. Identifiers the library does not know (GRAI, GIAI,
// a company's own URI…) are kept exactly as given: EPCIS stores them, and no rule is about them.
import { canonicalKeyUri, Gs1Error, parseGs1Key, type Gs1Key } from './gs1/index.ts';

export interface ResolvedId {
  readonly canonical: string;
  readonly key: Gs1Key | null;
}

export function resolveId(uri: string): ResolvedId {
  try {
    const key = parseGs1Key(uri);
    return { canonical: canonicalKeyUri(key), key };
  } catch (err) {
    if (err instanceof Gs1Error) return { canonical: uri, key: null };
    throw err;
  }
}

export function canonicalId(uri: string): string {
  return resolveId(uri).canonical;
}

/** The GLN of a party or location id (pgln, sgln), or undefined. */
export function glnOf(uri: string): string | undefined {
  const { key } = resolveId(uri);
  return key?.kind === 'pgln' || key?.kind === 'sgln' ? key.gln : undefined;
}
