// "AI and my data" (issue 20 §2, §5): the models trained on a cohort that included the patient, and every
// AI inference made on their records here, each labelled as AI-asserted. Withdrawing research consent
// (the consent tab) leaves them out of every later training round.
import { useEffect, useState } from 'react';
import { ErrorBanner, Link, shortHex } from '../../components/ui.tsx';
import type { MyAiAnswer } from '../../../../src/contract/ai.ts';
import { myAi } from '../../lib/ai.ts';
import { useSession } from '../../lib/session.tsx';

export function MyAi() {
  const { current } = useSession();
  const [answer, setAnswer] = useState<MyAiAnswer>();
  const [error, setError] = useState<unknown>();
  const token = current?.session.token;
  useEffect(() => {
    if (token !== undefined) myAi(token).then(setAnswer, setError);
  }, [token]);
  if (current === undefined) return null;
  const models =
    answer?.training.flatMap((c) => c.models.map((m) => ({ ...m, custodian: c.custodianOrgId }))) ?? [];
  return (
    <div data-testid="my-ai">
      <h2>AI and my data</h2>
      <ErrorBanner error={error} />
      {answer !== undefined && (
        <>
          <h3>Models trained with your data</h3>
          {models.length === 0 ? (
            <p data-testid="no-ai-training">No AI model has been trained with your data.</p>
          ) : (
            <ul>
              {models.map((m) => (
                <li key={`${m.modelId}/${m.version}`} data-testid="ai-training">
                  Your data at {m.custodian} trained model{' '}
                  <Link href={`/ai/models/${m.modelId}`}>{shortHex(m.modelId)}</Link>, version {m.version}
                  {m.status === 'withdrawn' ? ' (since withdrawn)' : ''}.
                </li>
              ))}
            </ul>
          )}
          <h3>AI results about you</h3>
          {answer.inferences.length === 0 ? (
            <p data-testid="no-ai-inference">No AI model has been run on your records.</p>
          ) : (
            <ul>
              {answer.inferences.map((i) => (
                <li key={i.riskAssessmentId} data-testid="ai-inference">
                  AI-asserted risk of {Math.round(i.probability * 100)}% from model{' '}
                  <Link href={`/ai/models/${i.modelId}`}>{shortHex(i.modelId)}</Link>, version {i.version}, on{' '}
                  {i.occurrence.slice(0, 10)}.
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}
