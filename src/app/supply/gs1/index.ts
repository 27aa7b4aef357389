// GS1 identifiers for the supply chain: check digits, GTIN/serial syntax, EPC URNs and GS1 Digital Links
// to one canonical key URI, and scanned pack codes (element strings, Digital Links). Pure.
export { Gs1Error, INPUT_ECHO_CHARS_MAX } from './errors.ts';
export { gs1CheckDigit, isValidGtin, normalizeGtin, isValidSerial } from './check-digit.ts';
export { type Gs1Key, parseGs1Key, canonicalKeyUri, canonicalizeEpc } from './keys.ts';
export { type ScannedPack, type ScanOptions, parseElementString } from './element-string.ts';
export { parseDigitalLink, parseScannedCode } from './scanned.ts';
export { gs1DateToIso, GS1_DATE_REFERENCE_YEAR } from './expiry.ts';
