// Break-glass: in an emergency, without consent (purpose ETREAT), the patient's emergency summary —
// allergies, conditions, medications and the latest vitals held here — opened under one flagged event.
// The written reason is required; the custodian keeps it off chain (its salted hash is on chain), and the
// patient and the custodian's privacy officer see the access with it.
import { useState, type FormEvent } from 'react';
import { Busy, ErrorBanner, SubmitButton, useAction } from '../../components/ui.tsx';
import { RecordList } from '../../components/clinical/RecordList.tsx';
import type {
  BreakGlassAnswer,
  EmergencySummaryAnswer,
  EmergencySummaryBody,
} from '../../../../src/contract/records.ts';
import { titleOf } from '../../lib/clinical/values.ts';
import { ApiFailure, request } from '../../lib/http.ts';
import type { PatientCode } from '../../lib/patient-code.ts';
import { useSession } from '../../lib/session.tsx';

/** A reason a privacy officer can judge: a few words at least, not a single letter. */
export const REASON_CHARS_MIN = 10;

export function BreakGlass(props: { patient: PatientCode }) {
  const { current } = useSession();
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string>();
  const [summary, setSummary] = useState<{ answer: EmergencySummaryAnswer; reason: string }>();
  const [busy, error, run] = useAction();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const written = reason.trim();
    if (written.length < REASON_CHARS_MIN) {
      setProblem(`Write why this is an emergency, in at least ${REASON_CHARS_MIN} characters.`);
      return;
    }
    setProblem(undefined);
    setSummary(undefined);
    const body: EmergencySummaryBody = {
      patient: props.patient.pseudonym,
      purpose: 'ETREAT',
      reason: written,
    };
    void run('Emergency access — recording it on the ledger first…', async () => {
      const token = current?.session.token ?? '';
      let answer: EmergencySummaryAnswer;
      try {
        answer = await request<EmergencySummaryAnswer>('/api/v1/records/break-glass/summary', {
          body,
          token,
        });
      } catch (err) {
        const patientId = props.patient.patientId;
        if (!(err instanceof ApiFailure && err.status === 404) || patientId === null) throw err;
        // Nothing kept here: the patient's own custodian's node opens their Patient record (forwarded).
        const one = await request<BreakGlassAnswer>('/api/v1/records/break-glass', {
          body: { resourceType: 'Patient', id: patientId, purpose: 'ETREAT', reason: written },
          token,
        });
        answer = { eventId: one.eventId, txHash: one.txHash, resources: [one.resource] };
      }
      setSummary({ answer, reason: written });
    });
  };
  return (
    <section className="panel flagged" aria-labelledby="glass-title">
      <form onSubmit={submit} aria-labelledby="glass-title" noValidate>
        <h2 id="glass-title">Emergency access (break-glass)</h2>
        <p className="hint">
          Only to treat an emergency. Opens this patient's emergency summary: allergies, conditions,
          medications and the latest vitals. The patient and the privacy officer will see this access and your
          reason.
        </p>
        <label htmlFor="glass-reason">Reason (required)</label>
        <textarea
          id="glass-reason"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          aria-describedby={problem === undefined ? undefined : 'glass-problem'}
          aria-invalid={problem !== undefined}
          required
        />
        {problem !== undefined && (
          <p id="glass-problem" className="bad" role="alert">
            {problem}
          </p>
        )}
        <SubmitButton disabled={busy !== undefined} kind="danger">
          Break the glass: open the emergency summary
        </SubmitButton>
      </form>
      <Busy label={busy} />
      <ErrorBanner error={error} />
      {summary && <EmergencySummary answer={summary.answer} reason={summary.reason} />}
    </section>
  );
}

function EmergencySummary(props: { answer: EmergencySummaryAnswer; reason: string }) {
  const records = props.answer.resources.filter((r) => r.resourceType !== 'Patient');
  const patient = props.answer.resources.find((r) => r.resourceType === 'Patient');
  return (
    <section aria-labelledby="summary-title" className="emergency-summary">
      <h3 id="summary-title">Emergency summary</h3>
      <p role="status">
        Opened under emergency access for the reason: <q className="glass-reason">{props.reason}</q>. Recorded
        on the ledger as event <code>{props.answer.txHash.slice(0, 12)}…</code>.
      </p>
      {patient !== undefined && (
        <p>
          Patient: <strong>{titleOf(patient)}</strong>
        </p>
      )}
      {records.length === 0 ? (
        <p>No allergies, conditions, medications or vitals are kept here for this patient.</p>
      ) : (
        <RecordList records={records} label="Emergency summary: allergies, conditions, medications, vitals" />
      )}
    </section>
  );
}
