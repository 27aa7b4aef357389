// The clinician's remote-monitoring dashboard (issue 18): the organisation's open NEWS2 escalations with
// their response clocks and a one-click acknowledgement signed with the clinician's own key, then the
// monitored patients (the organisation's devices and whom each is bound to) with each one's vitals and
// NEWS2 trend. Alerts arrive live from the node's stream; the lists are committed state, so what the
// screen shows after an acknowledgement is what the chain holds.
import { useCallback, useEffect, useState } from 'react';
import { Busy, ErrorBanner, shortHex, useAction } from '../../components/ui.tsx';
import {
  acknowledge,
  listDevices,
  listEscalations,
  useAlerts,
  type DeviceSummary,
  type Escalation,
} from '../../lib/monitoring.ts';
import { useSession } from '../../lib/session.tsx';
import { DeviceCharts } from './MonitoringCharts.tsx';

const MINUTE_MS = 60_000;
const RISK_WORDS = { high: 'High risk', medium: 'Medium risk' } as const;
const time = (ms: number) => new Intl.DateTimeFormat(undefined, { timeStyle: 'short' }).format(ms);
const minutes = (ms: number) => `${Math.max(0, Math.round(ms / MINUTE_MS))} min`;

export function MonitoringDashboard() {
  const { current } = useSession();
  const token = current?.session.token;
  const [devices, setDevices] = useState<readonly DeviceSummary[]>();
  const [escalations, setEscalations] = useState<readonly Escalation[]>([]);
  const [selected, setSelected] = useState<string>();
  const [loadError, setLoadError] = useState<unknown>();
  const refresh = useCallback(() => {
    if (token === undefined) return;
    Promise.all([listDevices(token), listEscalations(token)]).then(([d, e]) => {
      setDevices(d.items);
      setEscalations(e.items);
      setLoadError(undefined);
    }, setLoadError);
  }, [token]);
  useEffect(refresh, [refresh]);
  useAlerts(token, refresh);
  if (current === undefined) return null;
  const open = escalations.filter((e) => e.ackedAtMs === null);
  const acked = escalations.filter((e) => e.ackedAtMs !== null).slice(0, 5);
  const monitored = (devices ?? []).filter((d) => d.patient !== null);
  return (
    <section className="panel" aria-labelledby="monitoring-title">
      <h2 id="monitoring-title">Remote monitoring</h2>
      <ErrorBanner error={loadError} />
      <h3>Open escalations</h3>
      {open.length === 0 ? (
        <p>No open escalations.</p>
      ) : (
        <ul className="escalations">
          {open.map((e) => (
            <OpenEscalation key={e.escalationId} escalation={e} seed={current.seed} onDone={refresh} />
          ))}
        </ul>
      )}
      {acked.length > 0 && (
        <>
          <h3>Recently acknowledged</h3>
          <ul className="escalations">
            {acked.map((e) => (
              <li key={e.escalationId}>
                {RISK_WORDS[e.risk]} (NEWS2 {e.score}) for patient <code>{shortHex(e.patient)}</code>:
                acknowledged after {minutes(e.responseMs ?? 0)}
                {e.late === true ? ', later than the response was due' : ', in time'}.
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>Monitored patients</h3>
      {devices === undefined && loadError === undefined && <Busy label="Loading your devices…" />}
      {devices !== undefined && monitored.length === 0 && <p>No device of yours is linked to a patient.</p>}
      {monitored.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Patient</th>
              <th scope="col">Device</th>
              <th scope="col">Last data</th>
              <th scope="col">Latest NEWS2</th>
              <th scope="col">
                <span className="sr-only">Vitals</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {monitored.map((d) => {
              const latest = escalations.find((e) => e.systemId === d.systemId);
              return (
                <tr key={d.systemId}>
                  <td>
                    <code>{shortHex(d.patient!)}</code>
                  </td>
                  <td>
                    <code>{d.systemId}</code>
                  </td>
                  <td>{d.lastPeriodStartMs === null ? 'none yet' : time(d.lastPeriodStartMs)}</td>
                  <td>{latest === undefined ? '—' : `${latest.score} (${latest.risk})`}</td>
                  <td>
                    <button type="button" className="secondary" onClick={() => setSelected(d.systemId)}>
                      Show vitals
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {selected !== undefined && token !== undefined && (
        <DeviceCharts
          key={selected}
          token={token}
          systemId={selected}
          escalations={escalations.filter((e) => e.systemId === selected)}
        />
      )}
    </section>
  );
}

function OpenEscalation(props: { escalation: Escalation; seed: Uint8Array; onDone: () => void }) {
  const e = props.escalation;
  const [busy, error, run] = useAction();
  const dueIn = e.dueAtMs - Date.now();
  const clock = dueIn >= 0 ? `response due in ${minutes(dueIn)}` : `response overdue by ${minutes(-dueIn)}`;
  const ack = () =>
    void run('Acknowledging — waiting for the network to commit it…', async () => {
      await acknowledge(props.seed, e.escalationId);
      props.onDone();
    });
  return (
    <li className="escalation" data-risk={e.risk}>
      <strong>{RISK_WORDS[e.risk]}</strong> (NEWS2 {e.score}) for patient <code>{shortHex(e.patient)}</code>{' '}
      on device <code>{e.systemId}</code>, opened {time(e.openedAtMs)}; {clock}.{' '}
      <button type="button" onClick={ack} disabled={busy !== undefined}>
        Acknowledge
      </button>
      <Busy label={busy} />
      <ErrorBanner error={error} />
    </li>
  );
}
