// Reads one kind of record about the patient for a purpose. The custodian decides by consent and
// commits the access event first: a refusal answers 403 with the reason, never an empty list.
import { useState, type FormEvent } from 'react';
import { PURPOSES_OF_USE } from '../../../../src/app/consent/types.ts';
import { Busy, ErrorBanner, useAction } from '../../components/ui.tsx';
import { RecordList } from '../../components/clinical/RecordList.tsx';
import { TrendCharts } from '../../components/clinical/TrendCharts.tsx';
import { search, TIMELINE_TYPES } from '../../lib/fhir.ts';
import type { FhirResource } from '../../../../src/contract/fhir.ts';
import type { PatientCode } from '../../lib/patient-code.ts';
import { useSession } from '../../lib/session.tsx';
import { PURPOSE_WORDS, RESOURCE_WORDS } from '../../lib/words.ts';

export function ReadRecords(props: { patient: PatientCode }) {
  const { current } = useSession();
  const [type, setType] = useState<string>('Observation');
  const [purpose, setPurpose] = useState('TREAT');
  const [records, setRecords] = useState<FhirResource[]>();
  const [busy, error, run] = useAction();
  const id = props.patient.patientId;
  const read = (event: FormEvent) => {
    event.preventDefault();
    setRecords(undefined);
    void run('Reading — the access is being recorded on the ledger…', async () => {
      if (id === null) throw new Error('enter the FHIR Patient id to read records');
      const params: Record<string, string> = type === 'Patient' ? { _id: id } : { patient: `Patient/${id}` };
      setRecords(await search(type, params, current?.session.token ?? '', purpose));
    });
  };
  return (
    <form className="panel" onSubmit={read} aria-labelledby="read-title">
      <h2 id="read-title">Read records</h2>
      <div className="row">
        <div>
          <label htmlFor="read-type">Kind of record</label>
          <select id="read-type" value={type} onChange={(e) => setType(e.target.value)}>
            {TIMELINE_TYPES.map((t) => (
              <option key={t} value={t}>
                {RESOURCE_WORDS[t] ?? t} ({t})
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="read-purpose">Purpose</label>
          <select id="read-purpose" value={purpose} onChange={(e) => setPurpose(e.target.value)}>
            {PURPOSES_OF_USE.filter((p) => p !== 'ETREAT').map((p) => (
              <option key={p} value={p}>
                {PURPOSE_WORDS[p]} ({p})
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="actions">
        <button type="submit" disabled={busy !== undefined}>
          Read
        </button>
      </div>
      <Busy label={busy} />
      <ErrorBanner error={error} />
      {records !== undefined && (
        <div role="status">
          <p className="ok">
            ✓ Access granted: {records.length} {records.length === 1 ? 'record' : 'records'}.
          </p>
          <TrendCharts records={records} />
          <RecordList records={records} label="Records read" />
        </div>
      )}
    </form>
  );
}
