// Scanned pack codes: GS1 Digital Link URLs (a QR code or a 2D DataMatrix carrying a URL) and the
// dispatch between them and element strings.
import { isCset82, isValidSerial } from './check-digit.ts';
import { looksLikeDigitalLink, splitDigitalLink } from './digital-link.ts';
import { packFromAis, parseElementString, type ScanOptions, type ScannedPack } from './element-string.ts';
import { Gs1Error, quote } from './errors.ts';

export const DIGITAL_LINK_CHARS_MAX = 2048;

/** A Digital Link with its key qualifiers and query data attributes (e.g. …/01/…/21/…?17=261231&10=ABC). */
export function parseDigitalLink(url: string, options: ScanOptions = {}): ScannedPack {
  if (typeof url !== 'string' || url.length > DIGITAL_LINK_CHARS_MAX) {
    throw new Gs1Error(
      'gs1.syntax',
      `Digital Link must be a string of at most ${DIGITAL_LINK_CHARS_MAX} characters`,
    );
  }
  const { path, query } = splitDigitalLink(url);
  const primary = path[0]![0];
  if (primary !== '01' && primary !== '00') {
    throw new Gs1Error('gs1.unsupported', `a pack code needs a GTIN (01) or SSCC (00): ${quote(url)}`);
  }
  const ais = new Map<string, string>(path);
  for (const ai of ['10', '17', '21']) {
    const value = query.get(ai);
    if (value === undefined) continue;
    const before = ais.get(ai);
    if (before !== undefined && before !== value) {
      throw new Gs1Error('gs1.syntax', `AI (${ai}) in path and query disagree in ${quote(url)}`);
    }
    ais.set(ai, value);
  }
  const serial = ais.get('21');
  if (serial !== undefined && !isValidSerial(serial))
    throw new Gs1Error('gs1.syntax', `bad serial (21) in ${quote(url)}`);
  const lot = ais.get('10');
  if (lot !== undefined && !isCset82(lot, 20))
    throw new Gs1Error('gs1.syntax', `bad lot (10) in ${quote(url)}`);
  return packFromAis(ais, options);
}

/** Digital Link when the input is an http(s) URL, element string otherwise. */
export function parseScannedCode(input: string, options: ScanOptions = {}): ScannedPack {
  if (typeof input !== 'string') throw new Gs1Error('gs1.syntax', 'scanned code must be a string');
  const trimmed = input.replace(/^[ \r\n\t]+|[ \r\n\t]+$/g, '');
  return looksLikeDigitalLink(trimmed)
    ? parseDigitalLink(trimmed, options)
    : parseElementString(trimmed, options);
}
