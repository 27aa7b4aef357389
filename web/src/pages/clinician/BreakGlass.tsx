// Break-glass: an emergency read without consent (purpose ETREAT), with a written reason that the
// custodian keeps off chain (its salted hash is on chain). The patient and the custodian's privacy
// officer see it flagged.
import { useState, type FormEvent } from 'react';
import { Field, SelectField } from '../../components/form.tsx';
import { Busy, ErrorBanner, SubmitButton, useAction } from '../../components/ui.tsx';
import type { BreakGlassAnswer, BreakGlassBody } from '../../../../src/contract/records.ts';
import { titleOf } from '../../lib/clinical/values.ts';
import { TIMELINE_TYPES } from '../../lib/fhir.ts';
import { request } from '../../lib/http.ts';
import type { PatientCode } from '../../lib/patient-code.ts';
import { useSession } from '../../lib/session.tsx';

export function BreakGlass(props: { patient: PatientCode }) {
  const { current } = useSession();
  const [type, setType] = useState('Patient');
  const [id, setId] = useState(props.patient.patientId ?? '');
  const [reason, setReason] = useState('');
  const [result, setResult] = useState<BreakGlassAnswer>();
  const [busy, error, run] = useAction();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setResult(undefined);
    const body: BreakGlassBody = { resourceType: type, id: id.trim(), purpose: 'ETREAT', reason };
    void run('Emergency access — recording it on the ledger first…', async () => {
      setResult(
        await request<BreakGlassAnswer>('/api/v1/records/break-glass', {
          body,
          token: current?.session.token ?? '',
        }),
      );
    });
  };
  return (
    <form className="panel flagged" onSubmit={submit} aria-labelledby="glass-title">
      <h2 id="glass-title">Emergency access (break-glass)</h2>
      <p className="hint">
        Only to treat an emergency. The patient and the privacy officer will see this access and your reason.
      </p>
      <div className="row">
        <div>
          <SelectField
            id="glass-type"
            label="Kind of record"
            value={type}
            set={setType}
            options={TIMELINE_TYPES}
            words={(t) => t}
          />
        </div>
        <div>
          <Field id="glass-id" label="Record id" value={id} set={setId} />
        </div>
      </div>
      <label htmlFor="glass-reason">Reason (required)</label>
      <textarea
        id="glass-reason"
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        required
        minLength={10}
      />
      <SubmitButton disabled={busy !== undefined} kind="danger">
        Break the glass and read
      </SubmitButton>
      <Busy label={busy} />
      <ErrorBanner error={error} />
      {result && (
        <p role="status">
          Read under emergency access: <strong>{titleOf(result.resource)}</strong> (event on the ledger:{' '}
          <code>{result.txHash.slice(0, 12)}…</code>)
        </p>
      )}
    </form>
  );
}
