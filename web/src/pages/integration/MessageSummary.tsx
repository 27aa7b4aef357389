// Per status: how many messages, and the latency from arrival to the last ACK (median and 99th
// percentile over the status's latest messages, as the node computes them).
import type { Hl7StatusSummary } from '../../../../src/contract/hl7.ts';
import { TableHead } from '../../components/ui.tsx';
import { latencyWords, STATUS_WORDS } from '../../lib/hl7.ts';

export function MessageSummary(props: { summary: readonly Hl7StatusSummary[] }) {
  return (
    <section className="panel" aria-labelledby="hl7-summary-title">
      <h2 id="hl7-summary-title">Summary</h2>
      <table aria-label="Messages by status">
        <TableHead columns={['Status', 'Messages', 'Median latency', '99th percentile']} />
        <tbody>
          {props.summary.map((s) => (
            <tr key={s.status} data-status={s.status}>
              <td>{STATUS_WORDS[s.status].words}</td>
              <td>{s.count}</td>
              <td>{latencyWords(s.p50Ms)}</td>
              <td>{latencyWords(s.p99Ms)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
