// GS1 check digits and the syntax of the keys and attributes carechain handles.
// GS1 General Specifications §7.9.1 (standard check digit), §3.2 (GTIN formats), §7.11 (CSET 82).
import { Gs1Error, quote } from './errors.ts';

/** Mod-10 check digit: weights 3,1,3,1… from the rightmost digit before the check digit (GenSpecs §7.9.1). */
export function gs1CheckDigit(digitsWithoutCheck: string): number {
  if (!/^\d+$/.test(digitsWithoutCheck)) {
    throw new Gs1Error('gs1.syntax', `check digit input must be digits, got ${quote(digitsWithoutCheck)}`);
  }
  let sum = 0;
  for (let i = 0; i < digitsWithoutCheck.length; i++) {
    const digit = digitsWithoutCheck.charCodeAt(digitsWithoutCheck.length - 1 - i) - 48;
    sum += i % 2 === 0 ? digit * 3 : digit;
  }
  return (10 - (sum % 10)) % 10;
}

/** True when the last digit of a numeric key is its correct check digit. */
export function hasValidCheckDigit(key: string): boolean {
  return /^\d{2,}$/.test(key) && gs1CheckDigit(key.slice(0, -1)) === Number(key.slice(-1));
}

const GTIN_PATTERN = /^(?:\d{8}|\d{12,14})$/;

/** GTIN-8, -12, -13 or -14 with a correct check digit. */
export function isValidGtin(gtin: string): boolean {
  return GTIN_PATTERN.test(gtin) && hasValidCheckDigit(gtin);
}

/** The GTIN-14 form (left-padded with zeros) that carechain stores; throws Gs1Error if invalid. */
export function normalizeGtin(gtin: string): string {
  if (!GTIN_PATTERN.test(gtin)) {
    throw new Gs1Error('gs1.syntax', `GTIN must have 8, 12, 13 or 14 digits, got ${quote(gtin)}`);
  }
  if (!hasValidCheckDigit(gtin)) {
    throw new Gs1Error('gs1.check_digit', `GTIN check digit is wrong in ${quote(gtin)}`);
  }
  return gtin.padStart(14, '0');
}

/** GS1 AI encodable character set 82 (GenSpecs Figure 7.11-1): ! " % & ' ( ) * + , - . / 0-9 : ; < = > ? A-Z _ a-z. */
const CSET82 = /^[!"%-?A-Z_a-z]*$/;
export const SERIAL_CHARS_MAX = 20;

/** Text of 1..maxChars characters from CSET 82, e.g. AI (21) serial, AI (10) lot, AI (254) extension. */
export function isCset82(value: string, maxChars: number): boolean {
  return value.length >= 1 && value.length <= maxChars && CSET82.test(value);
}

/** AI (21) serial number: 1..20 characters of CSET 82. */
export function isValidSerial(serial: string): boolean {
  return isCset82(serial, SERIAL_CHARS_MAX);
}

/** A GS1 key of `length` digits (GLN 13, SSCC 18) with a correct check digit, or a Gs1Error naming `what`. */
export function checkNumericKey(value: string, length: number, what: string): string {
  if (value.length !== length || !/^\d+$/.test(value)) {
    throw new Gs1Error('gs1.syntax', `${what} must have ${length} digits, got ${quote(value)}`);
  }
  if (!hasValidCheckDigit(value))
    throw new Gs1Error('gs1.check_digit', `${what} check digit is wrong in ${quote(value)}`);
  return value;
}
