// One of the sponsor's trials in the console: where it stands (version, seed, lock, unblinding, the
// results clock), the enrolment counts per site, each enrolment with its allocation, and the next steps
// (TrialSteps.tsx). Read from the sponsor's own node, which is the one that answered each step; an
// enrolment made at another site's node shows here once its block reaches this one, hence "Reload".
import { useCallback, useEffect, useState } from 'react';
import {
  Busy,
  ErrorBanner,
  Facts,
  Link,
  Notice,
  shortHex,
  TableHead,
  useAction,
} from '../../components/ui.tsx';
import type { AllocationsAnswer, TrialPageAnswer } from '../../../../src/contract/trials.ts';
import { allocationsOf, sponsorTx } from '../../lib/sponsor.ts';
import { CLOCK_WORDS, trialPage } from '../../lib/trials.ts';
import { Sites } from '../trials/TrialPage.tsx';
import { TrialSteps } from './TrialSteps.tsx';

function Allocations(props: { answer: AllocationsAnswer }) {
  if (props.answer.allocations.length === 0) return null;
  return (
    <table>
      <caption>Enrolments and their allocation</caption>
      <TableHead columns={['Enrolment', 'Site', 'Allocated', 'Arm']} />
      <tbody>
        {props.answer.allocations.map((a) => (
          <tr key={a.enrolTxHash}>
            <td>
              <Link href={`/explorer/tx/${a.enrolTxHash}`}>{shortHex(a.enrolTxHash)}</Link>
            </td>
            <td>{a.siteOrgId}</td>
            <td>{a.allocatedHeight === null ? 'Waiting' : `Block ${a.allocatedHeight}`}</td>
            <td>{a.arm ?? 'Blind'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function SponsorTrial(props: { id: string; token: string; onChange: () => void }) {
  const { id, token } = props;
  const [page, setPage] = useState<TrialPageAnswer>();
  const [allocations, setAllocations] = useState<AllocationsAnswer>();
  const [loadError, setLoadError] = useState<unknown>();
  const [notice, setNotice] = useState<string>();
  const [busy, error, run] = useAction();
  const load = useCallback(() => {
    setLoadError(undefined);
    Promise.all([trialPage(id), allocationsOf(id)]).then(([p, a]) => {
      setPage(p);
      setAllocations(a);
    }, setLoadError);
  }, [id]);
  useEffect(load, [load]);
  /** Runs one step, says what it did, and reloads what it changed. */
  const step = (label: string, work: () => Promise<string>) =>
    void run(label, async () => {
      setNotice(undefined);
      setNotice(await work());
      load();
      props.onChange();
    });
  if (page === undefined || allocations === undefined) {
    return (
      <section className="panel" aria-label="Trial">
        <ErrorBanner error={loadError} />
        {loadError === undefined && <p className="hint">Loading the trial…</p>}
      </section>
    );
  }
  const { trial } = page;
  const registration = page.versions[page.versions.length - 1]!.registration;
  const waiting = allocations.allocations.filter((a) => a.allocatedHeight === null);
  const allocate = () =>
    step('Allocating — recording on the ledger…', async () => {
      let height = 0;
      for (const a of waiting)
        ({ height } = await sponsorTx(token, id, 'allocations', { enrolTxHash: a.enrolTxHash }));
      return `Allocated ${waiting.length} enrolment${waiting.length === 1 ? '' : 's'} (block ${height}).`;
    });
  return (
    <section className="panel" aria-labelledby="trial-title">
      <h2 id="trial-title">{registration.title}</h2>
      <p>
        <Link href={`/trials/${id}`}>Public page of this trial</Link>
      </p>
      <Facts
        rows={[
          ['Registry numbers', Object.values(registration.identifiers).join(', ') || '—'],
          ['Protocol version', String(trial.version)],
          ['Enrolled', `${trial.enrolments} of ${registration.targetEnrolment}`],
          ['Randomisation seed', trial.seedCommitment === null ? 'Not committed' : 'Committed'],
          ['Database', trial.lock === null ? 'Open' : `Locked at block ${trial.lock.height}`],
          [
            'Allocation',
            trial.unblinding === null ? 'Blind' : `Unblinded at block ${trial.unblinding.height}`,
          ],
          ['Results', <span data-testid="sponsor-results">{CLOCK_WORDS[page.resultsClock]}</span>],
        ]}
      />
      <Sites page={page} />
      <Allocations answer={allocations} />
      <div className="actions">
        <button type="button" className="secondary" disabled={busy !== undefined} onClick={load}>
          Reload
        </button>
        {waiting.length > 0 && (
          <button type="button" disabled={busy !== undefined} onClick={allocate}>
            Allocate {waiting.length} waiting enrolment{waiting.length === 1 ? '' : 's'}
          </button>
        )}
      </div>
      <Busy label={busy} />
      <ErrorBanner error={error ?? loadError} />
      <Notice text={notice} />
      <TrialSteps page={page} token={token} busy={busy !== undefined} step={step} />
    </section>
  );
}
