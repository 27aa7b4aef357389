// The dataset owner's view (issue 19 §5, §6): the genomes this organisation holds, each with its data-use
// terms (DUO, in plain words), whether its person's research consent lets a query count them, and how many
// Beacon queries counted it, as a table and as a bar chart. Aggregates only: the node sends no pseudonym
// and nothing of a genotype, so the page cannot show them.
import { useEffect, useState } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { plainWords, type DataUse } from '../../../../src/app/genomics/duo/codes.ts';
import { OWNED_DATASETS_PATH, type OwnedDatasetsBody } from '../../../../src/contract/genomics.ts';
import { Busy, ErrorBanner, shortHex, TableHead } from '../../components/ui.tsx';
import { request } from '../../lib/http.ts';
import { useSession } from '../../lib/session.tsx';

type Dataset = OwnedDatasetsBody['datasets'][number];

function termsWords(dataUse: DataUse): string {
  return [dataUse.permission, ...dataUse.modifiers].map((t) => `${t.code}: ${plainWords(t)}`).join('; ');
}

const queriesWords = (n: number) => `${n} ${n === 1 ? 'query' : 'queries'}`;

/** Queries counted per genome; the table above says the same in words, so the chart is hidden from readers. */
function UsageChart(props: { datasets: readonly Dataset[] }) {
  const data = props.datasets.map((d) => ({ genome: shortHex(d.datasetId, 8), queries: d.queriesCounted }));
  return (
    <figure className="trend" data-testid="usage-chart">
      <figcaption>
        <strong>Queries counted per genome</strong>
      </figcaption>
      <div className="trend-chart" aria-hidden="true">
        <ResponsiveContainer width="100%" height={200}>
          <BarChart accessibilityLayer={false} data={data} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
            <CartesianGrid stroke="#d8dde6" strokeDasharray="3 3" />
            <XAxis dataKey="genome" />
            <YAxis allowDecimals={false} width="auto" />
            <Tooltip />
            <Bar dataKey="queries" name="Queries counted" fill="#0b6e6e" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

export function GenomeDatasets() {
  const { current } = useSession();
  const token = current?.session.token;
  const [owned, setOwned] = useState<OwnedDatasetsBody>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    if (token === undefined) return;
    request<OwnedDatasetsBody>(OWNED_DATASETS_PATH, { token }).then(setOwned, setError);
  }, [token]);
  if (current === undefined) return null;
  const datasets = owned?.datasets ?? [];
  return (
    <section>
      <h1>Genomes we hold</h1>
      <p className="hint">
        Each genome stays encrypted here. Researchers ask the Beacon whether a variant is present, or how many
        people carry it; a genome is counted only if its terms and its person's research consent allow the
        research. You see how often each genome was counted, never who was asked about.
      </p>
      <Busy
        label={
          owned === undefined && error === undefined ? 'Loading your organisation’s genomes…' : undefined
        }
      />
      <ErrorBanner error={error} />
      {owned !== undefined && datasets.length === 0 && <p>Your organisation holds no genome here yet.</p>}
      {datasets.length > 0 && (
        <>
          <table aria-label="Genomes and their usage">
            <TableHead
              columns={[
                'Genome',
                'Variants',
                'Data-use terms',
                'Research consent',
                'Registered at block',
                'Counted in',
              ]}
            />
            <tbody>
              {datasets.map((d) => (
                <tr key={d.datasetId} data-testid="owned-genome" data-dataset={d.datasetId}>
                  <td>
                    <code>{shortHex(d.datasetId)}</code>
                    {d.status === 'erased' ? ' (erased)' : ''}
                  </td>
                  <td>{d.variantCount}</td>
                  <td>{termsWords(d.dataUse as unknown as DataUse)}</td>
                  <td>{d.consentAllowsCounting ? 'Given: may be counted' : 'None: never counted'}</td>
                  <td>{d.height}</td>
                  <td data-testid="owned-queries">{queriesWords(d.queriesCounted)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {owned?.truncated === true && <p className="hint">Only the first genomes are listed.</p>}
          <UsageChart datasets={datasets} />
        </>
      )}
    </section>
  );
}
