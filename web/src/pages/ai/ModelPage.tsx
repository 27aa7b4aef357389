// One AI model (issue 20 §6): its versions (lineage, status), the newest version's model card with the
// HTI-1 source attributes in the rule's groups, checked here against the hash on the chain, and the
// federated rounds that trained it, each with its participants and the hash of the masked sum.
import { useEffect, useState } from 'react';
import { ErrorBanner, Facts, shortHex, TableHead } from '../../components/ui.tsx';
import { SOURCE_ATTRIBUTE_GROUPS, type ModelCard } from '../../../../src/app/ai/model-card.ts';
import type { ModelLineageAnswer, ModelVersionAnswer } from '../../../../src/contract/ai.ts';
import { aiLineage, aiVersion, cardMatchesChain, cardOf } from '../../lib/ai.ts';

const GROUP_TITLES: Record<keyof typeof SOURCE_ATTRIBUTE_GROUPS, string> = {
  details: 'Details and output',
  purpose: 'Purpose',
  cautionedOutOfScopeUse: 'Cautioned and out-of-scope use',
  developmentAndInputFeatures: 'Development and input features',
  fairnessProcess: 'Fairness',
  externalValidation: 'External validation',
  quantitativePerformance: 'Quantitative performance',
  ongoingMaintenance: 'Ongoing maintenance',
  updateSchedule: 'Updates',
};

/** "trainingDataRelevanceToDeployedSetting" → "Training data relevance to deployed setting". */
const words = (name: string): string => {
  const spaced = name.replace(/([A-Z])/g, ' $1').toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
};

function CardView(props: { card: ModelCard; matches: boolean }) {
  return (
    <div data-testid="model-card">
      <p data-testid="card-check">
        {props.matches
          ? 'This card is the one registered: its hash matches the ledger.'
          : 'Warning: this card does not match the hash on the ledger.'}
      </p>
      {Object.entries(SOURCE_ATTRIBUTE_GROUPS).map(([group, names]) => (
        <div key={group}>
          <h4>{GROUP_TITLES[group as keyof typeof SOURCE_ATTRIBUTE_GROUPS]}</h4>
          <Facts rows={names.map((name) => [words(name), props.card[name]] as const)} />
        </div>
      ))}
    </div>
  );
}

export function ModelPage(props: { id: string }) {
  const [lineage, setLineage] = useState<ModelLineageAnswer>();
  const [latest, setLatest] = useState<ModelVersionAnswer>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    aiLineage(props.id).then((answer) => {
      setLineage(answer);
      const newest = answer.versions.at(-1);
      if (newest !== undefined) aiVersion(props.id, newest.version).then(setLatest, setError);
    }, setError);
  }, [props.id]);
  const card = latest === undefined ? undefined : cardOf(latest.documentReference);
  return (
    <section>
      <h1>AI model {shortHex(props.id)}</h1>
      <ErrorBanner error={error} />
      {lineage !== undefined && (
        <>
          <h2>Versions</h2>
          <table>
            <TableHead columns={['Version', 'Built on', 'Developer', 'Status', 'Registered at block']} />
            <tbody>
              {lineage.versions.map(({ version, record }) => (
                <tr key={version} data-testid="model-version">
                  <td>{version}</td>
                  <td>{record.parentVersion === null ? '—' : `version ${record.parentVersion}`}</td>
                  <td>{record.orgId}</td>
                  <td>{record.status === 'withdrawn' ? 'Withdrawn' : 'In use'}</td>
                  <td>{record.height}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Training rounds</h2>
          {lineage.rounds.length === 0 ? (
            <p>No federated rounds are recorded for this model.</p>
          ) : (
            <table>
              <caption>Each site's update was masked; only the sum was seen.</caption>
              <TableHead columns={['Round', 'Sites', 'Hash of the summed update', 'Block']} />
              <tbody>
                {lineage.rounds.map((r) => (
                  <tr key={r.round} data-testid="model-round">
                    <td>{r.round}</td>
                    <td>{r.participants.map((p) => p.orgId).join(', ')}</td>
                    <td>
                      <code>{shortHex(r.aggregateHash)}</code>
                    </td>
                    <td>{r.height}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
      {latest !== undefined && (
        <>
          <h2>Model card (version {latest.version})</h2>
          {card === undefined ? (
            <p>This node does not hold the card; the node that registered the model does.</p>
          ) : (
            <CardView card={card} matches={cardMatchesChain(card, latest)} />
          )}
        </>
      )}
    </section>
  );
}
