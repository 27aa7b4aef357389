// GS1 element strings as scanned from a DataMatrix / GS1-128 / QR pack code (GenSpecs §3, §7.8): the
// human-readable form "(01)…(17)…(10)…(21)…", or the raw form where predefined-length AIs run on and
// variable-length ones end at FNC1 (transmitted as ASCII GS, 0x1d) or at the end of the data.
import { checkNumericKey, isCset82, normalizeGtin } from './check-digit.ts';
import { Gs1Error, quote } from './errors.ts';
import { gs1DateToIso } from './expiry.ts';

export interface ScannedPack {
  gtin?: string;
  serial?: string;
  lot?: string;
  expiry?: string;
  sscc?: string;
}

export interface ScanOptions {
  /** The "current year" of the GenSpecs §7.12 century window for YYMMDD dates. */
  readonly referenceYear?: number;
}

export const ELEMENT_STRING_CHARS_MAX = 512;
const GS = '\x1d';

interface AiSpec {
  /** Predefined length of the value, or undefined for a variable length up to `max`. */
  readonly fixed?: number;
  readonly max: number;
  readonly numeric: boolean;
}

const fixed = (length: number): AiSpec => ({ fixed: length, max: length, numeric: true });
const variable = (max: number, numeric = false): AiSpec => ({ max, numeric });

/**
 * The AIs met on pharmaceutical and logistic labels (GenSpecs §3.2). The table is prefix-free like the AI
 * system itself, so the raw form is split by trying 2-, 3- then 4-digit AIs.
 */
const AI_SPECS: Readonly<Record<string, AiSpec>> = {
  '00': fixed(18),
  '01': fixed(14),
  '02': fixed(14),
  '10': variable(20),
  '11': fixed(6),
  '12': fixed(6),
  '13': fixed(6),
  '15': fixed(6),
  '16': fixed(6),
  '17': fixed(6),
  '20': fixed(2),
  '21': variable(20),
  '22': variable(20),
  '30': variable(8, true),
  '37': variable(8, true),
  '240': variable(30),
  '241': variable(30),
  '250': variable(30),
  '251': variable(30),
  '253': variable(30),
  '254': variable(20),
  '400': variable(30),
  '401': variable(30),
  '410': fixed(13),
  '411': fixed(13),
  '412': fixed(13),
  '413': fixed(13),
  '414': fixed(13),
  '415': fixed(13),
  '416': fixed(13),
  '417': fixed(13),
  '422': fixed(3),
  '7003': fixed(10),
  '710': variable(20),
  '711': variable(20),
  '712': variable(20),
  '713': variable(20),
  '714': variable(20),
  '715': variable(20),
  '8004': variable(30),
  '90': variable(30),
};

function specOf(ai: string): AiSpec | undefined {
  if (/^3[1-6]\d[0-9]$/.test(ai)) return fixed(6); // trade measures (GenSpecs §3.6), decimal point in digit 4
  if (/^9[1-9]$/.test(ai)) return variable(90); // company internal information
  return AI_SPECS[ai];
}

/** Parses either form of element string; the GTIN (01) and SSCC (00) check digits are verified. */
export function parseElementString(input: string, options: ScanOptions = {}): ScannedPack {
  if (typeof input !== 'string' || input.length === 0)
    throw new Gs1Error('gs1.syntax', 'empty element string');
  if (input.length > ELEMENT_STRING_CHARS_MAX) {
    throw new Gs1Error('gs1.syntax', `element string longer than ${ELEMENT_STRING_CHARS_MAX} characters`);
  }
  const data = stripSymbologyIdentifier(input);
  const pairs = data.startsWith('(') ? splitBracketed(data, input) : splitRaw(data, input);
  return toPack(pairs, input, options);
}

/** AIM symbology identifiers that announce GS1 data: DataMatrix ]d2, GS1-128 ]C1, QR ]Q3, DataBar ]e0. */
function stripSymbologyIdentifier(input: string): string {
  if (!input.startsWith(']')) return input;
  const id = input.slice(0, 3);
  if (![']d2', ']C1', ']Q3', ']e0'].includes(id)) {
    throw new Gs1Error('gs1.syntax', `symbology identifier ${quote(id)} does not announce GS1 data`);
  }
  return input.slice(3);
}

type Pair = readonly [ai: string, value: string];

function splitBracketed(data: string, input: string): Pair[] {
  const pairs: Pair[] = [];
  const pattern = /\((\d{2,4})\)([^()]*)/y;
  let offset = 0;
  while (offset < data.length) {
    pattern.lastIndex = offset;
    const match = pattern.exec(data);
    if (!match)
      throw new Gs1Error('gs1.syntax', `expected "(AI)value" at position ${offset} of ${quote(input)}`);
    const ai = match[1]!;
    const spec = specOf(ai);
    if (!spec) throw new Gs1Error('gs1.unsupported', `AI (${ai}) is not supported in ${quote(input)}`);
    pairs.push([ai, checkValue(ai, spec, match[2]!, input)]);
    offset = pattern.lastIndex;
  }
  return pairs;
}

function splitRaw(data: string, input: string): Pair[] {
  const pairs: Pair[] = [];
  let offset = 0;
  while (offset < data.length) {
    if (data[offset] === GS) {
      offset++; // a leading or doubled FNC1 carries nothing
      continue;
    }
    let ai: string | undefined;
    let spec: AiSpec | undefined;
    for (const length of [2, 3, 4]) {
      const candidate = data.slice(offset, offset + length);
      const found = /^\d+$/.test(candidate) && candidate.length === length ? specOf(candidate) : undefined;
      if (found) {
        ai = candidate;
        spec = found;
        break;
      }
    }
    if (!ai || !spec) {
      throw new Gs1Error(
        'gs1.unsupported',
        `unknown or unsupported AI at position ${offset} of ${quote(input)}`,
      );
    }
    offset += ai.length;
    let end: number;
    if (spec.fixed !== undefined) {
      end = offset + spec.fixed;
    } else {
      const separator = data.indexOf(GS, offset);
      end = separator < 0 ? data.length : separator;
    }
    pairs.push([ai, checkValue(ai, spec, data.slice(offset, end), input)]);
    offset = end;
  }
  return pairs;
}

function checkValue(ai: string, spec: AiSpec, value: string, input: string): string {
  const lengthOk =
    spec.fixed !== undefined ? value.length === spec.fixed : value.length >= 1 && value.length <= spec.max;
  const charsOk = spec.numeric ? /^\d*$/.test(value) : isCset82(value, spec.max);
  if (!lengthOk || !charsOk) {
    const expected = spec.fixed !== undefined ? `${spec.fixed} digits` : `1..${spec.max} characters`;
    throw new Gs1Error('gs1.syntax', `AI (${ai}) needs ${expected} in ${quote(input)}`);
  }
  return value;
}

function toPack(pairs: readonly Pair[], input: string, options: ScanOptions): ScannedPack {
  const seen = new Map<string, string>();
  for (const [ai, value] of pairs) {
    const before = seen.get(ai);
    if (before !== undefined && before !== value) {
      throw new Gs1Error('gs1.syntax', `AI (${ai}) appears twice with different values in ${quote(input)}`);
    }
    seen.set(ai, value);
  }
  if (seen.size === 0) throw new Gs1Error('gs1.syntax', `no GS1 data in ${quote(input)}`);
  return packFromAis(seen, options);
}

/** The ScannedPack fields from AI values (shared with the Digital Link parser). */
export function packFromAis(ais: ReadonlyMap<string, string>, options: ScanOptions): ScannedPack {
  const pack: ScannedPack = {};
  const gtin = ais.get('01');
  if (gtin !== undefined) pack.gtin = normalizeGtin(gtin);
  const serial = ais.get('21');
  if (serial !== undefined) pack.serial = serial;
  const lot = ais.get('10');
  if (lot !== undefined) pack.lot = lot;
  const expiry = ais.get('17');
  if (expiry !== undefined) pack.expiry = gs1DateToIso(expiry, options.referenceYear);
  const sscc = ais.get('00');
  if (sscc !== undefined) pack.sscc = checkNumericKey(sscc, 18, 'SSCC');
  const contained = ais.get('02');
  if (contained !== undefined) normalizeGtin(contained);
  return pack;
}
