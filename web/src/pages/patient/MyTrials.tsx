// "My trials" (issue 16 §3): each trial the patient enrolled in, the protocol version they consented to
// and the current one. After a material amendment their data stops flowing to the sponsor until they
// re-consent here (signed with their own key in this page); withdrawing is one signed tx too, and it
// cannot be taken back.
import { useCallback, useEffect, useState } from 'react';
import { Busy, ErrorBanner, Link, Notice, useAction } from '../../components/ui.tsx';
import { ConfirmButton } from '../../components/confirm.tsx';
import type { MyTrialsAnswer } from '../../../../src/contract/trials.ts';
import { useSession } from '../../lib/session.tsx';
import { myTrials, reconsent, withdraw } from '../../lib/trials.ts';

type Participation = MyTrialsAnswer['trials'][number];

function consentWords(t: Participation): string {
  if (t.status === 'withdrawn') return 'You withdrew: no data flows to the sponsor.';
  if (t.needsReconsent) {
    return `The protocol changed (version ${t.currentVersion}). Until you consent again, your data does not flow to the sponsor.`;
  }
  return `You consent to version ${t.consentedVersion}; your data flows to the sponsor under it.`;
}

export function MyTrials() {
  const { current } = useSession();
  const [trials, setTrials] = useState<Participation[]>();
  const [loadError, setLoadError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const [busy, error, run] = useAction();
  const token = current?.session.token;
  const load = useCallback(() => {
    if (token !== undefined) myTrials(token).then(setTrials, setLoadError);
  }, [token]);
  useEffect(load, [load]);
  if (current === undefined) return null;
  const act = (label: string, work: () => Promise<{ height: number }>, said: (height: number) => string) =>
    void run(label, async () => {
      setDone(undefined);
      const { height } = await work();
      setDone(said(height));
      load();
    });
  return (
    <div>
      <h2>My trials</h2>
      <ErrorBanner error={loadError} />
      {trials !== undefined && trials.length === 0 && <p>You are not enrolled in any clinical trial.</p>}
      <ul>
        {trials?.map((t) => (
          <li key={t.trialId} data-testid="my-trial">
            <h3>
              <Link href={`/trials/${t.trialId}`}>{t.title}</Link>
            </h3>
            <p data-testid="trial-consent">{consentWords(t)}</p>
            <div className="actions">
              {t.needsReconsent && (
                <button
                  type="button"
                  disabled={busy !== undefined}
                  onClick={() =>
                    act(
                      'Signing your consent to the new version…',
                      () => reconsent(current.seed, t.trialId, t.currentVersion),
                      (height) => `You consent to version ${t.currentVersion} (block ${height}).`,
                    )
                  }
                >
                  Consent to version {t.currentVersion}
                </button>
              )}
              {t.status === 'enrolled' && (
                <ConfirmButton
                  label="Withdraw"
                  question="Withdraw from this trial?"
                  confirm="Yes, withdraw"
                  disabled={busy !== undefined}
                  onConfirm={() =>
                    act(
                      'Signing your withdrawal…',
                      () => withdraw(current.seed, t.trialId),
                      (height) => `You withdrew (block ${height}).`,
                    )
                  }
                >
                  <p>
                    No further data about you flows to the sponsor. The sponsor sees that one participant
                    withdrew, not who. This cannot be undone.
                  </p>
                </ConfirmButton>
              )}
            </div>
          </li>
        ))}
      </ul>
      <Busy label={busy} />
      <ErrorBanner error={error} />
      <Notice text={done} />
    </div>
  );
}
