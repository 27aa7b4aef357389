// This payer's prior-authorisation figures (CMS-0057-F), computed from the chain alone, as the public
// metrics route computes them for every member insurer: rates as bars, decision times in words.
import type { PayerMetrics } from '../../../../src/app/claims/metrics.ts';
import { Facts } from '../../components/ui.tsx';
import { durationWords, percentWords } from '../../lib/claims.ts';

function Bar(props: { label: string; basisPoints: number | null }) {
  const value = props.basisPoints ?? 0;
  return (
    <div className="bar-row">
      <span>{props.label}</span>
      <meter min={0} max={10_000} value={value} aria-label={props.label}>
        {percentWords(props.basisPoints)}
      </meter>
      <span>{percentWords(props.basisPoints)}</span>
    </div>
  );
}

export function PayerMetricsPanel(props: { metrics: PayerMetrics | null }) {
  const m = props.metrics;
  return (
    <section className="panel" aria-labelledby="metrics-title">
      <h2 id="metrics-title">Published figures</h2>
      {m === null ? (
        <p>No prior-authorisation figures yet.</p>
      ) : (
        <>
          <Facts
            rows={[
              ['Requests', String(m.requests)],
              ['Decided', String(m.decided)],
              ['Overdue, undecided', String(m.overdue)],
              ['Mean decision time', m.meanDecisionMs === null ? '—' : durationWords(m.meanDecisionMs)],
              ['Median decision time', m.medianDecisionMs === null ? '—' : durationWords(m.medianDecisionMs)],
            ]}
          />
          <div role="group" aria-label="Rates">
            <Bar label="Approved" basisPoints={m.approvalRateBasisPoints} />
            <Bar label="Denied" basisPoints={m.denialRateBasisPoints} />
            <Bar label="Within the deadline" basisPoints={m.withinDeadlineBasisPoints} />
          </div>
        </>
      )}
    </section>
  );
}
