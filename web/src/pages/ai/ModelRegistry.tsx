// The public AI model registry (issue 20 §6): every registered model version with its developer, status
// and training cohort. Public on purpose, as the trial registry is: a model's card, lineage and federated
// rounds are only worth something if anyone can look. Each row links to the model's page.
import { useEffect, useState } from 'react';
import { ErrorBanner, Link, shortHex, TableHead } from '../../components/ui.tsx';
import type { ModelsAnswer } from '../../../../src/contract/ai.ts';
import { aiModels } from '../../lib/ai.ts';

export function ModelRegistry() {
  const [answer, setAnswer] = useState<ModelsAnswer>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    aiModels().then(setAnswer, setError);
  }, []);
  return (
    <section>
      <h1>AI model registry</h1>
      <p className="hint">
        Each model version was registered with its model card, the AI device it runs as, and the cohort of
        consenting patients it was trained on. Open a model to see its card, versions and training rounds.
      </p>
      <ErrorBanner error={error} />
      {answer !== undefined && answer.models.length === 0 && <p>No AI models are registered yet.</p>}
      {answer !== undefined && answer.models.length > 0 && (
        <table>
          <caption>{answer.models.length} registered model versions</caption>
          <TableHead columns={['Model', 'Version', 'Developer', 'Status', 'Training cohort']} />
          <tbody>
            {answer.models.map(({ modelId, version, record }) => {
              return (
                <tr key={`${modelId}/${version}`} data-testid="ai-model-row">
                  <td>
                    <Link href={`/ai/models/${modelId}`}>{shortHex(modelId)}</Link>
                  </td>
                  <td>{version}</td>
                  <td>{record.orgId}</td>
                  <td>{record.status === 'withdrawn' ? 'Withdrawn' : 'In use'}</td>
                  <td>
                    <code>{shortHex(record.cohortId)}</code>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
