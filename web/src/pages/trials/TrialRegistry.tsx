// The public trial registry (issue 16): every registered trial with its protocol version, enrolment and
// results clock. Public on purpose: registration before enrolment is only worth something if anyone can
// look. Each row links to the trial's page.
import { useEffect, useState } from 'react';
import { ErrorBanner, Link, shortHex, TableHead } from '../../components/ui.tsx';
import type { RegistryAnswer } from '../../../../src/contract/trials.ts';
import { CLOCK_WORDS, registry } from '../../lib/trials.ts';

export function TrialRegistry() {
  const [answer, setAnswer] = useState<RegistryAnswer>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    registry().then(setAnswer, setError);
  }, []);
  return (
    <section>
      <h1>Clinical trial registry</h1>
      <p className="hint">
        Each trial's outcomes were committed on the ledger before anyone enrolled. Open a trial to see every
        protocol version and how its reported outcomes compare with the registered ones.
      </p>
      <ErrorBanner error={error} />
      {answer !== undefined && answer.trials.length === 0 && <p>No trials are registered yet.</p>}
      {answer !== undefined && answer.trials.length > 0 && (
        <table>
          <caption>{answer.total} registered trials</caption>
          <TableHead columns={['Trial', 'Registry number', 'Sponsor', 'Version', 'Enrolled', 'Results']} />
          <tbody>
            {answer.trials.map((t) => (
              <tr key={t.id}>
                <td>
                  <Link href={`/trials/${t.id}`}>{t.title || shortHex(t.id)}</Link>
                </td>
                <td>{t.nct ?? '—'}</td>
                <td>{t.sponsorOrgId}</td>
                <td>{t.version}</td>
                <td>{t.enrolments}</td>
                <td>{CLOCK_WORDS[t.resultsClock]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
