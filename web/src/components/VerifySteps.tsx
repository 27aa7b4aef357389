// The outcome of a check made in the browser, step by step with ✓ or ✗ (the explorer's tx proof and the
// verifier page's proof file share it).
export interface VerifyStep {
  readonly id: string;
  readonly label: string;
  readonly ok: boolean;
  readonly detail: string;
}

export function VerifySteps(props: { steps: readonly VerifyStep[] }) {
  const allOk = props.steps.every((s) => s.ok);
  return (
    <section aria-labelledby="verify-title" className="panel">
      <h2 id="verify-title" className={allOk ? 'ok' : 'bad'}>
        {allOk ? '✓ Verified in your browser' : '✗ Verification failed'}
      </h2>
      <ol className="steps" aria-label="Verification steps">
        {props.steps.map((s) => (
          <li key={s.id} className={s.ok ? 'ok' : 'bad'} data-step={s.id} data-ok={s.ok}>
            <span aria-hidden="true">{s.ok ? '✓' : '✗'}</span> <strong>{s.label}</strong>
            <span className="sr-only">{s.ok ? ' passed' : ' failed'}</span>
            <br />
            <small>{s.detail}</small>
          </li>
        ))}
      </ol>
    </section>
  );
}
