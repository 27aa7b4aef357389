// Asks the patient for consent: a consent.request tx signed here with the practitioner's key. The
// patient sees it in their portal and approves or declines; an approval grants exactly this.
import { useState, type FormEvent } from 'react';
import { PURPOSES_OF_USE, REQUEST_REASONS, type PurposeOfUse } from '../../../../src/app/consent/types.ts';
import { Busy, ErrorBanner, Notice, useAction } from '../../components/ui.tsx';
import { chainTimeMs, randomId, signAndCommit } from '../../lib/ledger.ts';
import { useSession } from '../../lib/session.tsx';
import { PURPOSE_WORDS, REASON_WORDS, RESOURCE_WORDS } from '../../lib/words.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export function RequestConsent(props: { pseudonym: string }) {
  const { current } = useSession();
  const [type, setType] = useState('*');
  const [purpose, setPurpose] = useState<PurposeOfUse>('TREAT');
  const [reason, setReason] = useState<string>('continuing-care');
  const [days, setDays] = useState('90');
  const [notice, setNotice] = useState<string>();
  const [busy, error, run] = useAction();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setNotice(undefined);
    void run('Sending the request — waiting for the network to commit it…', async () => {
      const n = Number(days);
      if (!Number.isInteger(n) || n < 1 || n > 3650) throw new Error('ask for 1 to 3650 days');
      const startMs = await chainTimeMs();
      const tx = await signAndCommit(current!.seed, 'consent.request', {
        requestId: randomId(),
        patientPseudonym: props.pseudonym,
        resourceTypes: [type],
        purposes: [purpose],
        actions: ['read'],
        period: { startMs, endMs: startMs + n * DAY_MS },
        reasonCode: reason,
      });
      setNotice(`Request sent (block ${tx.height}). The patient will see it in their portal.`);
    });
  };
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="request-title">
      <h2 id="request-title">Ask the patient for consent</h2>
      <div className="row">
        <div>
          <label htmlFor="request-type">Records</label>
          <select id="request-type" value={type} onChange={(e) => setType(e.target.value)}>
            {Object.entries(RESOURCE_WORDS).map(([t, words]) => (
              <option key={t} value={t}>
                {words}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="request-purpose">Purpose</label>
          <select
            id="request-purpose"
            value={purpose}
            onChange={(e) => setPurpose(e.target.value as PurposeOfUse)}
          >
            {PURPOSES_OF_USE.map((p) => (
              <option key={p} value={p}>
                {PURPOSE_WORDS[p]}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="row">
        <div>
          <label htmlFor="request-reason">Reason</label>
          <select id="request-reason" value={reason} onChange={(e) => setReason(e.target.value)}>
            {REQUEST_REASONS.map((r) => (
              <option key={r} value={r}>
                {REASON_WORDS[r] ?? r}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="request-days">For how many days</label>
          <input
            id="request-days"
            inputMode="numeric"
            value={days}
            onChange={(e) => setDays(e.target.value)}
          />
        </div>
      </div>
      <div className="actions">
        <button type="submit" disabled={busy !== undefined}>
          Send request
        </button>
      </div>
      <Busy label={busy} />
      <ErrorBanner error={error} />
      <Notice text={notice} />
    </form>
  );
}
