// POST /api/v1/verify: a DSCSA verification request, as fields or as a scanned code, to the module's
// VerifyQuery. Bad input is a 400 naming the field; nothing of the input is echoed beyond what the GS1
// library quotes (a short, cut excerpt of an identifier — never PHI).
import { ServiceError } from '../errors.ts';
import { Gs1Error, isValidSerial, normalizeGtin, parseScannedCode } from '../../app/supply/gs1/index.ts';
import { LOT_PATTERN, type VerifyQuery } from '../../app/supply/index.ts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function invalid(message: string, field: string): ServiceError {
  return new ServiceError('verify.invalid', message, { field });
}

function optional(value: unknown, field: string, ok: (v: string) => boolean, shape: string): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || !ok(value)) throw invalid(`${field} must be ${shape}`, field);
  return value;
}

/** From { gtin, serial, lot?, expiry? } or { code } to a query; nowYear sets the GS1 date window. */
export function parseVerifyRequest(body: unknown, nowYear: number): VerifyQuery {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid('send { gtin, serial, lot, expiry } or { code }', 'body');
  }
  const b = body as Record<string, unknown>;
  if (b.code !== undefined) {
    if (typeof b.code !== 'string')
      throw invalid('code must be a GS1 element string or Digital Link', 'code');
    try {
      const pack = parseScannedCode(b.code, { referenceYear: nowYear });
      if (pack.gtin === undefined || pack.serial === undefined) {
        throw invalid('the code carries no GTIN (01) and serial (21): not a serialised pack', 'code');
      }
      return { gtin: pack.gtin, serial: pack.serial, lot: pack.lot ?? null, expiry: pack.expiry ?? null };
    } catch (err) {
      if (err instanceof Gs1Error)
        throw new ServiceError('verify.invalid_code', err.message, { field: 'code' });
      throw err;
    }
  }
  let gtin: string;
  try {
    if (typeof b.gtin !== 'string') throw invalid('gtin is required', 'gtin');
    gtin = normalizeGtin(b.gtin);
  } catch (err) {
    if (err instanceof Gs1Error) throw new ServiceError('verify.invalid', err.message, { field: 'gtin' });
    throw err;
  }
  if (typeof b.serial !== 'string' || !isValidSerial(b.serial)) {
    throw invalid('serial must be 1..20 characters of GS1 CSET 82', 'serial');
  }
  return {
    gtin,
    serial: b.serial,
    lot: optional(b.lot, 'lot', (v) => LOT_PATTERN.test(v), '1..20 characters of GS1 CSET 82'),
    expiry: optional(b.expiry, 'expiry', (v) => DATE.test(v), 'a date YYYY-MM-DD'),
  };
}
