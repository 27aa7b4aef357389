// GS1 keys of serialised units, lots, products, logistic units, locations and parties, parsed from EPC
// URNs or GS1 Digital Links and stored in one canonical form: the Digital Link on id.gs1.org with a
// GTIN-14 (DL 1.2 §4.11), so an EPC URN and a Digital Link of the same unit give the same string.
import { checkNumericKey, isCset82, isValidSerial, normalizeGtin, SERIAL_CHARS_MAX } from './check-digit.ts';
import {
  CANONICAL_DL_HOST,
  encodeDigitalLinkValue,
  looksLikeDigitalLink,
  splitDigitalLink,
} from './digital-link.ts';
import { parseEpcUrn, looksLikeEpcUrn } from './epc-urn.ts';
import { Gs1Error, quote } from './errors.ts';
import type { Gs1Key } from './key.ts';

export type { Gs1Key } from './key.ts';

export const LOT_CHARS_MAX = 20;
export const GLN_EXTENSION_CHARS_MAX = 20;

/** Parses an EPC URN (sgtin, sscc, sgln, pgln, class:lgtin, idpat:sgtin:CP.IR.*) or a GS1 Digital Link. */
export function parseGs1Key(uri: string): Gs1Key {
  if (typeof uri !== 'string') throw new Gs1Error('gs1.syntax', 'GS1 identifier must be a string');
  if (looksLikeEpcUrn(uri)) return parseEpcUrn(uri);
  if (looksLikeDigitalLink(uri)) return keyFromDigitalLink(uri);
  throw new Gs1Error('gs1.syntax', `not an EPC URN or GS1 Digital Link: ${quote(uri)}`);
}

function keyFromDigitalLink(uri: string): Gs1Key {
  const { path } = splitDigitalLink(uri);
  const [primaryAi, primaryValue] = path[0]!;
  const qualifiers = new Map(path.slice(1));
  switch (primaryAi) {
    case '01': {
      const gtin = normalizeGtin(primaryValue);
      // Serial is the finest level: a lot (10) or CPV (22) next to it does not change the unit.
      const serial = qualifiers.get('21');
      if (serial !== undefined) {
        if (!isValidSerial(serial)) throw new Gs1Error('gs1.syntax', `bad serial (21) in ${quote(uri)}`);
        return { kind: 'sgtin', gtin, serial };
      }
      const lot = qualifiers.get('10');
      if (lot !== undefined) {
        if (!isCset82(lot, LOT_CHARS_MAX)) throw new Gs1Error('gs1.syntax', `bad lot (10) in ${quote(uri)}`);
        return { kind: 'lgtin', gtin, lot };
      }
      return { kind: 'gtin', gtin };
    }
    case '00':
      return { kind: 'sscc', sscc: checkNumericKey(primaryValue, 18, 'SSCC') };
    case '414': {
      const extension = qualifiers.get('254') ?? null;
      if (extension !== null && !isCset82(extension, GLN_EXTENSION_CHARS_MAX)) {
        throw new Gs1Error('gs1.syntax', `bad GLN extension (254) in ${quote(uri)}`);
      }
      return { kind: 'sgln', gln: checkNumericKey(primaryValue, 13, 'GLN'), extension };
    }
    case '417':
      return { kind: 'pgln', gln: checkNumericKey(primaryValue, 13, 'party GLN') };
    default:
      throw new Gs1Error('gs1.unsupported', `GS1 key AI (${primaryAi}) is not supported: ${quote(uri)}`);
  }
}

/** The canonical Digital Link carechain stores for a key; validates the key first. */
export function canonicalKeyUri(key: Gs1Key): string {
  switch (key.kind) {
    case 'sgtin':
      if (!isValidSerial(key.serial)) throw new Gs1Error('gs1.syntax', `bad serial ${quote(key.serial)}`);
      return `${CANONICAL_DL_HOST}/01/${normalizeGtin(key.gtin)}/21/${encodeDigitalLinkValue(key.serial)}`;
    case 'lgtin':
      if (!isCset82(key.lot, LOT_CHARS_MAX)) throw new Gs1Error('gs1.syntax', `bad lot ${quote(key.lot)}`);
      return `${CANONICAL_DL_HOST}/01/${normalizeGtin(key.gtin)}/10/${encodeDigitalLinkValue(key.lot)}`;
    case 'gtin':
      return `${CANONICAL_DL_HOST}/01/${normalizeGtin(key.gtin)}`;
    case 'sscc':
      return `${CANONICAL_DL_HOST}/00/${checkNumericKey(key.sscc, 18, 'SSCC')}`;
    case 'sgln': {
      const gln = checkNumericKey(key.gln, 13, 'GLN');
      if (key.extension === null) return `${CANONICAL_DL_HOST}/414/${gln}`;
      if (!isCset82(key.extension, SERIAL_CHARS_MAX)) {
        throw new Gs1Error('gs1.syntax', `bad GLN extension ${quote(key.extension)}`);
      }
      return `${CANONICAL_DL_HOST}/414/${gln}/254/${encodeDigitalLinkValue(key.extension)}`;
    }
    case 'pgln':
      return `${CANONICAL_DL_HOST}/417/${checkNumericKey(key.gln, 13, 'party GLN')}`;
    default:
      throw new Gs1Error('gs1.unsupported', 'unknown GS1 key kind');
  }
}

/** parseGs1Key then canonicalKeyUri. */
export function canonicalizeEpc(uri: string): string {
  return canonicalKeyUri(parseGs1Key(uri));
}
