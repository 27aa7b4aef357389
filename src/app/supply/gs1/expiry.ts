// GS1 dates YYMMDD (GenSpecs §7.12): the century comes from a sliding window around the current year,
// and day 00 means the last day of the month. The layer is pure, so the current year is an input; the
// default is fixed and only matters for dates about 50 years away from it.
import { Gs1Error, quote } from './errors.ts';

/** Default "current year" for the §7.12 century window when the caller gives none. */
export const GS1_DATE_REFERENCE_YEAR = 2026;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** YYMMDD → YYYY-MM-DD. */
export function gs1DateToIso(yymmdd: string, referenceYear: number = GS1_DATE_REFERENCE_YEAR): string {
  const match = /^(\d\d)(\d\d)(\d\d)$/.exec(yymmdd);
  if (!match) throw new Gs1Error('gs1.syntax', `date must be YYMMDD, got ${quote(yymmdd)}`);
  const yy = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const currentYy = referenceYear % 100;
  let century = referenceYear - currentYy;
  // §7.12: YY 51..99 years ahead of the current year → previous century; 50..99 behind → next one.
  if (yy - currentYy >= 51) century -= 100;
  else if (yy - currentYy <= -50) century += 100;
  const year = century + yy;
  if (month < 1 || month > 12) throw new Gs1Error('gs1.syntax', `bad month in date ${quote(yymmdd)}`);
  const last = daysInMonth(year, month);
  if (day > last) throw new Gs1Error('gs1.syntax', `bad day in date ${quote(yymmdd)}`);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${String(year).padStart(4, '0')}-${pad(month)}-${pad(day === 0 ? last : day)}`;
}
