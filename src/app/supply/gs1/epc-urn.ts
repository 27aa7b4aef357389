// EPC Pure Identity URIs (GS1 EPC Tag Data Standard 2.1 §6.3, §6.4, §8): urn:epc:id:sgtin, sscc, sgln,
// pgln, urn:epc:class:lgtin and the urn:epc:idpat:sgtin pattern of a whole GTIN. The company prefix
// (6..12 digits) is only a split point: the GS1 key is rebuilt with its check digit.
import { gs1CheckDigit, isCset82, isValidSerial, SERIAL_CHARS_MAX } from './check-digit.ts';
import { Gs1Error, quote } from './errors.ts';
import type { Gs1Key } from './key.ts';

export function looksLikeEpcUrn(input: string): boolean {
  return /^urn:epc:/i.test(input);
}

/** Digits `a.b` whose lengths add to `total`, with a 6..12-digit company prefix (TDS §6.3.1). */
function prefixed(a: string | undefined, b: string | undefined, total: number): boolean {
  return (
    a !== undefined &&
    b !== undefined &&
    /^\d{6,12}$/.test(a) &&
    /^\d*$/.test(b) &&
    a.length + b.length === total
  );
}

/** TDS §5 escaping: characters of CSET 82 that are not URN characters appear as %HH. */
function unescapeComponent(text: string, uri: string, what: string): string {
  if (!/^(?:[!'()*+,\-.0-9:;=A-Za-z_]|%[0-9A-Fa-f]{2})+$/.test(text)) {
    throw new Gs1Error('gs1.syntax', `bad ${what} in EPC URI ${quote(uri)}`);
  }
  const value = text.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) =>
    String.fromCharCode(parseInt(hex, 16)),
  );
  if (!isCset82(value, SERIAL_CHARS_MAX))
    throw new Gs1Error('gs1.syntax', `bad ${what} in EPC URI ${quote(uri)}`);
  return value;
}

/** GTIN-14 from company prefix and indicator+item reference: the indicator digit moves to the front. */
function gtinFrom(companyPrefix: string, indicatorItemRef: string): string {
  const body = indicatorItemRef.slice(0, 1) + companyPrefix + indicatorItemRef.slice(1);
  return body + String(gs1CheckDigit(body));
}

function withCheck(body: string): string {
  return body + String(gs1CheckDigit(body));
}

export function parseEpcUrn(uri: string): Gs1Key {
  const match = /^urn:epc:(id|class|idpat):([a-z0-9]+):(.*)$/.exec(uri);
  if (!match) throw new Gs1Error('gs1.syntax', `not an EPC URI: ${quote(uri)}`);
  const [, family, scheme, body] = match as unknown as [string, string, string, string];
  const parts = body.split('.');
  const [a, b, c] = parts;
  const bad = (what: string): Gs1Error => new Gs1Error('gs1.syntax', `bad ${what} in EPC URI ${quote(uri)}`);
  switch (`${family}:${scheme}`) {
    case 'id:sgtin': {
      if (parts.length < 3 || !prefixed(a, b, 13)) throw bad('company prefix or item reference');
      const serial = unescapeComponent(parts.slice(2).join('.'), uri, 'serial');
      if (!isValidSerial(serial)) throw bad('serial');
      return { kind: 'sgtin', gtin: gtinFrom(a!, b!), serial };
    }
    case 'class:lgtin': {
      if (parts.length < 3 || !prefixed(a, b, 13)) throw bad('company prefix or item reference');
      return {
        kind: 'lgtin',
        gtin: gtinFrom(a!, b!),
        lot: unescapeComponent(parts.slice(2).join('.'), uri, 'lot'),
      };
    }
    case 'idpat:sgtin': {
      if (parts.length !== 3 || !prefixed(a, b, 13) || c !== '*') {
        throw new Gs1Error(
          'gs1.unsupported',
          `only whole-GTIN sgtin patterns (CP.IR.*) are supported: ${quote(uri)}`,
        );
      }
      return { kind: 'gtin', gtin: gtinFrom(a!, b!) };
    }
    case 'id:sscc': {
      if (parts.length !== 2 || !prefixed(a, b, 17)) throw bad('company prefix or serial reference');
      // The extension digit leads the serial reference and moves to the front of the SSCC (TDS §6.3.2).
      return { kind: 'sscc', sscc: withCheck(b!.slice(0, 1) + a! + b!.slice(1)) };
    }
    case 'id:sgln': {
      if (parts.length < 3 || !prefixed(a, b, 12)) throw bad('company prefix or location reference');
      const extension = unescapeComponent(parts.slice(2).join('.'), uri, 'extension');
      // Extension "0" means "no extension" (TDS §6.3.3).
      return { kind: 'sgln', gln: withCheck(a! + b!), extension: extension === '0' ? null : extension };
    }
    case 'id:pgln': {
      if (parts.length !== 2 || !prefixed(a, b, 12)) throw bad('company prefix or party reference');
      return { kind: 'pgln', gln: withCheck(a! + b!) };
    }
    default:
      throw new Gs1Error('gs1.unsupported', `EPC scheme ${family}:${scheme} is not supported: ${quote(uri)}`);
  }
}
