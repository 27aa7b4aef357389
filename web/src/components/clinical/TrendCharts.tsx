// Trend charts of vitals and labs measured more than once (lib/clinical/series.ts), drawn with recharts
// as SVG. Each chart has a text summary (first and latest value) for screen readers, and the points are
// listed in a table under "Show values" for anyone who cannot read a chart.
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { FhirResource } from '../../../../src/contract/fhir.ts';
import { formatNumber } from '../../lib/clinical/values.ts';
import { trendSeries, type TrendSeries } from '../../lib/clinical/series.ts';

const LINE_COLOURS = ['#0b6e6e', '#b54708'];
const shortDate = (ms: number) =>
  new Intl.DateTimeFormat(undefined, { year: '2-digit', month: 'short', day: 'numeric' }).format(ms);
/** A value axis label: at most two decimals, so the axis is sized to labels a person reads. */
const axisNumber = (value: number) => formatNumber(value, 2);
/**
 * The first and last dates are centred on the first and last points; this much room beside them keeps
 * "Mar 15, 26" inside the chart. The value axis is as wide as its longest label (width "auto"): a fixed
 * width cut "38.15" to "8.15".
 */
const DATE_LABEL_HALF_WIDTH = 36;

export function TrendCharts(props: { records: readonly FhirResource[] }) {
  const series = trendSeries(props.records);
  if (series.length === 0) return null;
  return (
    <section aria-labelledby="trends-title" className="trends">
      <h3 id="trends-title">Trends</h3>
      {series.map((s) => (
        <TrendChart key={s.key} series={s} />
      ))}
    </section>
  );
}

function valueWords(s: TrendSeries, values: Readonly<Record<string, number>>): string {
  const text =
    s.lines.length === 2
      ? `${formatNumber(values[s.lines[0]!]!, 0)}/${formatNumber(values[s.lines[1]!]!, 0)}`
      : formatNumber(values.value!, 1);
  return `${text}${s.unit === '' ? '' : ` ${s.unit}`}`;
}

/** One series' chart; `at` formats its times (dates by default; clock times for a device's readings). */
export function TrendChart(props: { series: TrendSeries; at?: (ms: number) => string }) {
  const s = props.series;
  const at = props.at ?? shortDate;
  const first = s.points[0]!;
  const last = s.points[s.points.length - 1]!;
  const data = s.points.map((p) => ({ atMs: p.atMs, ...p.values }));
  const summary = `${s.label}: ${s.points.length} measurements, from ${valueWords(s, first.values)} on ${at(first.atMs)} to ${valueWords(s, last.values)} on ${at(last.atMs)}.`;
  return (
    <figure className="trend" data-series={s.key}>
      <figcaption>
        <strong>{s.label}</strong>
        {s.unit === '' ? '' : ` (${s.unit})`}
        <span className="sr-only"> {summary}</span>
      </figcaption>
      <div className="trend-chart" aria-hidden="true">
        <ResponsiveContainer width="100%" height={200}>
          <LineChart
            accessibilityLayer={false}
            data={data}
            margin={{ top: 8, right: 16, bottom: 4, left: 0 }}
          >
            <CartesianGrid stroke="#d8dde6" strokeDasharray="3 3" />
            <XAxis
              dataKey="atMs"
              type="number"
              scale="time"
              domain={['dataMin', 'dataMax']}
              tickFormatter={at}
              padding={{ left: DATE_LABEL_HALF_WIDTH, right: DATE_LABEL_HALF_WIDTH }}
            />
            <YAxis domain={['auto', 'auto']} width="auto" tickFormatter={axisNumber} />
            <Tooltip labelFormatter={(ms) => at(Number(ms))} />
            {s.lines.length > 1 && <Legend />}
            {s.lines.map((line, i) => (
              <Line
                key={line}
                dataKey={line}
                name={line === 'value' ? s.label : line}
                stroke={LINE_COLOURS[i % LINE_COLOURS.length]}
                dot={{ r: 3 }}
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
      <details>
        <summary>Show values</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Value</th>
            </tr>
          </thead>
          <tbody>
            {[...s.points].reverse().map((p, i) => (
              <tr key={`${p.atMs}/${i}`}>
                <td>{at(p.atMs)}</td>
                <td>{valueWords(s, p.values)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
