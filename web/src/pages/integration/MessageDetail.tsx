// One message of the HL7 log: every ACK the node sent for it (an enhanced-mode message's CA, then its
// application ACK), with its ERR, and once final the records it wrote and the tx that made them final,
// linked to the explorer.
import { useEffect, useState } from 'react';
import type { Hl7MessageAnswer } from '../../../../src/contract/hl7.ts';
import { Busy, ErrorBanner, Facts, Link, shortHex, TableHead } from '../../components/ui.tsx';
import { ACK_WORDS, hl7Message, latencyWords, STATUS_WORDS } from '../../lib/hl7.ts';

export function MessageDetail(props: { token: string; id: number }) {
  const [answer, setAnswer] = useState<Hl7MessageAnswer>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    hl7Message(props.token, props.id).then(setAnswer, setError);
  }, [props.token, props.id]);
  const m = answer?.message;
  return (
    <section className="panel" aria-labelledby="hl7-detail-title">
      <h2 id="hl7-detail-title">Message {m?.controlId ?? ''}</h2>
      <Busy label={answer === undefined && error === undefined ? 'Loading the message…' : undefined} />
      <ErrorBanner error={error} />
      {m !== undefined && (
        <>
          <Facts
            rows={[
              ['Sending facility', m.sendingFacility || '—'],
              ['Sending application', m.sendingApplication || '—'],
              ['Type', m.messageType],
              ['Acknowledgement mode', m.mode === 'enhanced' ? 'Enhanced (CA, then AA)' : 'Original'],
              ['Status', STATUS_WORDS[m.status].words],
              ['Received', new Date(m.receivedAtMs).toLocaleString()],
              ['Final', m.finalAtMs === null ? '—' : new Date(m.finalAtMs).toLocaleString()],
              ['Latency to the last ACK', latencyWords(m.acknowledgedAtMs - m.receivedAtMs)],
              ['Records written', m.recordCount === null ? '—' : String(m.recordCount)],
              [
                'Made final by',
                m.txHash === null ? (
                  '—'
                ) : (
                  <>
                    <Link href={`/explorer/tx/${m.txHash}`}>tx {shortHex(m.txHash)}</Link> in block {m.height}
                  </>
                ),
              ],
            ]}
          />
          <table aria-label="Acknowledgements sent">
            <TableHead columns={['Sent', 'ACK', 'Error code', 'Error']} />
            <tbody>
              {answer!.acks.map((a, i) => (
                <tr key={i}>
                  <td>{new Date(a.atMs).toLocaleString()}</td>
                  <td>
                    <code>{a.code}</code> {ACK_WORDS[a.code] ?? ''}
                  </td>
                  <td>{a.errorCode ?? '—'}</td>
                  <td>{a.errorText ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
