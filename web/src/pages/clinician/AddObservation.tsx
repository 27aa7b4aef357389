// Adds an observation (a measurement) or a note about the patient: a FHIR create at this node, which
// seals it in the vault for the custodian and the patient and registers it on chain. Only staff of the
// custodian organisation write here.
import { useState, type FormEvent } from 'react';
import { Field, RadioChoice } from '../../components/form.tsx';
import { Busy, ErrorBanner, Notice, SubmitButton, useAction } from '../../components/ui.tsx';
import { create } from '../../lib/fhir.ts';
import type { PatientCode } from '../../lib/patient-code.ts';
import { useSession } from '../../lib/session.tsx';

type EntryKind = 'measurement' | 'note';
const ENTRY_KINDS: readonly (readonly [EntryKind, string])[] = [
  ['measurement', 'Measurement'],
  ['note', 'Note'],
];

export function AddObservation(props: { patient: PatientCode }) {
  const { current } = useSession();
  const [kind, setKind] = useState<EntryKind>('measurement');
  const [what, setWhat] = useState('');
  const [value, setValue] = useState('');
  const [unit, setUnit] = useState('');
  const [notice, setNotice] = useState<string>();
  const [busy, error, run] = useAction();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setNotice(undefined);
    void run('Saving — the record is sealed and registered on the ledger…', async () => {
      const id = props.patient.patientId;
      if (id === null) throw new Error('enter the FHIR Patient id to add a record');
      const number = Number(value);
      if (kind === 'measurement' && (value.trim() === '' || !Number.isFinite(number)))
        throw new Error('the value must be a number');
      const created = await create(
        {
          resourceType: 'Observation',
          status: 'final',
          code: { text: kind === 'note' ? 'Clinical note' : what.trim() },
          subject: { reference: `Patient/${id}` },
          effectiveDateTime: new Date().toISOString(),
          ...(kind === 'note'
            ? { valueString: value }
            : { valueQuantity: { value: number, unit: unit.trim() } }),
        },
        current?.session.token ?? '',
      );
      setNotice(`Saved as Observation ${String(created.id).slice(0, 12)}…`);
      setValue('');
    });
  };
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="add-title">
      <h2 id="add-title">Add an observation or a note</h2>
      <fieldset>
        <legend>Kind</legend>
        <RadioChoice name="add-kind" value={kind} set={setKind} options={ENTRY_KINDS} />
      </fieldset>
      {kind === 'measurement' ? (
        <>
          <Field
            id="add-what"
            label="What was measured"
            value={what}
            set={setWhat}
            placeholder="Body temperature"
          />
          <div className="row">
            <div>
              <Field id="add-value" label="Value" inputMode="decimal" value={value} set={setValue} />
            </div>
            <div>
              <Field id="add-unit" label="Unit" value={unit} set={setUnit} placeholder="Cel" optional />
            </div>
          </div>
        </>
      ) : (
        <>
          <label htmlFor="add-note">Note</label>
          <textarea id="add-note" value={value} onChange={(e) => setValue(e.target.value)} required />
        </>
      )}
      <SubmitButton disabled={busy !== undefined}>Save</SubmitButton>
      <Busy label={busy} />
      <ErrorBanner error={error} />
      <Notice text={notice} />
    </form>
  );
}
