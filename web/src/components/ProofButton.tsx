// "Download proof" beside an access event, a consent or an erasure receipt (issue 15): saves the tx's
// c2sp.org/tlog-proof@v1 file, which the verifier page (/explorer/verify) or `carechain proof verify`
// checks offline. A refusal (not yet under a cosigned checkpoint, say) is a sentence next to the button.
import { downloadProof } from '../lib/proofs.ts';
import { ErrorBanner, useAction } from './ui.tsx';

export function ProofButton(props: {
  /** The tx to prove, or how to find it (a consent's tx is looked up on click). */
  readonly txHash: string | (() => Promise<string>);
  /** What the proof is of, for the button's accessible name ("Download proof of …"). */
  readonly what: string;
}) {
  const [busy, error, run] = useAction();
  const download = () =>
    run('Fetching the proof…', async () => {
      const { txHash } = props;
      await downloadProof(typeof txHash === 'string' ? txHash : await txHash());
    });
  return (
    <>
      <button
        type="button"
        className="linklike"
        aria-label={`Download proof of ${props.what}`}
        disabled={busy !== undefined}
        onClick={() => void download()}
      >
        download proof
      </button>
      <ErrorBanner error={error} />
    </>
  );
}
