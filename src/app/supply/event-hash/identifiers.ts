// Identifiers in the pre-hash string (CBV 2.0 §8.9 rules 17 and 18): EPC URIs, EPC class and pattern URIs
// become canonical GS1 Digital Link URIs (DL 1.2 §4.11); Digital Links are constrained to id.gs1.org,
// no query string, and the finest level of identification only. Unlike ../gs1 (which validates what
// carechain stores) this follows the reference implementation exactly, so hashes agree: a value that
// does not fit is left as it is rather than refused, and Digital Link check digits are not verified.
import { gs1CheckDigit } from '../gs1/index.ts';
import { DL_KEY_SHORT_NAMES, PRIMARY_KEY_AIS } from '../gs1/digital-link.ts';

const DL = 'https://id.gs1.org';

/** TDS §5 URN component characters, with their %-escapes (kept escaped, as in the reference). */
const COMPONENT = String.raw`(?:%[0-9A-Fa-f]{2}|[!'()*+,\-.0-9:;=A-Za-z_])`;

/** Digital Link percent-encoding of the characters that URN components may carry unescaped. */
function encode(component: string): string {
  return component.replace(/[!()*+,:]/g, (char) => '%' + char.charCodeAt(0).toString(16).toUpperCase());
}

const withCheck = (body: string): string => body + String(gs1CheckDigit(body));
/** Indicator digit (first of the item reference) to the front, company prefix, rest, check digit. */
const gtin = (prefix: string, itemRef: string): string =>
  withCheck(itemRef.slice(0, 1) + prefix + itemRef.slice(1));

interface Scheme {
  /** Digits after the 6..12-digit company prefix (reference total), or undefined for free text. */
  readonly total?: number;
  readonly rest: RegExp;
  readonly build: (prefix: string, ref: string, rest: RegExpExecArray) => string;
}

const component = (max: number): RegExp => new RegExp(`^\\.(${COMPONENT}{1,${max}})$`);
const none = /^$/;

const ID_SCHEMES: Readonly<Record<string, Scheme>> = {
  sgtin: { total: 13, rest: component(20), build: (p, r, m) => `${DL}/01/${gtin(p, r)}/21/${encode(m[1]!)}` },
  sscc: { total: 17, rest: none, build: (p, r) => `${DL}/00/${withCheck(r.slice(0, 1) + p + r.slice(1))}` },
  sgln: {
    total: 12,
    rest: component(20),
    build: (p, r, m) => `${DL}/414/${withCheck(p + r)}${m[1] === '0' ? '' : `/254/${encode(m[1]!)}`}`,
  },
  grai: {
    total: 12,
    rest: component(16),
    build: (p, r, m) => `${DL}/8003/${withCheck('0' + p + r)}${encode(m[1]!)}`,
  },
  gsrn: { total: 17, rest: none, build: (p, r) => `${DL}/8018/${withCheck(p + r)}` },
  gsrnp: { total: 17, rest: none, build: (p, r) => `${DL}/8017/${withCheck(p + r)}` },
  gdti: {
    total: 12,
    rest: component(17),
    build: (p, r, m) => `${DL}/253/${withCheck(p + r)}${encode(m[1]!)}`,
  },
  sgcn: { total: 12, rest: /^\.(\d{1,12})$/, build: (p, r, m) => `${DL}/255/${withCheck(p + r)}${m[1]!}` },
  gsin: { total: 16, rest: none, build: (p, r) => `${DL}/402/${withCheck(p + r)}` },
  pgln: { total: 12, rest: none, build: (p, r) => `${DL}/417/${withCheck(p + r)}` },
  itip: {
    total: 13,
    rest: new RegExp(`^\\.(\\d{2})\\.(\\d{2})\\.(${COMPONENT}{1,20})$`),
    build: (p, r, m) => `${DL}/8006/${gtin(p, r)}${m[1]!}${m[2]!}/21/${encode(m[3]!)}`,
  },
  upui: { total: 13, rest: component(28), build: (p, r, m) => `${DL}/01/${gtin(p, r)}/235/${encode(m[1]!)}` },
};

const CLASS_SCHEMES: Readonly<Record<string, Scheme>> = {
  lgtin: { total: 13, rest: component(20), build: (p, r, m) => `${DL}/01/${gtin(p, r)}/10/${encode(m[1]!)}` },
};

const PATTERN_SCHEMES: Readonly<Record<string, Scheme>> = {
  sgtin: { total: 13, rest: /^\.\*$/, build: (p, r) => `${DL}/01/${gtin(p, r)}` },
  upui: { total: 13, rest: /^\.\*$/, build: (p, r) => `${DL}/01/${gtin(p, r)}` },
  grai: { total: 12, rest: /^\.\*$/, build: (p, r) => `${DL}/8003/${withCheck('0' + p + r)}` },
  gdti: { total: 12, rest: /^\.\*$/, build: (p, r) => `${DL}/253/${withCheck(p + r)}` },
  sgcn: { total: 12, rest: /^\.\*$/, build: (p, r) => `${DL}/255/${withCheck(p + r)}` },
  itip: {
    total: 13,
    rest: /^\.(\d{2})\.(\d{2})\.\*$/,
    build: (p, r, m) => `${DL}/8006/${gtin(p, r)}${m[1]!}${m[2]!}`,
  },
};

/** GIAI, GINC and CPI carry free text after the company prefix instead of a fixed-length reference. */
function freeTextUrn(scheme: string, body: string): string | undefined {
  const prefixMatch = /^(\d{6,12})\.(.*)$/.exec(body);
  if (!prefixMatch) return undefined;
  const [, prefix, rest] = prefixMatch as unknown as [string, string, string];
  const room = 30 - prefix.length;
  if (scheme === 'giai' || scheme === 'ginc') {
    if (!new RegExp(`^${COMPONENT}{1,${room}}$`).test(rest)) return undefined;
    return `${DL}/${scheme === 'giai' ? '8004' : '401'}/${prefix}${encode(rest)}`;
  }
  if (scheme === 'cpi') {
    const cpi = new RegExp(
      `^((?:%2[3dfDF]|%3[0-9]|%4[1-9A-Fa-f]|%5[0-9Aa]|[0-9A-Z-]){1,${room}})\\.(\\d{1,12})$`,
    ).exec(rest);
    return cpi ? `${DL}/8010/${prefix}${encode(cpi[1]!)}/8011/${cpi[2]!}` : undefined;
  }
  return undefined;
}

function epcUrnToDigitalLink(uri: string): string | undefined {
  const match = /^urn:epc:(id|class|idpat):([a-z]+):(.*)$/.exec(uri);
  if (!match) return undefined;
  const [, family, scheme, body] = match as unknown as [string, string, string, string];
  if (family === 'id' && ['giai', 'ginc', 'cpi'].includes(scheme)) return freeTextUrn(scheme, body);
  const table = family === 'id' ? ID_SCHEMES : family === 'class' ? CLASS_SCHEMES : PATTERN_SCHEMES;
  const spec = table[scheme];
  if (!spec || spec.total === undefined) return undefined;
  const parts = /^(\d{6,12})\.(\d*)(.*)$/.exec(body);
  if (!parts) return undefined;
  const [, prefix, ref, tail] = parts as unknown as [string, string, string, string];
  // GRAI, GDTI and SGCN references may be empty with a 12-digit prefix (TDS §6.3.5).
  if (prefix.length + ref.length !== spec.total) return undefined;
  const rest = spec.rest.exec(tail);
  return rest ? spec.build(prefix, ref, rest) : undefined;
}

/** DL 1.0/1.1 short names the reference still maps to AIs. */
const SHORT_NAMES = DL_KEY_SHORT_NAMES;

// The event-hash reference rewrites Digital Link's primary keys except 8013 (GMN); we follow its list, not
// DL 1.2's, because the hash must match the reference's byte for byte.
const PRIMARY: ReadonlySet<string> = new Set([...PRIMARY_KEY_AIS].filter((ai) => ai !== '8013'));

/** Characters the reference accepts in Digital Link values: CSET 82 less those that need %-encoding. */
const V = String.raw`["'\-.0-9;-?A-Z_a-z]`;
const CANONICAL_SHAPES: readonly RegExp[] = [
  /^00\/\d{18}$/,
  new RegExp(`^01/\\d{14}(?:/(?:21|10)/${V}{0,20}|/235/${V}{0,28})?$`),
  new RegExp(`^253/\\d{13}${V}{0,17}$`),
  /^255\/\d{13}\d{0,12}$/,
  new RegExp(`^401/${V}{0,30}$`),
  /^402\/\d{17}$/,
  /^41[47]\/\d{13}$/,
  new RegExp(`^414/\\d{13}/254/${V}{0,20}$`),
  new RegExp(`^8003/\\d{14}${V}{0,16}$`),
  new RegExp(`^8004/${V}{0,30}$`),
  new RegExp(`^8006/\\d{18}(?:/(?:21|10)/${V}{0,20})?$`),
  /^8010\/[#\-/0-9A-Z]{0,30}(?:\/8011\/\d{0,12})?$/,
  /^801[78]\/\d{18}$/,
];

function digitalLinkToCanonical(uri: string): string | undefined {
  const match = /^https?:\/\/[^/?#]*(\/[^?#]*)(?:\?[^#]*)?(?:#.*)?$/.exec(uri);
  if (!match) return undefined;
  const segments = match[1]!.split('/').slice(1);
  if (segments[segments.length - 1] === '') segments.pop();
  const names = segments.map((segment) => SHORT_NAMES[segment] ?? segment);
  const start = names.findIndex((name, i) => PRIMARY.has(name) && /^\d{4}/.test(segments[i + 1] ?? ''));
  if (start < 0) return undefined;
  const pairs: Array<[string, string]> = [];
  for (let i = start; i + 1 < names.length; i += 2) pairs.push([names[i]!, segments[i + 1]!]);
  if ((names.length - start) % 2 !== 0) return undefined;
  const [primary] = pairs[0]!;
  if (primary === '01' && /^(?:\d{8}|\d{12}|\d{13})$/.test(pairs[0]![1]))
    pairs[0]![1] = pairs[0]![1].padStart(14, '0');
  // The finest level only: no CPV (22), and no lot (10) next to a serial (21).
  let kept = pairs.filter(([ai]) => ai !== '22');
  if (kept.some(([ai]) => ai === '21')) kept = kept.filter(([ai]) => ai !== '10');
  const path = kept.map(([ai, value]) => `${ai}/${value}`).join('/');
  return CANONICAL_SHAPES.some((shape) => shape.test(path)) ? `${DL}/${path}` : undefined;
}

/** The canonical Digital Link of an EPC URI or Digital Link, or undefined when the value is neither. */
export function normaliseIdentifier(value: string): string | undefined {
  if (value.startsWith('urn:epc:')) return epcUrnToDigitalLink(value);
  if (/^https?:\/\//.test(value)) return digitalLinkToCanonical(value);
  return undefined;
}
