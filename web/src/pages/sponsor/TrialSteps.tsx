// The sponsor's next steps on one trial, each shown only while the chain would accept it: commit the
// randomisation seed (before the first enrolment), report serious adverse events, amend the protocol
// (until the lock), lock the analysis plan and the database, unblind by revealing the seed, and post
// results. Lock and unblinding cannot be taken back, so each asks first.
import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ConfirmButton } from '../../components/confirm.tsx';
import { Field, FileField, SelectField } from '../../components/form.tsx';
import { SubmitButton } from '../../components/ui.tsx';
import { SAE_DEADLINE_DAYS } from '../../../../src/app/trials/index.ts';
import type { TrialPageAnswer } from '../../../../src/contract/trials.ts';
import {
  amendTrial,
  commitSeed,
  digestFile,
  postResults,
  readSeedFile,
  readStudyFile,
  sponsorTx,
} from '../../lib/sponsor.ts';
import { diffWords, SEVERITY_WORDS } from '../../lib/trials.ts';

type Step = (label: string, work: () => Promise<string>) => void;
interface StepProps {
  readonly page: TrialPageAnswer;
  readonly token: string;
  readonly busy: boolean;
  readonly step: Step;
}

const JSON_FILES = 'application/json,.json';
const chosen = (file: File | null, what: string): File => {
  if (file === null) throw new Error(`choose ${what}`);
  return file;
};

function Amend(props: StepProps) {
  const { page, token } = props;
  const [study, setStudy] = useState<File | null>(null);
  const [reason, setReason] = useState('');
  const [protocol, setProtocol] = useState<File | null>(null);
  const [sap, setSap] = useState<File | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.step('Amending the protocol — recording on the ledger…', async () => {
      const studyFile = await readStudyFile(chosen(study, 'the amended study'));
      const documents = { ...(protocol === null ? {} : { protocol }), ...(sap === null ? {} : { sap }) };
      const amendment = { studyFile, reason: reason.trim(), ...documents };
      const kept = page.versions[page.versions.length - 1]!.registration;
      const answer = await amendTrial(token, page.trial.id, amendment, kept);
      return `Version ${answer.version}: ${diffWords(answer.diff)} (block ${answer.height}).`;
    });
  };
  return (
    <form className="panel" aria-labelledby="amend-title" onSubmit={submit}>
      <h3 id="amend-title">Amend the protocol</h3>
      <p className="hint">
        A new version, with its reason; the earlier ones stay on the public page. Making an outcome primary or
        secondary, or dropping or re-timing a primary one, asks every participant to consent again.
      </p>
      <FileField
        id="amend-study"
        label="Amended study (ClinicalTrials.gov v2 JSON)"
        accept={JSON_FILES}
        set={setStudy}
      />
      <Field id="amend-reason" label="Reason for the amendment" value={reason} set={setReason} />
      <FileField
        id="amend-protocol"
        label="New protocol document (if it changed)"
        set={setProtocol}
        optional
      />
      <FileField id="amend-sap" label="New analysis plan (if it changed)" set={setSap} optional />
      <SubmitButton disabled={props.busy}>Amend</SubmitButton>
    </form>
  );
}

type Severity = keyof typeof SAE_DEADLINE_DAYS;
const SEVERITIES = Object.keys(SAE_DEADLINE_DAYS) as Severity[];

/**
 * A serious adverse event as it is reported: the report stays with the sponsor, its digest is recorded,
 * and the chain sets the deadline from the day the sponsor learned of it (7 or 15 days) and flags a late
 * report on the public page.
 */
function ReportSae(props: StepProps) {
  const { page, token } = props;
  const [report, setReport] = useState<File | null>(null);
  const [severity, setSeverity] = useState<Severity>('fatal_or_life_threatening');
  const [aware, setAware] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.step('Recording the adverse event report on the ledger…', async () => {
      const digest = await digestFile(chosen(report, 'the report'));
      const awareAtMs = Date.parse(`${aware}T00:00:00Z`);
      if (!Number.isSafeInteger(awareAtMs)) throw new Error('give the date the sponsor learned of it');
      const answer = await sponsorTx(token, page.trial.id, 'saes', { digest, severity, awareAtMs });
      return `Adverse event report recorded (block ${answer.height}).`;
    });
  };
  return (
    <form className="panel" aria-labelledby="sae-title" onSubmit={submit}>
      <h3 id="sae-title">Report a serious adverse event</h3>
      <FileField id="sae-report" label="Report (it stays with you; its digest is recorded)" set={setReport} />
      <SelectField
        id="sae-severity"
        label="Severity"
        value={severity}
        set={setSeverity}
        options={SEVERITIES}
        words={(s) => `${SEVERITY_WORDS[s]} (due within ${SAE_DEADLINE_DAYS[s]} days)`}
      />
      <Field id="sae-aware" label="Day the sponsor learned of it" type="date" value={aware} set={setAware} />
      <SubmitButton disabled={props.busy}>Report</SubmitButton>
    </form>
  );
}

/** The steps that cannot be taken back, in words: each is submitted from a confirmation dialog. */
const IRREVERSIBLE = {
  lock: {
    title: 'Lock the database',
    hint: 'Locks the analysis plan and the database before unblinding; its digest is recorded.',
    question: 'Lock this trial’s database?',
    confirm: 'Yes, lock',
    consequence: 'No one can enrol or amend the protocol after the lock. It cannot be undone.',
  },
  unblind: {
    title: 'Unblind',
    hint: "Reveals the seed: anyone can then recompute every participant's arm.",
    question: 'Unblind this trial?',
    confirm: 'Yes, unblind',
    consequence:
      'The seed is published on the ledger and every allocation becomes public. It cannot be undone.',
  },
} as const;

function Irreversible(props: {
  id: keyof typeof IRREVERSIBLE;
  busy: boolean;
  onSubmit: () => void;
  children: ReactNode;
}) {
  const words = IRREVERSIBLE[props.id];
  const form = useRef<HTMLFormElement>(null);
  return (
    <form
      ref={form}
      className="panel"
      aria-labelledby={`${props.id}-title`}
      onSubmit={(event) => {
        event.preventDefault();
        props.onSubmit();
      }}
    >
      <h3 id={`${props.id}-title`}>{words.title}</h3>
      <p className="hint">{words.hint}</p>
      {props.children}
      <div className="actions">
        <ConfirmButton
          label={words.title}
          question={words.question}
          confirm={words.confirm}
          disabled={props.busy}
          onConfirm={() => form.current?.requestSubmit()}
        >
          <p>{words.consequence}</p>
        </ConfirmButton>
      </div>
    </form>
  );
}

export function TrialSteps(props: StepProps) {
  const { page, token, step } = props;
  const { trial } = page;
  const [database, setDatabase] = useState<File | null>(null);
  const [seedFile, setSeedFile] = useState<File | null>(null);
  const [results, setResults] = useState<File | null>(null);
  const said = (what: string) => (answer: { height: number }) => `${what} (block ${answer.height}).`;
  return (
    <>
      {trial.seedCommitment === null && (
        <div className="panel">
          <h3>Randomisation seed</h3>
          <p className="hint">
            Commit it before the first enrolment. The seed is made in this browser and downloaded: keep the
            file safe until unblinding, when it is revealed. Only its hash is recorded now.
          </p>
          <div className="actions">
            <button
              type="button"
              disabled={props.busy}
              onClick={() =>
                step('Committing the seed — recording on the ledger…', () =>
                  commitSeed(token, trial.id).then(said('Seed committed; enrolment may begin')),
                )
              }
            >
              Make and commit the seed
            </button>
          </div>
        </div>
      )}
      {trial.enrolments > 0 && <ReportSae {...props} />}
      {trial.lock === null && <Amend {...props} />}
      {trial.lock === null && (
        <Irreversible
          id="lock"
          busy={props.busy}
          onSubmit={() =>
            step('Locking — recording on the ledger…', async () => {
              const databaseDigest = await digestFile(chosen(database, 'the database export'));
              return sponsorTx(token, trial.id, 'lock', { databaseDigest }).then(said('Database locked'));
            })
          }
        >
          <FileField id="lock-database" label="Database export" set={setDatabase} />
        </Irreversible>
      )}
      {trial.lock !== null && trial.unblinding === null && (
        <Irreversible
          id="unblind"
          busy={props.busy}
          onSubmit={() =>
            step('Unblinding — recording on the ledger…', async () => {
              const seed = await readSeedFile(chosen(seedFile, 'the seed file'), trial.id);
              return sponsorTx(token, trial.id, 'unblind', { seed }).then(said('Unblinded'));
            })
          }
        >
          <FileField id="unblind-seed" label="Seed file" accept={JSON_FILES} set={setSeedFile} />
        </Irreversible>
      )}
      {trial.unblinding !== null && !page.resultsPosted && (
        <form
          className="panel"
          aria-labelledby="results-title"
          onSubmit={(event) => {
            event.preventDefault();
            step('Posting results — recording on the ledger…', async () => {
              const studyFile = await readStudyFile(chosen(results, 'the results file'));
              return postResults(token, trial.id, studyFile).then(
                said('Results posted; the public page shows each outcome’s verdict'),
              );
            });
          }}
        >
          <h3 id="results-title">Post results</h3>
          <p className="hint">
            Each reported outcome is compared with those registered before the first enrolment.
          </p>
          <FileField
            id="results-study"
            label="Results (ClinicalTrials.gov v2 JSON with its resultsSection)"
            accept={JSON_FILES}
            set={setResults}
          />
          <SubmitButton disabled={props.busy}>Post results</SubmitButton>
        </form>
      )}
    </>
  );
}
