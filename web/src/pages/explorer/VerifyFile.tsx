// The verifier page (issue 15): opens a downloaded proof file (c2sp.org/tlog-proof@v1) and checks it in
// the browser against a witness policy (lib/verify-tlog-proof.ts, the code `carechain proof verify`
// runs). The policy is this node's, shown and editable: paste one obtained elsewhere to trust the node
// less. Nothing is sent; the file is read here.
import { useEffect, useState, type FormEvent } from 'react';
import { Busy, ErrorBanner, Link, useAction } from '../../components/ui.tsx';
import { VerifySteps } from '../../components/VerifySteps.tsx';
import { requestText } from '../../lib/http.ts';
import { PROOF_FILE_SUFFIX } from '../../lib/proofs.ts';
import { verifyProofFile, type ProofStep } from '../../lib/verify-tlog-proof.ts';

export function VerifyFile() {
  const [file, setFile] = useState<File>();
  const [policy, setPolicy] = useState('');
  const [steps, setSteps] = useState<ProofStep[]>();
  const [policyError, setPolicyError] = useState<unknown>();
  const [busy, error, run] = useAction();
  useEffect(() => {
    requestText('/api/v1/witness/policy').then(setPolicy, setPolicyError);
  }, []);
  const verify = (event: FormEvent) => {
    event.preventDefault();
    void run('Checking the proof in your browser…', async () => {
      setSteps(undefined);
      if (file === undefined) throw new Error('choose a proof file first');
      setSteps(verifyProofFile(await file.text(), policy));
    });
  };
  return (
    <section>
      <p>
        <Link href="/explorer">← Explorer</Link>
      </p>
      <h1>Verify a proof file</h1>
      <p className="hint">
        A proof file (<code>{PROOF_FILE_SUFFIX}</code>) shows that one transaction, such as an access to your
        records, a consent or an erasure receipt, is in the ledger that the network's witnesses cosigned. It
        is checked here, in your browser; the file is not sent anywhere.
      </p>
      <form className="panel" onSubmit={verify} aria-labelledby="verify-file-title">
        <h2 id="verify-file-title">Proof and policy</h2>
        <label htmlFor="proof-file">Proof file</label>
        <input
          id="proof-file"
          type="file"
          accept={`${PROOF_FILE_SUFFIX},text/plain`}
          onChange={(e) => setFile(e.target.files?.[0])}
        />
        <label htmlFor="witness-policy">Witness policy (this node's; paste one you trust)</label>
        <textarea
          id="witness-policy"
          rows={6}
          value={policy}
          spellCheck={false}
          onChange={(e) => setPolicy(e.target.value)}
        />
        <ErrorBanner error={policyError} />
        <div className="actions">
          <button type="submit" disabled={busy !== undefined}>
            Verify
          </button>
        </div>
      </form>
      <Busy label={busy} />
      <ErrorBanner error={error} />
      {steps && <VerifySteps steps={steps} />}
    </section>
  );
}
