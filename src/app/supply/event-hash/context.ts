// Namespaces for compact IRIs from a JSON-LD @context: the prefixes a document declares (objects in its
// @context), on top of the ones the EPCIS 2.0 context declares itself. Remote contexts are not fetched:
// the layer is pure, and the standard one is known.
import { CBV_BASE, GS1_VOC_BASE } from './vocab.ts';
import type { Namespaces } from './values.ts';

/** Prefixes of https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld used in values and keys. */
const EPCIS_CONTEXT_PREFIXES: ReadonlyArray<readonly [string, string]> = [
  ['epcis', 'https://ref.gs1.org/epcis/'],
  ['cbv', CBV_BASE],
  ['gs1', GS1_VOC_BASE],
];

export const NAMESPACES_MAX = 256;

export function namespacesFrom(context: unknown): Namespaces {
  const namespaces = new Map<string, string>(EPCIS_CONTEXT_PREFIXES);
  for (const entry of Array.isArray(context) ? context : [context]) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) continue;
    for (const [prefix, iri] of Object.entries(entry as Record<string, unknown>)) {
      if (namespaces.size >= NAMESPACES_MAX) break;
      if (prefix.startsWith('@') || prefix.includes(':')) continue;
      const target = typeof iri === 'string' ? iri : (iri as { '@id'?: unknown } | null)?.['@id'];
      if (typeof target === 'string' && /^[a-z][a-z0-9+.-]*:/i.test(target)) namespaces.set(prefix, target);
    }
  }
  return namespaces;
}
