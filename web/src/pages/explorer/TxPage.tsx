// One transaction, and the button that proves it is in the ledger: the browser fetches the inclusion
// proof (with its checkpoint) and the validator-set changes governance made, and checks every step
// itself from the genesis validator keys, following each change (lib/verify-proof.ts), listing each step with ✓ or ✗ (components/VerifySteps.tsx). A proof file to
// keep is on the verifier page (/explorer/verify).
import { useEffect, useState } from 'react';
import { Busy, ErrorBanner, Facts, Link, shortHex, useAction } from '../../components/ui.tsx';
import { VerifySteps } from '../../components/VerifySteps.tsx';
import type { ValidatorSetChanges } from '../../../../src/contract/governance.ts';
import type { InclusionProofBody, StoredTxAnswer } from '../../../../src/contract/ledger.ts';
import { request } from '../../lib/http.ts';
import { loadGenesis } from '../../lib/network.ts';
import { verifyTxProof, type Step } from '../../lib/verify-proof.ts';

export function TxPage(props: { hash: string }) {
  const [stored, setStored] = useState<StoredTxAnswer>();
  const [loadError, setLoadError] = useState<unknown>();
  const [steps, setSteps] = useState<Step[]>();
  const [busy, error, run] = useAction();
  useEffect(() => {
    setStored(undefined);
    setSteps(undefined);
    request<StoredTxAnswer>(`/api/v1/txs/${props.hash}`).then(setStored, setLoadError);
  }, [props.hash]);

  const verify = () =>
    run('Fetching the proof and checking it in your browser…', async () => {
      setSteps(undefined);
      const [{ genesis }, proof, sets] = await Promise.all([
        loadGenesis(),
        request<InclusionProofBody>(`/api/v1/proofs/inclusion/${props.hash}`),
        request<ValidatorSetChanges>('/api/v1/governance/validator-sets'),
      ]);
      const setChanges = sets.changes;
      setSteps(verifyTxProof({ genesis, txHash: props.hash, tx: stored?.tx, proof, setChanges }));
    });

  return (
    <section>
      <p>
        <Link href="/explorer">← Explorer</Link>
      </p>
      <h1>
        Transaction <code className="wrap">{shortHex(props.hash, 16)}</code>
      </h1>
      <ErrorBanner error={loadError} />
      {stored && (
        <>
          <Facts
            rows={[
              ['Hash', <code className="wrap">{stored.hash}</code>],
              ['Type', stored.tx.type],
              [
                'Block',
                <>
                  <Link href={`/explorer/block/${stored.height}`}>{stored.height}</Link> (position{' '}
                  {stored.position}, log index {stored.logIndex})
                </>,
              ],
              [
                'Signed by',
                <>
                  <code className="wrap">{stored.tx.signer}</code> (nonce {stored.tx.nonce})
                </>,
              ],
            ]}
          />
          <details>
            <summary>Payload</summary>
            <pre>{JSON.stringify(stored.tx.payload, null, 2)}</pre>
          </details>
          <div className="actions">
            <button type="button" onClick={() => void verify()} disabled={busy !== undefined}>
              Verify
            </button>
          </div>
        </>
      )}
      <Busy label={busy} />
      <ErrorBanner error={error} />
      {steps && <VerifySteps steps={steps} />}
    </section>
  );
}
