// GS1 Digital Link URI syntax (GS1 Digital Link: URI Syntax 1.2 §4): the path carries a primary key and
// its key qualifiers as /AI/value pairs after an optional path prefix, the query carries data attributes.
// Any host is accepted, values are percent-decoded. Shared by parseGs1Key, parseDigitalLink and the
// CBV 2.0 event hash.
import { Gs1Error, quote } from './errors.ts';

/** Primary keys a Digital Link path may start with (DL 1.2 Table 4-1). */
export const PRIMARY_KEY_AIS: ReadonlySet<string> = new Set([
  '00',
  '01',
  '253',
  '255',
  '401',
  '402',
  '414',
  '417',
  '8003',
  '8004',
  '8006',
  '8010',
  '8013',
  '8017',
  '8018',
]);

/** Key qualifiers, in the order DL 1.2 §4.4 requires after their primary key. */
export const KEY_QUALIFIERS: Readonly<Record<string, readonly string[]>> = {
  '01': ['22', '10', '21'],
  '8006': ['22', '10', '21'],
  '414': ['254'],
  '8010': ['8011'],
};

/**
 * Short names of DL 1.0/1.1 for keys and key qualifiers, still met in the field; mapped to their AIs. The
 * CBV 2.0 event hash (event-hash/identifiers.ts) converts exactly these, as its reference does.
 */
export const DL_KEY_SHORT_NAMES: Readonly<Record<string, string>> = {
  gtin: '01',
  itip: '8006',
  cpid: '8010',
  gln: '414',
  party: '417',
  gsrnp: '8017',
  gsrn: '8018',
  gcn: '255',
  sscc: '00',
  gdti: '253',
  ginc: '401',
  gsin: '402',
  grai: '8003',
  giai: '8004',
  cpv: '22',
  lot: '10',
  ser: '21',
};

/** All short names this parser reads: the key ones, and those of the GLN extension and expiry date. */
const SHORT_NAMES: Readonly<Record<string, string>> = { ...DL_KEY_SHORT_NAMES, glnx: '254', exp: '17' };

export interface DigitalLinkParts {
  /** The primary key AI and its decoded value, then the key qualifiers in path order. */
  readonly path: ReadonlyArray<readonly [ai: string, value: string]>;
  /** Query parameters whose names are AIs (or short names), decoded; other parameters are ignored. */
  readonly query: ReadonlyMap<string, string>;
}

const URI_PATTERN = /^https?:\/\/[^/?#\s]+(\/[^?#\s]*)(?:\?([^#\s]*))?(?:#\S*)?$/i;

export function looksLikeDigitalLink(input: string): boolean {
  return /^https?:\/\//i.test(input);
}

/** Splits a Digital Link into its key pairs and query attributes; throws Gs1Error on anything else. */
export function splitDigitalLink(uri: string): DigitalLinkParts {
  const match = URI_PATTERN.exec(uri);
  if (!match) throw new Gs1Error('gs1.syntax', `not an http(s) URI: ${quote(uri)}`);
  const segments = match[1]!.split('/').slice(1);
  if (segments.length > 0 && segments[segments.length - 1] === '') segments.pop();
  const names = segments.map((segment) => SHORT_NAMES[segment] ?? segment);
  // The primary key is the first AI segment from which the rest of the path is whole /AI/value pairs;
  // anything before it is a path prefix of the resolver (DL 1.2 §4.1).
  let start = -1;
  for (let i = 0; i < names.length; i++) {
    if (PRIMARY_KEY_AIS.has(names[i]!) && (names.length - i) % 2 === 0) {
      start = i;
      break;
    }
  }
  if (start < 0) throw new Gs1Error('gs1.syntax', `no GS1 primary key in Digital Link path: ${quote(uri)}`);
  const path: Array<readonly [string, string]> = [];
  for (let i = start; i < names.length; i += 2) {
    const ai = names[i]!;
    if (!/^\d{2,4}$/.test(ai))
      throw new Gs1Error('gs1.syntax', `not an AI in Digital Link path: ${quote(uri)}`);
    const value = decode(segments[i + 1]!, uri);
    if (value === '') throw new Gs1Error('gs1.syntax', `empty value for AI (${ai}) in ${quote(uri)}`);
    path.push([ai, value]);
  }
  checkQualifiers(path, uri);
  const query = new Map<string, string>();
  for (const parameter of (match[2] ?? '').split('&')) {
    if (parameter === '') continue;
    const equals = parameter.indexOf('=');
    const rawName = equals < 0 ? parameter : parameter.slice(0, equals);
    const name = SHORT_NAMES[rawName] ?? rawName;
    if (!/^\d{2,4}$/.test(name)) continue; // non-GS1 parameters (tracking, language…) carry no data
    query.set(name, decode(equals < 0 ? '' : parameter.slice(equals + 1).replace(/\+/g, ' '), uri));
  }
  return { path, query };
}

function checkQualifiers(path: ReadonlyArray<readonly [string, string]>, uri: string): void {
  const allowed = KEY_QUALIFIERS[path[0]![0]] ?? [];
  let last = -1;
  for (const [ai] of path.slice(1)) {
    const position = allowed.indexOf(ai);
    if (position <= last) {
      throw new Gs1Error(
        'gs1.syntax',
        `AI (${ai}) is not a key qualifier here, or out of order: ${quote(uri)}`,
      );
    }
    last = position;
  }
}

function decode(text: string, uri: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new Gs1Error('gs1.syntax', `bad percent-encoding in ${quote(uri)}`);
  }
}

/**
 * Percent-encodes a CSET 82 value for a Digital Link path. DL 1.2 Table 4-2 names ! # % & ( ) * + , / :
 * and space; " < > ? are not URI characters at all. The rest of CSET 82 (' - . ; = _ and alphanumerics)
 * stays as it is, which is also what the CBV 2.0 event hash reference implementation produces.
 */
export function encodeDigitalLinkValue(value: string): string {
  return value.replace(/[!"#%&()*+,/:<>? ]/g, (char) => '%' + char.charCodeAt(0).toString(16).toUpperCase());
}

export const CANONICAL_DL_HOST = 'https://id.gs1.org';
