// Asks the patient for consent: a consent.request tx signed here with the practitioner's key. The
// patient sees it in their portal and approves or declines; an approval grants exactly this. The
// practitioner's event stream says when the patient has answered, without a reload.
import { useState, type FormEvent } from 'react';
import { Field, SelectField } from '../../components/form.tsx';
import { PURPOSES_OF_USE, REQUEST_REASONS, type PurposeOfUse } from '../../../../src/app/consent/types.ts';
import { Busy, ErrorBanner, Notice, SubmitButton, useAction } from '../../components/ui.tsx';
import { chainTimeMs, randomId, signAndCommit } from '../../lib/ledger.ts';
import { useConsentEvents } from '../../lib/live.ts';
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
  /** The request sent from this form, until the patient answers it. */
  const [sent, setSent] = useState<string>();
  useConsentEvents((event) => {
    if (event?.kind !== 'consent.answered' || event.requestId !== sent) return;
    setSent(undefined);
    setNotice('The patient has answered your request; what you may see now is shown above.');
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setNotice(undefined);
    void run('Sending the request — waiting for the network to commit it…', async () => {
      const n = Number(days);
      if (!Number.isInteger(n) || n < 1 || n > 3650) throw new Error('ask for 1 to 3650 days');
      const startMs = await chainTimeMs();
      const requestId = randomId();
      const tx = await signAndCommit(current!.seed, 'consent.request', {
        requestId,
        patientPseudonym: props.pseudonym,
        resourceTypes: [type],
        purposes: [purpose],
        actions: ['read'],
        period: { startMs, endMs: startMs + n * DAY_MS },
        reasonCode: reason,
      });
      setSent(requestId);
      setNotice(`Request sent (block ${tx.height}). The patient will see it in their portal.`);
    });
  };
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="request-title">
      <h2 id="request-title">Ask the patient for consent</h2>
      <div className="row">
        <div>
          <SelectField
            id="request-type"
            label="Records"
            value={type}
            set={setType}
            options={Object.keys(RESOURCE_WORDS)}
            words={(t) => RESOURCE_WORDS[t] ?? t}
          />
        </div>
        <div>
          <SelectField
            id="request-purpose"
            label="Purpose"
            value={purpose}
            set={setPurpose}
            options={PURPOSES_OF_USE}
            words={(p) => PURPOSE_WORDS[p]}
          />
        </div>
      </div>
      <div className="row">
        <div>
          <SelectField
            id="request-reason"
            label="Reason"
            value={reason}
            set={setReason}
            options={REQUEST_REASONS}
            words={(r) => REASON_WORDS[r] ?? r}
          />
        </div>
        <div>
          <Field
            id="request-days"
            label="For how many days"
            inputMode="numeric"
            value={days}
            set={setDays}
            optional
          />
        </div>
      </div>
      <SubmitButton disabled={busy !== undefined}>Send request</SubmitButton>
      <Busy label={busy} />
      <ErrorBanner error={error} />
      <Notice text={notice} />
    </form>
  );
}
