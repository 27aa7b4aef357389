// The manufacturer's and distributor's console: commission a lot, ship it to a trading partner (by the
// partner's GLN), receive what was shipped to you, recall a lot, and see the alerts addressed to you.
// Each action is an EPCIS 2.0 capture (or a supply API call) the node signs for this organisation.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Alert } from '../../../../src/app/supply/types.ts';
import { ConfirmButton } from '../../components/confirm.tsx';
import { Field } from '../../components/form.tsx';
import { Busy, ErrorBanner, Notice, shortHex, SubmitButton, useAction } from '../../components/ui.tsx';
import { capture, document, events, parseSerials, sgtinUri } from '../../lib/epcis.ts';
import { useSession } from '../../lib/session.tsx';
import { alerts, recallLot, registerGln } from '../../lib/supply.ts';

export function SupplyConsole() {
  const { current } = useSession();
  const [gtin, setGtin] = useState('');
  const [lot, setLot] = useState('');
  const [expiry, setExpiry] = useState('');
  const [serials, setSerials] = useState('');
  const [toGln, setToGln] = useState('');
  const [ownGln, setOwnGln] = useState('');
  const [list, setList] = useState<Alert[]>();
  const [notice, setNotice] = useState<string>();
  const recallForm = useRef<HTMLFormElement>(null);
  const [busy, error, run] = useAction();
  const token = current?.session.token ?? '';
  const loadAlerts = () => alerts(token).then(setList, () => setList([]));
  useEffect(() => {
    void loadAlerts();
  }, [token]);
  if (current === undefined) return null;
  const units = () => parseSerials(serials).map((s) => sgtinUri(gtin.trim(), s));
  const act =
    (label: string, done: string, work: () => Promise<{ height: number }>) => (event: FormEvent) => {
      event.preventDefault();
      setNotice(undefined);
      void run(label, async () => {
        const answer = await work();
        setNotice(`${done} (block ${answer.height}).`);
        await loadAlerts();
      });
    };
  const captureOne = (build: (epcs: string[], now: number) => Record<string, unknown>) => () => {
    const now = Date.now();
    return capture(document([build(units(), now)], now), token);
  };

  return (
    <section>
      <h1>Supply chain console</h1>
      <p className="hint">
        Signed in as staff of {current.session.orgId}. Units are named by GTIN and serial number.
      </p>
      <Busy label={busy} />
      <ErrorBanner error={error} />
      <Notice text={notice} />
      <div className="columns">
        <form
          className="panel"
          aria-labelledby="units-title"
          onSubmit={act(
            'Commissioning — recording on the ledger…',
            'Commissioned',
            captureOne((epcs, now) => events.commission(epcs, lot.trim(), expiry, now)),
          )}
        >
          <h2 id="units-title">Commission a lot</h2>
          <Field id="units-gtin" label="GTIN" value={gtin} set={setGtin} placeholder="09506000134352" />
          <Field id="units-lot" label="Lot" value={lot} set={setLot} />
          <Field id="units-expiry" label="Expiry date" type="date" value={expiry} set={setExpiry} />
          <Field
            id="units-serials"
            label="Serial numbers (one per line)"
            value={serials}
            set={setSerials}
            area
          />
          <SubmitButton disabled={busy !== undefined}>Commission</SubmitButton>
        </form>
        <div>
          <form
            className="panel"
            aria-labelledby="ship-title"
            onSubmit={act(
              'Shipping — recording on the ledger…',
              'Shipped',
              captureOne((epcs, now) => events.ship(epcs, toGln.trim(), now)),
            )}
          >
            <h2 id="ship-title">Ship or receive</h2>
            <p className="hint">Uses the GTIN and serial numbers on the left.</p>
            <Field
              id="ship-to"
              label="Ship to (the partner's GLN)"
              value={toGln}
              set={setToGln}
              placeholder="9506000134352"
            />
            <div className="actions">
              <button type="submit" disabled={busy !== undefined}>
                Ship
              </button>
              <button
                type="button"
                className="secondary"
                disabled={busy !== undefined}
                onClick={act('Receiving — recording on the ledger…', 'Received', captureOne(events.receive))}
              >
                Receive
              </button>
            </div>
          </form>
          <form
            ref={recallForm}
            className="panel"
            aria-labelledby="recall-title"
            onSubmit={act('Recalling — recording on the ledger…', `Lot ${lot} recalled`, () =>
              recallLot(gtin.trim(), lot.trim(), token),
            )}
          >
            <h2 id="recall-title">Recall a lot</h2>
            <p className="hint">
              Recalls the GTIN and lot on the left: nothing of it may move or be dispensed.
            </p>
            <div className="actions">
              <ConfirmButton
                label="Recall lot"
                question={`Recall lot ${lot.trim()} of ${gtin.trim()}?`}
                confirm="Yes, recall"
                disabled={busy !== undefined}
                onConfirm={() => recallForm.current?.requestSubmit()}
              >
                <p>
                  Every pack of this lot is stopped wherever it is: it may no longer move or be dispensed, and
                  every holder is alerted. A recall can only be lifted by a new decision on the ledger.
                </p>
              </ConfirmButton>
            </div>
          </form>
          <form
            className="panel"
            aria-labelledby="gln-title"
            onSubmit={act('Registering — recording on the ledger…', 'GLN registered', () =>
              registerGln(ownGln.trim(), token),
            )}
          >
            <h2 id="gln-title">Our location number</h2>
            <Field id="own-gln" label="Register a GLN for our organisation" value={ownGln} set={setOwnGln} />
            <SubmitButton disabled={busy !== undefined} kind="secondary">
              Register GLN
            </SubmitButton>
          </form>
        </div>
      </div>
      <section className="panel" aria-labelledby="alerts-title">
        <h2 id="alerts-title">Alerts for us</h2>
        {list === undefined ? (
          <p className="hint">Loading…</p>
        ) : list.length === 0 ? (
          <p>No alerts.</p>
        ) : (
          <ul className="plain">
            {list.map((a) => (
              <li key={a.id} className="flagged">
                <strong>{a.kind.replace(/_/g, ' ')}</strong>: {a.epc} (raised by {a.subjectOrgId}, block{' '}
                {a.height}, <code>{shortHex(a.txHash)}</code>)
              </li>
            ))}
          </ul>
        )}
      </section>
    </section>
  );
}
