// The insurer workspace (issue 17 §7): the payer's claims office, at its own node, sees the claims and
// prior-authorisation requests sent to its organisation (no other payer's), opens a claim to check its
// documentation's existence and timing from the chain, adjudicates it, decides a pended PA request
// against its clock, and reads the figures CMS-0057-F asks it to publish. The node signs every tx.
import { useCallback, useEffect, useState } from 'react';
import type { WorkspaceAnswer } from '../../../../src/contract/claims.ts';
import { Busy, ErrorBanner } from '../../components/ui.tsx';
import { workspace } from '../../lib/claims.ts';
import { useSession } from '../../lib/session.tsx';
import { ClaimQueue } from './ClaimQueue.tsx';
import { PayerMetricsPanel } from './PayerMetricsPanel.tsx';
import { PriorAuthQueue } from './PriorAuthQueue.tsx';

export function InsurerWorkspace() {
  const { current } = useSession();
  const token = current?.session.token;
  const [answer, setAnswer] = useState<WorkspaceAnswer>();
  const [error, setError] = useState<unknown>();
  const reload = useCallback(() => {
    if (token === undefined) return;
    setError(undefined);
    workspace(token).then(setAnswer, setError);
  }, [token]);
  useEffect(reload, [reload]);
  if (token === undefined) return null;
  return (
    <section>
      <h1>Insurer workspace</h1>
      <Busy label={answer === undefined && error === undefined ? 'Loading your queue…' : undefined} />
      <ErrorBanner error={error} />
      {answer !== undefined && (
        <>
          <p className="hint">
            Claims and prior-authorisation requests sent to {answer.payerOrgId}, as of block {answer.height}.
            {answer.latestTableVersion === 0
              ? ' You have published no rule table yet, so claims cannot be adjudicated.'
              : ` Adjudication runs under your rule table version ${answer.latestTableVersion}.`}
          </p>
          <div className="actions">
            <button type="button" className="secondary" onClick={reload}>
              Reload
            </button>
          </div>
          <PriorAuthQueue
            token={token}
            requests={answer.priorAuth}
            asOfMs={answer.asOfMs}
            onDecided={reload}
          />
          <ClaimQueue token={token} claims={answer.claims} onAdjudicated={reload} />
          <PayerMetricsPanel metrics={answer.metrics} />
        </>
      )}
    </section>
  );
}
