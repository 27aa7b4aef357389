// "Who looked at my data": every access event about the patient on the ledger, granted or denied, with
// its purpose; break-glass (emergency access without consent) is highlighted.
import { ProofButton } from '../../components/ProofButton.tsx';
import { useEffect, useState } from 'react';
import type { AccessLogAnswer } from '../../../../src/contract/records.ts';
import { Busy, ErrorBanner, Link, shortHex } from '../../components/ui.tsx';
import { request } from '../../lib/http.ts';
import { orgNamer, useOrgs } from '../../lib/network.ts';
import { useSession } from '../../lib/session.tsx';
import { PURPOSE_WORDS, resourceWords, ROLE_WORDS } from '../../lib/words.ts';

export function AccessLog() {
  const { current } = useSession();
  const orgs = useOrgs();
  const name = orgNamer(orgs);
  const [log, setLog] = useState<AccessLogAnswer>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    if (current === undefined) return;
    request<AccessLogAnswer>('/api/v1/patients/me/access-log?_count=100', {
      token: current.session.token,
    }).then(setLog, setError);
  }, [current]);
  const items = [...(log?.items ?? [])].sort((a, b) => b.height - a.height);
  return (
    <section aria-labelledby="log-title">
      <h2 id="log-title">Who looked at your data</h2>
      <p className="hint">
        Every time someone outside your own sign-in asks for your records, the answer (allowed or refused) is
        written to the ledger before anything is shown to them. A downloaded proof of any entry can be checked
        on the <Link href="/explorer/verify">verifier page</Link>, or with <code>carechain proof verify</code>
        .
      </p>
      <Busy label={log === undefined && error === undefined ? 'Loading the access log…' : undefined} />
      <ErrorBanner error={error} />
      {log !== undefined && items.length === 0 && <p>Nobody has asked for your records yet.</p>}
      <ol className="plain" aria-label="Accesses, newest first">
        {items.map((e) => {
          const types = [...new Set(e.records.map((r) => r.resourceType))];
          const who = `${e.requesterRole ? (ROLE_WORDS[e.requesterRole] ?? e.requesterRole).replace(/s$/, '') : 'someone'} at ${name(e.requesterOrgId)}`;
          return (
            <li key={e.eventId} className={e.isBreakGlass ? 'flagged' : undefined} data-outcome={e.outcome}>
              {e.isBreakGlass && (
                <p>
                  <strong className="bad">⚠ Emergency access (break-glass)</strong>: read without your
                  consent, with a written reason kept by {name(e.custodianOrgId)}.
                </p>
              )}
              <p>
                <strong className={e.outcome === 'granted' ? 'ok' : 'bad'}>
                  {e.outcome === 'granted' ? 'Allowed' : 'Refused'}
                </strong>
                : a {who} asked to {e.action === 'read' ? 'see' : 'add to'}{' '}
                {resourceWords(types) || 'your records'} for {PURPOSE_WORDS[e.purpose] ?? e.purpose}
                {e.outcome === 'denied'
                  ? ` (${e.reasonCode === 'consent.none' ? 'you had not allowed it' : e.reasonCode})`
                  : ''}
                .
              </p>
              <small className="hint">
                {new Date(e.timeMs).toLocaleString()} · practitioner {shortHex(e.requester, 10)} ·{' '}
                <Link href={`/explorer/tx/${e.txHash}`}>proof on the ledger</Link> ·{' '}
                <ProofButton txHash={e.txHash} what={`this access, ${new Date(e.timeMs).toLocaleString()}`} />
              </small>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
