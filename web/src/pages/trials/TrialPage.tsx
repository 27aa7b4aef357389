// One trial's public page (issue 16 §2, §3, §5, §6): every protocol version with its reason and outcome
// changes (history cannot be edited, so all of it shows), enrolment counts per site, serious adverse
// event reports against their 7- and 15-day deadlines, the results clock, and the outcome-switching
// verdict. The browser checks each verdict's proof itself, and that the proofs' root is the hash of the
// outcomes registered before the first enrolment; a failed check says so.
import { useEffect, useState } from 'react';
import { ErrorBanner, Facts, Link, shortHex, TableHead } from '../../components/ui.tsx';
import type { TrialPageAnswer, VerdictAnswer } from '../../../../src/contract/trials.ts';
import { ApiFailure } from '../../lib/http.ts';
import {
  CLOCK_WORDS,
  diffWords,
  proofHolds,
  rootMatches,
  SEVERITY_WORDS,
  trialPage,
  trialVerdict,
  VERDICT_WORDS,
} from '../../lib/trials.ts';

function Versions(props: { page: TrialPageAnswer }) {
  return (
    <table>
      <caption>Protocol versions</caption>
      <TableHead columns={['Version', 'Block', 'Reason', 'Outcome changes']} />
      <tbody>
        {props.page.versions.map((v) => (
          <tr key={v.version}>
            <td>{v.version}</td>
            <td>
              <Link href={`/explorer/tx/${v.txHash}`}>{v.height}</Link>
            </td>
            <td>{v.reason ?? 'First registration'}</td>
            <td>
              {v.diff === null ? `${v.registration.outcomes.length} outcomes registered` : diffWords(v.diff)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Participants per site, counts only: shown on the public page and in the sponsor console. */
export function Sites(props: { page: TrialPageAnswer }) {
  if (props.page.sites.length === 0) return <p>No one has enrolled yet.</p>;
  return (
    <table>
      <caption>Participants per site (counts only; who enrolled is not public)</caption>
      <TableHead columns={['Site', 'Enrolled', 'Withdrawn', 'Re-consented']} />
      <tbody>
        {props.page.sites.map((s) => (
          <tr key={s.siteOrgId}>
            <td>{s.siteOrgId}</td>
            <td>{s.counts.enrolled}</td>
            <td>{s.counts.withdrawn}</td>
            <td>{s.counts.reconsented}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Serious adverse events as committed, each against its reporting deadline (issue 16 §5). */
function Saes(props: { page: TrialPageAnswer }) {
  if (props.page.saes.length === 0) return <p>No serious adverse event is reported.</p>;
  return (
    <table>
      <caption>Serious adverse event reports (due in 7 days if fatal or life-threatening, else 15)</caption>
      <TableHead columns={['Block', 'Severity', 'Sponsor aware', 'Due', 'Reported']} />
      <tbody>
        {props.page.saes.map((s) => (
          <tr key={s.index}>
            <td>{s.height}</td>
            <td>{SEVERITY_WORDS[s.severity]}</td>
            <td>{day(s.awareAtMs)}</td>
            <td>{day(s.deadlineMs)}</td>
            <td>{s.late ? `Late, on ${day(s.reportedAtMs)}` : 'On time'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Verdict(props: { verdict: VerdictAnswer; page: TrialPageAnswer }) {
  const { verdict } = props;
  const rootOk = rootMatches(verdict, props.page);
  return (
    <>
      <p className={rootOk ? 'notice' : 'error'} role="status" data-testid="verdict-root">
        {rootOk
          ? `Checked in your browser: the proofs lead to the outcomes registered in version ${verdict.baselineVersion}, before the first enrolment.`
          : `The proofs do not lead to the outcomes of version ${verdict.baselineVersion}: do not trust this table.`}
      </p>
      <table data-testid="verdict-table">
        <caption>Reported outcomes against the registered ones</caption>
        <TableHead columns={['Verdict', 'Registered outcome', 'As reported', 'Proof']} />
        <tbody>
          {verdict.outcomes.map((entry, i) => {
            const holds = proofHolds(entry, verdict.outcomesRoot);
            return (
              <tr key={i}>
                <td>{VERDICT_WORDS[entry.verdict]}</td>
                <td>
                  {entry.registered
                    ? `${entry.registered.kind}: ${entry.registered.measure} (${entry.registered.timeFrame})`
                    : '—'}
                </td>
                <td>
                  {entry.reported
                    ? `${entry.reported.kind}: ${entry.reported.measure} (${entry.reported.timeFrame})`
                    : '—'}
                </td>
                <td>{holds === undefined ? 'nothing registered' : holds ? '✓ verified' : '✗ fails'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

export function TrialPage(props: { id: string }) {
  const [page, setPage] = useState<TrialPageAnswer>();
  const [verdict, setVerdict] = useState<VerdictAnswer | null>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    setPage(undefined);
    setVerdict(undefined);
    trialPage(props.id).then(setPage, setError);
    trialVerdict(props.id).then(setVerdict, (err: unknown) => {
      // No results yet is a state of the trial, not a failure of the page.
      if (err instanceof ApiFailure && err.code === 'trials.no_results') setVerdict(null);
      else setError(err);
    });
  }, [props.id]);
  const current = page?.versions[page.versions.length - 1];
  return (
    <section>
      <p>
        <Link href="/trials">← Trial registry</Link>
      </p>
      <h1>{current?.registration.title ?? `Trial ${shortHex(props.id)}`}</h1>
      <ErrorBanner error={error} />
      {page !== undefined && current !== undefined && (
        <>
          <Facts
            rows={[
              ['Registry numbers', Object.values(current.registration.identifiers).join(', ') || '—'],
              ['Sponsor', page.trial.sponsorOrgId],
              ['Arms', current.registration.arms.map((a) => a.label).join(', ')],
              ['Target enrolment', String(current.registration.targetEnrolment)],
              ['Database', page.trial.lock === null ? 'Open' : `Locked at block ${page.trial.lock.height}`],
              [
                'Allocation',
                page.trial.unblinding === null
                  ? 'Blind'
                  : `Unblinded at block ${page.trial.unblinding.height}: anyone can recompute every arm`,
              ],
              ['Results', <span data-testid="results-clock">{CLOCK_WORDS[page.resultsClock]}</span>],
            ]}
          />
          <Versions page={page} />
          <Sites page={page} />
          <Saes page={page} />
          <h2>Outcome verdict</h2>
          {verdict === null && <p>No results are posted yet.</p>}
          {verdict && <Verdict verdict={verdict} page={page} />}
        </>
      )}
    </section>
  );
}
