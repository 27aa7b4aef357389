// UCUM units as people read them. FHIR Quantities carry a UCUM code (unitsofmeasure.org), written for
// machines: "Cel", "mm[Hg]", "10*3/uL", "{score}". The table covers what vitals and common labs use; any
// other code is shown with UCUM's notation made readable (annotations in braces dropped, "10*n" as a power
// of ten, "u" as micro), never as raw syntax.

const HUMAN_UNITS: Record<string, string> = {
  Cel: '°C',
  '[degF]': '°F',
  'mm[Hg]': 'mmHg',
  '/min': '/min',
  '{beats}/min': 'beats/min',
  '{breaths}/min': 'breaths/min',
  '%': '%',
  kg: 'kg',
  g: 'g',
  '[lb_av]': 'lb',
  cm: 'cm',
  m: 'm',
  '[in_i]': 'in',
  'kg/m2': 'kg/m²',
  m2: 'm²',
  '{score}': '',
  '1': '',
  'mL/min/{1.73_m2}': 'mL/min/1.73 m²',
  fL: 'fL',
  pg: 'pg',
  'g/dL': 'g/dL',
  'mg/dL': 'mg/dL',
  'mmol/L': 'mmol/L',
  'umol/L': 'µmol/L',
  'U/L': 'U/L',
  'ng/mL': 'ng/mL',
};

const SUPERSCRIPT: Record<string, string> = {
  '0': '⁰',
  '1': '¹',
  '2': '²',
  '3': '³',
  '4': '⁴',
  '5': '⁵',
  '6': '⁶',
  '7': '⁷',
  '8': '⁸',
  '9': '⁹',
  '-': '⁻',
};

const superscript = (digits: string): string => [...digits].map((d) => SUPERSCRIPT[d] ?? d).join('');

/** A UCUM code (or a free-text unit) in human form; '' for dimensionless scores and counts. */
export function humanUnit(unit: string | undefined): string {
  if (unit === undefined) return '';
  const known = HUMAN_UNITS[unit];
  if (known !== undefined) return known;
  return unit
    .replace(/\{[^}]*\}/g, '') // annotations ({score}, {cells}) say what is counted, not a unit
    .replace(/10\*(-?\d+)/g, (_, power: string) => `×10${superscript(power)}`)
    .replace(/(^|[^a-zA-Z])u(?=[a-zA-Z])/g, '$1µ') // UCUM writes micro as "u": uL → µL
    .replace(/([a-zA-Z])([23])\b/g, (_, letter: string, power: string) => `${letter}${superscript(power)}`)
    .replace(/\[([^\]]*)\]/g, '$1')
    .trim();
}
