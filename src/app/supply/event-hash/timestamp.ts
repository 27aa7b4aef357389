// Timestamps in the pre-hash string (CBV 2.0 §8.9 rules 8 and 9): UTC with "Z" and exactly three decimal
// places; more places are rounded half up at the third ("…03.1415Z" → "…03.142Z").

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;

/** The normalised timestamp, or undefined when the text is not an ISO 8601 date-time. */
export function normaliseTimestamp(text: string): string | undefined {
  const match = TIMESTAMP.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction, , sign, offsetHours, offsetMinutes] = match;
  const fields = [month, day, hour, minute, second ?? '0', offsetHours ?? '0', offsetMinutes ?? '0'].map(
    Number,
  );
  const [mo, d, h, mi, s, oh, om] = fields as [number, number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59 || oh > 23 || om > 59)
    return undefined;
  const digits = (fraction ?? '').padEnd(4, '0');
  let millis = Number(digits.slice(0, 3));
  if (Number(digits[3]) >= 5) millis += 1;
  // A time without offset is taken as UTC: EPCIS requires an offset, and a guess of the local zone would
  // make the hash depend on the machine.
  const offset = sign === undefined ? 0 : (sign === '-' ? -1 : 1) * (oh * 60 + om);
  const utc = Date.UTC(Number(year), mo - 1, d, h, mi, s) + millis - offset * 60_000;
  if (!Number.isFinite(utc)) return undefined;
  const iso = new Date(utc).toISOString();
  return /^\d{4}-/.test(iso) ? iso : undefined;
}
