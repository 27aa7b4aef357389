// Trend series for charts: each vital sign or lab test measured more than once, oldest first (a chart
// reads left to right in time). Blood pressure is one chart with two lines, systolic and diastolic.
import type { FhirResource } from '../../../../src/contract/fhir.ts';
import { dateOf, timeOf } from './dates.ts';
import { kindOf } from './group.ts';
import { bloodPressureOf, codeOf, conceptText, type Quantity } from './values.ts';
import { humanUnit } from './units.ts';

export interface TrendPoint {
  readonly atMs: number;
  /** One value per line (e.g. { value } or { systolic, diastolic }). */
  readonly values: Readonly<Record<string, number>>;
}

export interface TrendSeries {
  /** The LOINC code (or the label when a record has no code): the chart's stable id. */
  readonly key: string;
  readonly label: string;
  readonly unit: string;
  /** The lines of the chart, by the names used in each point's values. */
  readonly lines: readonly string[];
  readonly kind: 'vitals' | 'labs';
  readonly points: TrendPoint[];
}

/** Every vitals or labs series with at least minPoints dated numeric points, vitals first. */
export function trendSeries(records: readonly FhirResource[], minPoints = 2): TrendSeries[] {
  const byKey = new Map<string, TrendSeries>();
  for (const r of records) {
    const kind = kindOf(r);
    if (kind !== 'vitals' && kind !== 'labs') continue;
    const atMs = timeOf(dateOf(r));
    if (atMs === undefined) continue;
    const label = conceptText(r.code) ?? 'Measurement';
    const key = codeOf(r.code) ?? label;
    const bp = bloodPressureOf(r);
    const q = r.valueQuantity as Quantity | undefined;
    const point: TrendPoint | undefined =
      bp !== undefined
        ? { atMs, values: { systolic: bp.systolic, diastolic: bp.diastolic } }
        : typeof q?.value === 'number' && Number.isFinite(q.value)
          ? { atMs, values: { value: q.value } }
          : undefined;
    if (point === undefined) continue;
    let series = byKey.get(key);
    if (series === undefined) {
      series = {
        key,
        label,
        unit: bp !== undefined ? bp.unit : humanUnit(q?.code ?? q?.unit),
        lines: bp !== undefined ? ['systolic', 'diastolic'] : ['value'],
        kind,
        points: [],
      };
      byKey.set(key, series);
    }
    series.points.push(point);
  }
  const all = [...byKey.values()].filter((s) => s.points.length >= minPoints);
  for (const s of all) s.points.sort((a, b) => a.atMs - b.atMs);
  return all.sort((a, b) =>
    a.kind === b.kind ? a.label.localeCompare(b.label) : a.kind === 'vitals' ? -1 : 1,
  );
}
