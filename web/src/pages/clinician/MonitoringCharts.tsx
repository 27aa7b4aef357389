// One monitored patient's charts on the dashboard, drawn with the clinical record's trend chart
// (recharts, SVG, a text summary and a table of values for anyone who cannot read a chart): the device's
// readings of the last day, one chart per kind of measurement, and the NEWS2 scores of the escalations
// opened for the patient. Opening the readings is a read of health data: the node logs it on chain before
// it answers.
import { useEffect, useState } from 'react';
import { TrendChart } from '../../components/clinical/TrendCharts.tsx';
import { Busy, ErrorBanner } from '../../components/ui.tsx';
import type { TrendSeries } from '../../lib/clinical/series.ts';
import { deviceReadings, MDC_WORDS, type Escalation, type ReadingPoint } from '../../lib/monitoring.ts';

const DAY_MS = 86_400_000;
const clock = (ms: number) => new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' }).format(ms);

function seriesOf(key: string, label: string, unit: string, points: readonly ReadingPoint[]): TrendSeries {
  const trend = points.map(({ atMs, value }) => ({ atMs, values: { value } }));
  return { key, label, unit, lines: ['value'], kind: 'vitals', points: trend };
}

export function DeviceCharts(props: { token: string; systemId: string; escalations: readonly Escalation[] }) {
  const [readings, setReadings] = useState<Map<string, ReadingPoint[]>>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    deviceReadings(props.token, props.systemId, Date.now() - DAY_MS).then(setReadings, setError);
  }, [props.token, props.systemId]);
  const charts = [...(readings ?? [])].map(([code, points]) =>
    seriesOf(code, MDC_WORDS[code]?.label ?? `Measurement ${code}`, MDC_WORDS[code]?.unit ?? '', points),
  );
  const news2 = [...props.escalations]
    .sort((a, b) => a.openedAtMs - b.openedAtMs)
    .map((e) => ({ atMs: e.openedAtMs, value: e.score }));
  return (
    <section aria-labelledby="vitals-title" className="trends">
      <h3 id="vitals-title">
        Vitals from device <code>{props.systemId}</code>
      </h3>
      <Busy label={readings === undefined && error === undefined ? 'Opening the readings…' : undefined} />
      <ErrorBanner error={error} />
      {readings !== undefined && readings.size === 0 && <p>No readings in the last day.</p>}
      {charts.map((s) => (
        <TrendChart key={s.key} series={s} at={clock} />
      ))}
      {news2.length === 0 ? (
        <p>No NEWS2 escalation for this patient.</p>
      ) : (
        <TrendChart series={seriesOf('news2', 'NEWS2 score at each escalation', '', news2)} at={clock} />
      )}
    </section>
  );
}
