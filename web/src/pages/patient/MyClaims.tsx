// "My claims" (issue 17 §6): the patient's explanations of benefit. A payer's node keeps the EOBs it
// wrote; the node the patient signed in at asks every member insurer's node for theirs, with the patient's
// own signed delegation (services/claims/eob-exchange.ts). Each shows
// what was billed, what the plan paid and what the patient owes, and opens to its lines with the reasons
// a line was reduced or denied (X12 CARC codes).
import type { ExplanationOfBenefit } from 'fhir/r4.js';
import { useEffect, useState } from 'react';
import { Busy, ErrorBanner, OpenToggle, TableHead } from '../../components/ui.tsx';
import { dollars, eobCents, myEobs } from '../../lib/claims.ts';
import { useSession } from '../../lib/session.tsx';

const OUTCOME_WORDS: Record<string, string> = {
  complete: 'Processed',
  partial: 'Partly paid',
  queued: 'Waiting',
  error: 'Error',
};

const orgOf = (ref: ExplanationOfBenefit['provider']) => ref?.identifier?.value ?? ref?.display ?? '—';

export function MyClaims() {
  const { current } = useSession();
  const token = current?.session.token;
  const [eobs, setEobs] = useState<ExplanationOfBenefit[]>();
  const [error, setError] = useState<unknown>();
  const [open, setOpen] = useState<string>();
  useEffect(() => {
    if (token !== undefined) myEobs(token).then(setEobs, setError);
  }, [token]);
  const opened = eobs?.find((e) => e.id === open);
  return (
    <section className="panel" aria-labelledby="eob-title">
      <h2 id="eob-title">My explanations of benefit</h2>
      <p className="hint">
        What your insurer decided about each claim for your care: what was billed, what your plan paid, and
        what you owe. Insurers that are members of this network send them here; others do not yet.
      </p>
      <Busy
        label={
          eobs === undefined && error === undefined ? 'Loading your explanations of benefit…' : undefined
        }
      />
      <ErrorBanner error={error} />
      {eobs !== undefined &&
        (eobs.length === 0 ? (
          <p>No explanations of benefit here.</p>
        ) : (
          <table aria-label="Explanations of benefit, newest first">
            <TableHead
              columns={['Decided', 'Provider', 'Service', 'Outcome', 'Billed', 'Plan paid', 'You owe', '']}
            />
            <tbody>
              {eobs.map((eob) => (
                <tr key={eob.id} data-eob={eob.id}>
                  <td>{eob.created === undefined ? '—' : new Date(eob.created).toLocaleDateString()}</td>
                  <td>{orgOf(eob.provider)}</td>
                  <td>{eob.billablePeriod?.start ?? '—'}</td>
                  <td>
                    {eob.disposition === 'denied' ? 'Denied' : (OUTCOME_WORDS[eob.outcome] ?? eob.outcome)}
                  </td>
                  <td>{dollars(eobCents(eob.total, 'submitted'))}</td>
                  <td>{dollars(eobCents(eob.total, 'paidtoprovider'))}</td>
                  <td>{dollars(eobCents(eob.total, 'memberliability'))}</td>
                  <td>
                    <OpenToggle id={eob.id!} open={open} setOpen={setOpen}>
                      Details
                    </OpenToggle>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      {opened !== undefined && <EobLines eob={opened} />}
    </section>
  );
}

function EobLines(props: { eob: ExplanationOfBenefit }) {
  return (
    <table aria-label="Lines of this explanation of benefit">
      <TableHead
        columns={['Line', 'Service', 'Date', 'Billed', 'Allowed', 'Plan paid', 'You owe', 'Reasons']}
      />
      <tbody>
        {(props.eob.item ?? []).map((item) => {
          const reasons = (item.adjudication ?? []).flatMap((a) =>
            (a.reason?.coding ?? []).map((c) => `CARC ${c.code}`),
          );
          return (
            <tr key={item.sequence}>
              <td>{item.sequence}</td>
              <td>{item.productOrService.coding?.[0]?.code ?? '—'}</td>
              <td>{item.servicedDate ?? '—'}</td>
              <td>{dollars(eobCents(item.adjudication, 'submitted'))}</td>
              <td>{dollars(eobCents(item.adjudication, 'eligible'))}</td>
              <td>{dollars(eobCents(item.adjudication, 'paidtoprovider'))}</td>
              <td>{dollars(eobCents(item.adjudication, 'memberliability'))}</td>
              <td>{reasons.length === 0 ? '—' : reasons.join(', ')}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
