// Dates and times of EPCIS events, parsed exactly and without a clock: an eventTime is an xsd:dateTime
// with an offset (EPCIS 2.0 §7.3.1 requires one), an expiry an xsd:date (GS1 AI (17) as YYYY-MM-DD).
// Date.parse is not used: its handling of anything beyond the ECMAScript date-time format (EPCIS
// examples carry microseconds, "2005-04-03T20:33:31.116000-06:00") is implementation-defined.

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-](\d{2}):(\d{2}))$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

function validDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= days;
}

/** Milliseconds since the epoch of an xsd:dateTime with offset, or undefined when it is not one. */
export function parseDateTimeMs(text: string): number | undefined {
  const m = DATE_TIME.exec(text);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number, number, number, number, number, number,
  ]; // prettier-ignore
  if (!validDay(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = Math.trunc(Number(`0.${m[7] ?? '0'}`) * 1000);
  let offsetMin = 0;
  if (m[8] !== 'Z') {
    const sign = m[8]!.startsWith('-') ? -1 : 1;
    const oh = Number(m[9]);
    const om = Number(m[10]);
    if (oh > 14 || om > 59) return undefined;
    offsetMin = sign * (oh * 60 + om);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMin * 60_000;
}

/** True when text is a real calendar date YYYY-MM-DD. */
export function isDate(text: string): boolean {
  const m = DATE.exec(text);
  return m !== null && validDay(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** The first millisecond after the expiry day (UTC): a pack is good through its whole expiry date. */
export function expiryEndMs(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) + MS_PER_DAY;
}
