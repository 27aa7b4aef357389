// Value canonicalisation for the pre-hash string (CBV 2.0 §8.9 rules 5, 6, 7, 14, 15, 16, 17, 18).
// The reference implementation (RalphTro/epcis-event-hash-generator) applies the numeric, CBV-URN and
// identifier rules to every value, in that order; so do we, so that both give the same pre-hash.
import { CBV_URN_PREFIXES, expandTerm, type VocabularyField } from './vocab.ts';
import { normaliseIdentifier } from './identifiers.ts';

/** A JSON scalar as text, the way the reference renders it (Python str of the parsed JSON value). */
export function scalarText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return pythonFloatText(value);
  if (value === true) return 'True';
  if (value === false) return 'False';
  return 'None';
}

// Python float() syntax, ASCII only: optional sign, digits with single underscores, fraction, exponent.
const DIGITS = String.raw`\d(?:_?\d)*`;
const NUMERIC = new RegExp(`^[+-]?(?:${DIGITS}(?:\\.(?:${DIGITS})?)?|\\.${DIGITS})(?:[eE][+-]?${DIGITS})?$`);

/** Rule 6: quantitative values without trailing zeros or a leading "+"; other text unchanged. */
export function normaliseNumber(text: string): string {
  if (!NUMERIC.test(text)) return text;
  const value = Number(text.replace(/_/g, ''));
  return Number.isFinite(value) ? pythonFloatText(value) : text;
}

/** Python's str(float), with integral values printed as integers (the reference does int() first). */
function pythonFloatText(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return BigInt(value).toString();
  const [mantissa, exponentText] = value.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  if (exponent >= -4 && exponent < 16) return String(value);
  return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

/** Prefixes usable in compact IRIs: the document's @context plus the EPCIS 2.0 context's own. */
export type Namespaces = ReadonlyMap<string, string>;

/** Rule 15: "prefix:local" with a known prefix becomes the full IRI. */
export function expandCompactIri(text: string, namespaces: Namespaces): string {
  const colon = text.indexOf(':');
  if (colon <= 0 || text.startsWith('//', colon + 1)) return text;
  const iri = namespaces.get(text.slice(0, colon));
  return iri === undefined ? text : iri + text.slice(colon + 1);
}

/** Rule 14: CBV 1.x URNs become CBV 2.0 Web URIs. */
function cbvUrnToUri(text: string): string {
  for (const [urn, uri] of CBV_URN_PREFIXES) if (text.startsWith(urn)) return uri + text.slice(urn.length);
  return text;
}

/** The canonical text of one value; `vocabulary` names the bare-word vocabulary of its field, if any. */
export function canonicalValue(raw: unknown, namespaces: Namespaces, vocabulary?: VocabularyField): string {
  const text = scalarText(raw).trim();
  if (text === '') return '';
  if (vocabulary !== undefined) {
    const expanded = expandTerm(vocabulary, text);
    if (expanded !== undefined) return expanded;
  }
  const iri = cbvUrnToUri(expandCompactIri(text, namespaces));
  const numeric = normaliseNumber(iri);
  return normaliseIdentifier(numeric) ?? numeric;
}
