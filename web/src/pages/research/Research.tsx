// The researcher's Beacon page (issue 19 §6): ask whether consented people carry a variant, as variants
// or as individuals, yes/no or a count, and see the budget every question spends. The budget is one for
// the whole network, kept on the ledger: each answer says how much of it is used, and once it is spent
// every beacon refuses (the refusal reads as a sentence, error-sentences.ts).
import { useState, type FormEvent } from 'react';
import type { GVariantsResponse } from '../../../../src/contract/beacon.ts';
import { Field, SelectField } from '../../components/form.tsx';
import { Busy, ErrorBanner, SubmitButton, useAction } from '../../components/ui.tsx';
import { request } from '../../lib/http.ts';
import { useSession } from '../../lib/session.tsx';

type Entity = 'g_variants' | 'individuals';
const ENTITY_WORDS: Record<Entity, string> = {
  g_variants: 'Variants',
  individuals: 'Individuals who carry it',
};
type Granularity = 'boolean' | 'count';
const GRANULARITY_WORDS: Record<Granularity, string> = { boolean: 'Yes or no', count: 'How many' };

/** A select of the options `words` names, in its order. */
function choice<T extends string>(
  id: string,
  label: string,
  value: T,
  set: (v: T) => void,
  words: Record<T, string>,
) {
  const options = Object.keys(words) as T[];
  return (
    <SelectField id={id} label={label} value={value} set={set} options={options} words={(o) => words[o]} />
  );
}

const bits = (milliBits: number) => (milliBits / 1000).toLocaleString('en', { maximumFractionDigits: 3 });

function Answer(props: { answer: GVariantsResponse }) {
  const { responseSummary, info } = props.answer;
  const n = responseSummary.numTotalResults;
  const people = (count: number) => `${count} ${count === 1 ? 'person carries' : 'people carry'} it`;
  const text = responseSummary.exists
    ? n === undefined
      ? 'Yes: someone who consented carries it.'
      : `Yes: ${people(n)}.`
    : 'No: no one whose consent allows your use carries it (a very rare count may be answered as none).';
  return (
    <div role="status">
      <p className={responseSummary.exists ? 'ok' : 'notice'} data-testid="beacon-answer">
        {text}
      </p>
      <p data-testid="research-budget">
        Your budget: {bits(info.budget.spentMilliBits)} of {bits(info.budget.limitMilliBits)} bits used,
        across every beacon of the network.
      </p>
    </div>
  );
}

export function Research() {
  const { current } = useSession();
  const [chromosome, setChromosome] = useState('19');
  const [start, setStart] = useState('');
  const [referenceBases, setReferenceBases] = useState('');
  const [alternateBases, setAlternateBases] = useState('');
  const [entity, setEntity] = useState<Entity>('g_variants');
  const [granularity, setGranularity] = useState<Granularity>('count');
  const [answer, setAnswer] = useState<GVariantsResponse>();
  const [busy, error, run] = useAction();
  if (current === undefined) return null;
  const ask = (event: FormEvent) => {
    event.preventDefault();
    setAnswer(undefined);
    void run('Asking — the question’s price is being recorded on the ledger…', async () => {
      const query = new URLSearchParams({
        referenceName: chromosome.trim(),
        start: start.trim(),
        referenceBases: referenceBases.trim().toUpperCase(),
        alternateBases: alternateBases.trim().toUpperCase(),
        requestedGranularity: granularity,
      });
      setAnswer(
        await request<GVariantsResponse>(`/beacon/v2/${entity}?${query}`, { token: current.session.token }),
      );
    });
  };
  return (
    <section>
      <h1>Genomic research</h1>
      <p className="hint">
        Ask whether people carry a variant (GRCh38). Only people whose research consent, and whose custodian’s
        data-use terms, allow health research are counted. Every question spends from one budget, shared by
        every beacon of the network, so that no one can find out who is in it.
      </p>
      <form className="panel" onSubmit={ask} aria-labelledby="ask-title">
        <h2 id="ask-title">Ask the beacon</h2>
        <div className="row">
          <div>
            <Field id="ask-chromosome" label="Chromosome" value={chromosome} set={setChromosome} />
          </div>
          <div>
            <Field
              id="ask-start"
              label="Position (0-based start)"
              value={start}
              set={setStart}
              inputMode="numeric"
            />
          </div>
        </div>
        <div className="row">
          <div>
            <Field id="ask-ref" label="Reference bases" value={referenceBases} set={setReferenceBases} />
          </div>
          <div>
            <Field id="ask-alt" label="Alternate bases" value={alternateBases} set={setAlternateBases} />
          </div>
        </div>
        <div className="row">
          <div>{choice('ask-entity', 'Ask about', entity, setEntity, ENTITY_WORDS)}</div>
          <div>{choice('ask-granularity', 'Answer', granularity, setGranularity, GRANULARITY_WORDS)}</div>
        </div>
        <SubmitButton disabled={busy !== undefined}>Ask</SubmitButton>
        <Busy label={busy} />
        <ErrorBanner error={error} />
        {answer !== undefined && <Answer answer={answer} />}
      </form>
    </section>
  );
}
