// The patient's portal: their records, their consents, who looked at their data, their data to take
// away or erase, the clinical trials they take part in, their genome's research consent and use, and the AI models
// trained on or run on their data.
// Everything the patient signs (consent, erasure) is signed in this page. A badge on
// the consent tab counts the requests waiting for an answer, kept current by the patient's own event
// stream (lib/live.ts), which also refreshes the consent tab without a reload.
import { useCallback, useEffect, useState } from 'react';
import { myConsentRequests } from '../../lib/consents.ts';
import { useConsentEvents } from '../../lib/live.ts';
import { BASE_POLICY_WORDS, useBasePolicy } from '../../lib/network.ts';
import { useSession } from '../../lib/session.tsx';
import { AccessLog } from './AccessLog.tsx';
import { ConsentManager } from './ConsentManager.tsx';
import { MyData } from './MyData.tsx';
import { MyTrials } from './MyTrials.tsx';
import { MyClaims } from './MyClaims.tsx';
import { MyGenome } from './MyGenome.tsx';
import { MyAi } from './MyAi.tsx';
import { Timeline } from './Timeline.tsx';

const TABS = [
  { id: 'records', label: 'My records' },
  { id: 'consent', label: 'Who may see my data' },
  { id: 'log', label: 'Who looked at my data' },
  { id: 'data', label: 'Share, download or erase' },
  { id: 'trials', label: 'My trials' },
  { id: 'genome', label: 'My genome' },
  { id: 'ai', label: 'AI and my data' },
  { id: 'claims', label: 'My claims' },
] as const;
type TabId = (typeof TABS)[number]['id'];

export function PatientPortal() {
  const { current } = useSession();
  const [tab, setTab] = useState<TabId>('records');
  const policy = useBasePolicy();
  /** Consent events seen so far: the consent tab reloads on each. */
  const [changes, setChanges] = useState(0);
  const [waiting, setWaiting] = useState(0);
  const token = current?.session.token;
  const countWaiting = useCallback(() => {
    if (token === undefined) return;
    myConsentRequests(token).then(
      (requests) => setWaiting(requests.filter((r) => r.status === 'pending').length),
      () => undefined,
    );
  }, [token]);
  useEffect(countWaiting, [countWaiting]);
  useConsentEvents(() => {
    setChanges((n) => n + 1);
    countWaiting();
  });
  if (current === undefined) return null;
  const focusTab = (index: number) => {
    const next = TABS[(index + TABS.length) % TABS.length]!;
    setTab(next.id);
    document.getElementById(`tab-${next.id}`)?.focus();
  };
  return (
    <section>
      <h1>Your health records</h1>
      <p className="hint">
        Your carechain ID: <code>{current.session.patient?.slice(0, 16)}…</code>
      </p>
      {policy !== undefined && (
        <p className="hint" data-testid="base-policy">
          On this network: {BASE_POLICY_WORDS[policy]}
        </p>
      )}
      {/* WAI-ARIA Authoring Practices "Tabs": arrow keys move between tabs. */}
      <div className="tabs" role="tablist" aria-label="Patient portal">
        {TABS.map((t, i) => (
          <button
            key={t.id}
            id={`tab-${t.id}`}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            aria-controls={`panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => setTab(t.id)}
            onKeyDown={(e) => {
              if (e.key === 'ArrowRight') focusTab(i + 1);
              if (e.key === 'ArrowLeft') focusTab(i - 1);
            }}
          >
            {t.label}
            {t.id === 'consent' && waiting > 0 && (
              <span className="badge" data-testid="requests-waiting">
                {waiting} {waiting === 1 ? 'request' : 'requests'} waiting
              </span>
            )}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'records' && <Timeline />}
        {tab === 'consent' && <ConsentManager changes={changes} />}
        {tab === 'log' && <AccessLog />}
        {tab === 'data' && <MyData />}
        {tab === 'trials' && <MyTrials />}
        {tab === 'genome' && <MyGenome />}
        {tab === 'ai' && <MyAi />}
        {tab === 'claims' && <MyClaims />}
      </div>
    </section>
  );
}
