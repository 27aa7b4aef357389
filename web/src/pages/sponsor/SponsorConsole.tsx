// The research sponsor's console (issue 16 §7): register a trial from its ClinicalTrials.gov v2 file
// with salted commitments to its protocol and SAP, then run it: commit the randomisation seed, allocate
// the enrolments, amend, read the counts per site, lock, unblind and post results. The sponsor's node
// signs each step for the organisation; what the registry then shows, everyone sees.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { FileField } from '../../components/form.tsx';
import { Busy, ErrorBanner, Notice, SubmitButton, useAction } from '../../components/ui.tsx';
import type { RegistryEntry } from '../../../../src/contract/trials.ts';
import { useSession } from '../../lib/session.tsx';
import { readStudyFile, registerTrial, sponsorTrials } from '../../lib/sponsor.ts';
import { SponsorTrial } from './SponsorTrial.tsx';

function RegisterTrial(props: { token: string; onRegistered: (id: string) => void }) {
  const [busy, error, run] = useAction();
  const [study, setStudy] = useState<File | null>(null);
  const [protocol, setProtocol] = useState<File | null>(null);
  const [sap, setSap] = useState<File | null>(null);
  const [notice, setNotice] = useState<string>();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run('Registering the trial — recording on the ledger…', async () => {
      setNotice(undefined);
      if (study === null || protocol === null || sap === null) throw new Error('choose the three files');
      const answer = await registerTrial(props.token, await readStudyFile(study), { protocol, sap });
      setNotice(`Registered as version 1 (block ${answer.height}). Enrolment can begin once it is final.`);
      props.onRegistered(answer.id);
    });
  };
  return (
    <form className="panel" aria-labelledby="register-title" onSubmit={submit}>
      <h2 id="register-title">Register a trial</h2>
      <p className="hint">
        Register before anyone enrols: its outcomes are then fixed on the ledger, and every change after it is
        a visible amendment. The protocol and the analysis plan stay with you; only salted commitments to them
        are recorded. A file of the salts is downloaded: keep it, it is what opens the commitments.
      </p>
      <FileField
        id="register-study"
        label="Study (ClinicalTrials.gov v2 JSON)"
        accept="application/json,.json"
        set={setStudy}
      />
      <FileField id="register-protocol" label="Protocol document" set={setProtocol} />
      <FileField id="register-sap" label="Statistical analysis plan" set={setSap} />
      <SubmitButton disabled={busy !== undefined}>Register</SubmitButton>
      <Busy label={busy} />
      <ErrorBanner error={error} />
      <Notice text={notice} />
    </form>
  );
}

export function SponsorConsole() {
  const { current } = useSession();
  const orgId = current?.session.orgId ?? '';
  const token = current?.session.token ?? '';
  const [trials, setTrials] = useState<RegistryEntry[]>();
  const [chosen, setChosen] = useState<string>();
  const [loadError, setLoadError] = useState<unknown>();
  const load = useCallback(() => {
    sponsorTrials(orgId).then(setTrials, setLoadError);
  }, [orgId]);
  useEffect(load, [load]);
  if (current === undefined) return null;
  const id = chosen ?? trials?.[0]?.id;
  return (
    <section>
      <h1>Research sponsor console</h1>
      <p className="hint">
        Signed in as staff of {orgId}. Your node signs each step for {orgId}; the public trial registry shows
        every one of them.
      </p>
      <RegisterTrial
        token={token}
        onRegistered={(registered) => {
          setChosen(registered);
          load();
        }}
      />
      <section className="panel" aria-labelledby="own-title">
        <h2 id="own-title">Our trials</h2>
        <ErrorBanner error={loadError} />
        {trials !== undefined && trials.length === 0 && <p>{orgId} has registered no trial yet.</p>}
        {trials !== undefined && trials.length > 0 && (
          <>
            <label htmlFor="own-trial">Trial</label>
            <select id="own-trial" value={id} onChange={(e) => setChosen(e.target.value)}>
              {trials.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.nct ?? t.id.slice(0, 12)}: {t.title}
                </option>
              ))}
            </select>
          </>
        )}
      </section>
      {id !== undefined && <SponsorTrial key={id} id={id} token={token} onChange={load} />}
    </section>
  );
}
