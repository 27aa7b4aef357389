// Claims sent to this payer, newest first. A line billed before (to this payer or any other) is flagged
// as a duplicate. Opening a claim shows each line's documentation as the chain has it: the cited record
// versions, their custodian, and whether they were committed before the claim; then the claims office
// adjudicates it under its latest rule table and sees the answer and its rule-table version.
import { useEffect, useState } from 'react';
import type { ClaimEntry } from '../../../../src/app/claims/ledger-types.ts';
import type { AdjudicationAnswer, DocumentationAnswer } from '../../../../src/contract/claims.ts';
import {
  Busy,
  ErrorBanner,
  Facts,
  OpenToggle,
  shortHex,
  TableHead,
  useAction,
} from '../../components/ui.tsx';
import { adjudicateClaim, documentation, dollars } from '../../lib/claims.ts';

const STATUS_WORDS: Record<ClaimEntry['status'], string> = {
  submitted: 'Awaiting adjudication',
  adjudicated: 'Adjudicated',
  replaced: 'Replaced',
  voided: 'Voided',
};

const duplicates = (claim: ClaimEntry) => claim.lines.filter((l) => l.verdict === 'duplicate').length;

export function ClaimQueue(props: {
  token: string;
  claims: readonly ClaimEntry[];
  onAdjudicated: () => void;
}) {
  const [open, setOpen] = useState<string>();
  const opened = props.claims.find((c) => c.claimId === open);
  return (
    <section className="panel" aria-labelledby="claims-title">
      <h2 id="claims-title">Claims</h2>
      {props.claims.length === 0 ? (
        <p>No claims so far.</p>
      ) : (
        <table aria-label="Claims, newest first">
          <TableHead columns={['Claim', 'From', 'Patient', 'Submitted', 'Lines', 'Status', '']} />
          <tbody>
            {props.claims.map((c) => {
              const dup = duplicates(c);
              return (
                <tr key={c.claimId} data-claim={c.claimId} className={dup > 0 ? 'flagged' : undefined}>
                  <td>
                    <code>{shortHex(c.claimId)}</code>
                  </td>
                  <td>{c.providerOrgId}</td>
                  <td>
                    <code>{shortHex(c.patientPseudonym, 10)}</code>
                  </td>
                  <td>{new Date(c.submittedAtMs).toLocaleString()}</td>
                  <td>
                    {c.lines.length}
                    {dup > 0 && <strong className="bad"> · {dup} duplicate</strong>}
                  </td>
                  <td>{STATUS_WORDS[c.status]}</td>
                  <td>
                    <OpenToggle id={c.claimId} open={open} setOpen={setOpen}>
                      Open
                    </OpenToggle>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {opened !== undefined && (
        <ClaimDetail
          key={opened.claimId}
          token={props.token}
          claim={opened}
          onAdjudicated={props.onAdjudicated}
        />
      )}
    </section>
  );
}

function ClaimDetail(props: { token: string; claim: ClaimEntry; onAdjudicated: () => void }) {
  const { claim, token } = props;
  const [docs, setDocs] = useState<DocumentationAnswer>();
  const [docsError, setDocsError] = useState<unknown>();
  const [answer, setAnswer] = useState<AdjudicationAnswer>();
  const [busy, error, run] = useAction();
  useEffect(() => {
    documentation(token, claim.claimId).then(setDocs, setDocsError);
  }, [token, claim.claimId]);
  const adjudicate = () =>
    run('Adjudicating: fetching the claim from the provider’s node and recording the result…', async () => {
      setAnswer(await adjudicateClaim(token, claim.claimId));
      props.onAdjudicated();
    });
  const dup = duplicates(claim);
  const result = answer?.adjudication;
  const committed = claim.adjudication;
  return (
    <section className="panel" aria-labelledby="claim-detail-title">
      <h3 id="claim-detail-title">Claim {shortHex(claim.claimId)}</h3>
      {dup > 0 && (
        <p className="error" role="alert">
          Duplicate alert: {dup} line{dup === 1 ? ' was' : 's were'} billed before, to this payer or another.
        </p>
      )}
      <Busy
        label={docs === undefined && docsError === undefined ? 'Checking the documentation…' : undefined}
      />
      <ErrorBanner error={docsError} />
      {docs !== undefined && (
        <table aria-label="Documentation on the chain">
          <TableHead columns={['Line', 'Record', 'Kept by', 'Committed', 'Before the claim']} />
          <tbody>
            {docs.lines.flatMap((line) =>
              line.documentation.map((d) => (
                <tr key={`${line.sequence}/${d.recordId}/${d.version}`}>
                  <td>{line.sequence}</td>
                  <td>
                    {d.resourceType ?? 'Unknown record'} <code>{shortHex(d.recordId, 8)}</code> v{d.version}
                  </td>
                  <td>{d.custodianOrgId ?? '—'}</td>
                  <td>
                    {d.committedAtMs === null
                      ? 'Not on the chain'
                      : `block ${d.committedAtHeight}, ${new Date(d.committedAtMs).toLocaleString()}`}
                  </td>
                  <td className={d.beforeClaim && d.samePatient ? 'ok' : 'bad'}>
                    {d.beforeClaim && d.samePatient ? '✓ yes' : '✗ no'}
                  </td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      )}
      {committed !== null ? (
        <Facts
          rows={[
            ['Outcome', committed.outcome],
            ['Benefit', dollars(committed.totalBenefitCents)],
            ['Patient share', dollars(committed.totalPatientCents)],
            ['Rule table', `version ${committed.tableVersion}`],
            ['Recorded', `block ${committed.height}`],
          ]}
        />
      ) : (
        claim.status === 'submitted' && (
          <div className="actions">
            <button type="button" disabled={busy !== undefined} onClick={() => void adjudicate()}>
              Adjudicate
            </button>
          </div>
        )
      )}
      <Busy label={busy} />
      <ErrorBanner error={error} />
      {result !== undefined && (
        <p role="status">
          Adjudicated under rule table version {result.tableVersion}: {result.outcome}, benefit{' '}
          {dollars(result.totalBenefitCents)}, patient share {dollars(result.totalPatientCents)} (block{' '}
          {answer!.height}).
        </p>
      )}
    </section>
  );
}
