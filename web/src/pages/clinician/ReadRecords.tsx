// Reads one kind of record about the patient for a purpose. The custodian decides by consent and
// commits the access event first: a refusal answers 403 with the reason, never an empty list.
import { useState, type FormEvent } from 'react';
import { SelectField } from '../../components/form.tsx';
import { PURPOSES_OF_USE, type PurposeOfUse } from '../../../../src/app/consent/types.ts';
import { Busy, ErrorBanner, SubmitButton, useAction } from '../../components/ui.tsx';
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
  const [purpose, setPurpose] = useState<PurposeOfUse>('TREAT');
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
          <SelectField
            id="read-type"
            label="Kind of record"
            value={type}
            set={setType}
            options={TIMELINE_TYPES}
            words={(t) => `${RESOURCE_WORDS[t] ?? t} (${t})`}
          />
        </div>
        <div>
          <SelectField
            id="read-purpose"
            label="Purpose"
            value={purpose}
            set={setPurpose}
            options={PURPOSES_OF_USE.filter((p) => p !== 'ETREAT')}
            words={(p) => `${PURPOSE_WORDS[p]} (${p})`}
          />
        </div>
      </div>
      <SubmitButton disabled={busy !== undefined}>Read</SubmitButton>
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
