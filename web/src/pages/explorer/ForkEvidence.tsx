// Fork evidence in the explorer (issue 15): checkpoints a witness refused because a member's key signed
// a second history (another root at a cosigned size, or growth no consistency proof links), committed
// on chain as consensus.forkEvidence txs (GET /api/v1/witness/evidence). Shown to everyone: a fork
// attempt is exactly what outside watchers need to see.
import { useEffect, useState } from 'react';
import { ErrorBanner, Link, shortHex } from '../../components/ui.tsx';
import type { ForkEvidenceList } from '../../../../src/contract/witness.ts';
import { request } from '../../lib/http.ts';

const KIND_LABEL: Record<string, string> = {
  'same-size-other-root': 'another root at a size already cosigned',
  inconsistent: 'growth not consistent with the cosigned log',
};

export function ForkEvidence() {
  const [list, setList] = useState<ForkEvidenceList['evidence']>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    const load = () =>
      request<ForkEvidenceList>('/api/v1/witness/evidence')
        .then((answer) => {
          setList(answer.evidence);
          setError(undefined);
        })
        .catch(setError);
    void load();
    const timer = setInterval(() => void load(), 5000);
    return () => clearInterval(timer);
  }, []);
  return (
    <section aria-labelledby="evidence-title" className="panel">
      <h2 id="evidence-title">Fork evidence</h2>
      <ErrorBanner error={error} />
      {list !== undefined && list.length === 0 && (
        <p className="hint">No witness has refused a checkpoint of this log.</p>
      )}
      {list !== undefined && list.length > 0 && (
        <ol className="plain" aria-label="Fork evidence">
          {list.map((e) => (
            <li key={e.txHash}>
              Refused checkpoint of size {e.size}: {KIND_LABEL[e.kind] ?? e.kind}; signed by{' '}
              {e.signedBy.map((k) => (
                <code key={k}>{shortHex(k, 10)} </code>
              ))}
              (reported by <code>{shortHex(e.reportedBy, 10)}</code>, block {e.committedAt}){' '}
              <Link href={`/explorer/tx/${e.txHash}`}>evidence tx</Link>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
