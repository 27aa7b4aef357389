// The clinician's workspace: find a patient by the code they share (or their carechain ID and Patient
// id), see what their consent allows you, read, add an observation or a note, ask for consent, or use
// break-glass in an emergency. Reads of records not yours are decided by consent and logged on chain.
// Below, the organisation's remote monitoring: open NEWS2 escalations and the monitored patients' vitals.
import { useState, type FormEvent } from 'react';
import { Field } from '../../components/form.tsx';
import { Busy, CopyButton, ErrorBanner } from '../../components/ui.tsx';
import { orgNamer, useOrgs } from '../../lib/network.ts';
import { decodePatientCode, type PatientCode } from '../../lib/patient-code.ts';
import { useSession } from '../../lib/session.tsx';
import { useStaffMe } from '../../lib/staff.ts';
import { ROLE_WORDS } from '../../lib/words.ts';
import { AddObservation } from './AddObservation.tsx';
import { AllowedPanel } from './AllowedPanel.tsx';
import { BreakGlass } from './BreakGlass.tsx';
import { MonitoringDashboard } from './MonitoringDashboard.tsx';
import { ReadRecords } from './ReadRecords.tsx';
import { RequestConsent } from './RequestConsent.tsx';

export function Clinician() {
  const { current } = useSession();
  const orgs = useOrgs();
  const [codeText, setCodeText] = useState('');
  const [patientIdText, setPatientIdText] = useState('');
  const [patient, setPatient] = useState<PatientCode>();
  const [error, setError] = useState<unknown>();
  const { me, error: meError } = useStaffMe(current?.session.token);
  if (current === undefined) return null;
  if (me === undefined)
    return (
      <section>
        <h1>Clinician workspace</h1>
        <Busy label={meError === undefined ? 'Checking what your role may do…' : undefined} />
        <ErrorBanner error={meError} />
      </section>
    );
  const role = ROLE_WORDS[me.role]?.replace(/s$/, '') ?? me.role;
  const who = `${/^[aeiou]/.test(role) ? 'an' : 'a'} ${role} at ${me.orgName}`;
  // Staff without a clinical role (a claims officer, an administrator) get no clinical screen at all.
  if (!me.actions.clinical)
    return (
      <section>
        <h1>Clinician workspace</h1>
        <p>
          You are signed in as {who}. This role does not look after patients, so there are no clinical screens
          for it: no patient search, no records and no emergency access.
        </p>
      </section>
    );
  const find = (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      const code = decodePatientCode(codeText);
      const id = patientIdText.trim() || code.patientId;
      setPatient({ ...code, patientId: id });
    } catch (err) {
      setPatient(undefined);
      setError(err);
    }
  };
  return (
    <section>
      <h1>Clinician workspace</h1>
      <p className="hint">
        Signed in as {who}. Your key: <code>{current.session.publicKey.slice(0, 16)}…</code>{' '}
        <CopyButton text={current.session.publicKey} label="Copy key" />
      </p>
      <form className="panel" onSubmit={find} aria-labelledby="find-title">
        <h2 id="find-title">Find a patient</h2>
        <Field
          id="find-code"
          label="Patient code (scanned or pasted) or carechain ID"
          value={codeText}
          set={setCodeText}
          area
        />
        <Field
          id="find-patient-id"
          label="FHIR Patient id (if the code has none)"
          value={patientIdText}
          set={setPatientIdText}
          optional
        />
        <div className="actions">
          <button type="submit">Find</button>
        </div>
        <ErrorBanner error={error} />
      </form>
      {patient !== undefined && (
        <div key={`${patient.pseudonym}/${patient.patientId ?? ''}`}>
          <p className="notice" role="status">
            Patient <code>{patient.pseudonym.slice(0, 16)}…</code>
            {patient.custodian ? `, records kept by ${orgNamer(orgs)(patient.custodian)}` : ''}
            {patient.patientId ? `, Patient/${patient.patientId.slice(0, 12)}…` : ''}
          </p>
          <AllowedPanel pseudonym={patient.pseudonym} custodian={patient.custodian} />
          <ReadRecords patient={patient} />
          {me.actions.writeRecords && <AddObservation patient={patient} />}
          <RequestConsent pseudonym={patient.pseudonym} />
          {me.actions.breakGlass && <BreakGlass patient={patient} />}
        </div>
      )}
      <MonitoringDashboard />
    </section>
  );
}
