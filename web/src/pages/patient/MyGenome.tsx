// "My genome" (issue 19 §6): the patient's genomes held by custodians, their research consent in plain
// words (from the DUO codes), and how many research queries counted each genome. The patient gives,
// changes or withdraws research consent here, signing the tx with their own key; a withdrawal takes them
// out of every count from the next block on.
import { useCallback, useEffect, useState } from 'react';
import { plainWords, type DataUse } from '../../../../src/app/genomics/duo/codes.ts';
import type { CanonicalValue } from '../../../../src/core/canonical.ts';
import type { MyGenomesBody } from '../../../../src/contract/genomics.ts';
import { Busy, ErrorBanner, Notice, shortHex, useAction } from '../../components/ui.tsx';
import { request } from '../../lib/http.ts';
import { signAndCommit } from '../../lib/ledger.ts';
import { orgNamer, useOrgs } from '../../lib/network.ts';
import { useSession } from '../../lib/session.tsx';

/** The choices the portal offers; a custodian's form may ask for more precise terms. */
const CHOICES: readonly { id: string; label: string; dataUse: DataUse }[] = [
  { id: 'gru', label: 'Any research', dataUse: { permission: { code: 'GRU' }, modifiers: [] } },
  { id: 'hmb', label: 'Health research only', dataUse: { permission: { code: 'HMB' }, modifiers: [] } },
  {
    id: 'hmb-npu',
    label: 'Health research by not-for-profit organisations, with ethics approval',
    dataUse: { permission: { code: 'HMB' }, modifiers: [{ code: 'IRB' }, { code: 'NPU' }] },
  },
];

export function ConsentWords(props: { dataUse: DataUse }) {
  return (
    <ul data-testid="research-consent-words">
      <li>{plainWords(props.dataUse.permission)}</li>
      {props.dataUse.modifiers.map((m) => (
        <li key={m.code}>{plainWords(m)}</li>
      ))}
    </ul>
  );
}

export function MyGenome() {
  const { current } = useSession();
  const name = orgNamer(useOrgs());
  const [mine, setMine] = useState<MyGenomesBody>();
  const [loadError, setLoadError] = useState<unknown>();
  const [choice, setChoice] = useState(CHOICES[0]!.id);
  const [notice, setNotice] = useState<string>();
  const [busy, error, run] = useAction();
  const token = current?.session.token;
  const load = useCallback(() => {
    if (token === undefined) return;
    request<MyGenomesBody>('/api/v1/genomics/genomes/mine', { token }).then(setMine, setLoadError);
  }, [token]);
  useEffect(load, [load]);
  if (current === undefined) return null;

  const consent = () =>
    run('Signing your research consent…', async () => {
      const picked = CHOICES.find((c) => c.id === choice)!;
      await signAndCommit(current.seed, 'genomics.consentResearch', {
        dataUse: picked.dataUse as unknown as CanonicalValue,
      });
      setNotice('Your research consent is recorded. It applies to every query from the next block on.');
      load();
    });
  const withdraw = () =>
    run('Withdrawing your research consent…', async () => {
      await signAndCommit(current.seed, 'genomics.withdrawResearch', {});
      setNotice('Withdrawn. From now on your genome is counted in no research query.');
      load();
    });

  const consentNow = mine?.researchConsent ?? null;
  return (
    <section aria-labelledby="genome-title">
      <h2 id="genome-title">My genome</h2>
      <p className="hint">
        Your genome stays encrypted with the organisation that holds it. Researchers can only ask whether a
        variant is present, or how many people carry it, and only people whose consent allows the research are
        counted.
      </p>
      <Busy label={mine === undefined && loadError === undefined ? 'Loading your genome…' : busy} />
      <ErrorBanner error={loadError ?? error} />
      <Notice text={notice} />
      {mine !== undefined && mine.genomes.length === 0 && <p>No genome of yours is held here.</p>}
      <ul className="plain" aria-label="Your genomes">
        {mine?.genomes.map((g) => (
          <li key={g.datasetId} data-testid="genome">
            Held by {name(g.orgId)} ({g.variantCount} variants, <code>{shortHex(g.datasetId)}</code>):{' '}
            <strong data-testid="queries-counted">
              counted in {g.queriesCounted} research {g.queriesCounted === 1 ? 'query' : 'queries'}
            </strong>
          </li>
        ))}
      </ul>
      <h3>Research consent</h3>
      {consentNow === null ? (
        <p data-testid="no-research-consent">You have not allowed research on your genome.</p>
      ) : (
        <>
          <p>You allow research on your genome on these terms:</p>
          <ConsentWords dataUse={consentNow as unknown as DataUse} />
          <button type="button" onClick={() => void withdraw()} disabled={busy !== undefined}>
            Withdraw my research consent
          </button>
        </>
      )}
      <fieldset>
        <legend>{consentNow === null ? 'Allow research' : 'Change my consent'}</legend>
        {CHOICES.map((c) => (
          <label key={c.id}>
            <input
              type="radio"
              name="research-consent"
              value={c.id}
              checked={choice === c.id}
              onChange={() => setChoice(c.id)}
            />{' '}
            {c.label}
          </label>
        ))}
        <button type="button" onClick={() => void consent()} disabled={busy !== undefined}>
          Sign my research consent
        </button>
      </fieldset>
    </section>
  );
}
