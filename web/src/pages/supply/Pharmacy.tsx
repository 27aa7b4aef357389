// The pharmacy counter: scan or paste a pack's GS1 code (element string with or without parentheses,
// or a Digital Link), see at once whether it is genuine (DSCSA verification), then dispense it or
// report it as suspect. The code is parsed here first, so a typo is caught before anything is sent.
import { useState, type FormEvent } from 'react';
import { Gs1Error, parseScannedCode, type ScannedPack } from '../../../../src/app/supply/gs1/index.ts';
import { ConfirmButton } from '../../components/confirm.tsx';
import { Busy, ErrorBanner, Notice, SubmitButton, useAction } from '../../components/ui.tsx';
import { capture, document, events } from '../../lib/epcis.ts';
import { useSession } from '../../lib/session.tsx';
import { REASON_WORDS, reportSuspect, verifyCode, type VerifyAnswer } from '../../lib/supply.ts';

function preview(code: string): { pack?: ScannedPack; problem?: string } {
  if (code.trim() === '') return {};
  try {
    return { pack: parseScannedCode(code.trim(), { referenceYear: new Date().getUTCFullYear() }) };
  } catch (err) {
    return { problem: err instanceof Gs1Error ? err.message : 'not a GS1 code' };
  }
}

export function Pharmacy() {
  const { current } = useSession();
  const [code, setCode] = useState('');
  const [answer, setAnswer] = useState<VerifyAnswer>();
  const [notice, setNotice] = useState<string>();
  const [kind, setKind] = useState<'suspect' | 'illegitimate'>('suspect');
  const [busy, error, run] = useAction();
  if (current === undefined) return null;
  const token = current.session.token;
  const parsed = preview(code);
  const epc = answer?.unit?.epc;

  const verify = (event: FormEvent) => {
    event.preventDefault();
    setAnswer(undefined);
    setNotice(undefined);
    void run('Verifying with the network…', async () => setAnswer(await verifyCode(code, token)));
  };
  const dispense = () =>
    run('Dispensing — recording it on the ledger…', async () => {
      const now = Date.now();
      const done = await capture(document([events.dispense([epc!], now)], now), token);
      setNotice(`Dispensed (block ${done.height}). This pack can never be dispensed again.`);
      setAnswer(undefined);
    });
  const report = () =>
    run('Reporting — the pack is quarantined and its manufacturer alerted…', async () => {
      const done = await reportSuspect(kind, [epc!], token);
      setNotice(`Reported as ${kind} (block ${done.height}). The manufacturer and regulators are alerted.`);
    });

  return (
    <section>
      <h1>Pharmacy: verify a pack</h1>
      <form className="panel" onSubmit={verify} aria-labelledby="verify-title">
        <h2 id="verify-title">Scan or paste the pack's code</h2>
        <label htmlFor="pack-code">GS1 code (barcode text or Digital Link)</label>
        <input
          id="pack-code"
          value={code}
          onChange={(e) => setCode(e.target.value)}
          placeholder="(01)09506000134352(21)SN1001(10)LOT42(17)271231"
          spellCheck={false}
          autoComplete="off"
          autoFocus
          required
        />
        {parsed.pack && (
          <p className="hint" aria-live="polite">
            Read: GTIN {parsed.pack.gtin ?? '—'}, serial {parsed.pack.serial ?? '—'}, lot{' '}
            {parsed.pack.lot ?? '—'}, expiry {parsed.pack.expiry ?? '—'}
          </p>
        )}
        {parsed.problem && (
          <p className="bad" aria-live="polite">
            {parsed.problem}
          </p>
        )}
        <SubmitButton disabled={busy !== undefined}>Verify</SubmitButton>
      </form>
      <Busy label={busy} />
      <ErrorBanner error={error} />
      <Notice text={notice} />
      {answer && (
        <section className="panel" aria-labelledby="verdict-title" data-verified={answer.verified}>
          <h2 id="verdict-title" className={answer.verified ? 'verdict ok' : 'verdict bad'} role="status">
            {answer.verified
              ? '✓ Genuine: verified'
              : `✗ Not verified: ${answer.reason ? REASON_WORDS[answer.reason] : 'unknown'}`}
          </h2>
          {answer.product && (
            <p>
              {answer.product.name} {answer.product.strength}, {answer.product.dosageForm},{' '}
              {answer.product.packSize}
              {answer.product.ndc ? ` (NDC ${answer.product.ndc})` : ''}; made by{' '}
              {answer.product.manufacturerOrgId}.
            </p>
          )}
          {answer.unit && (
            <p className="hint">
              Lot {answer.unit.lot}, expires {answer.unit.expiry}; held by {answer.unit.ownerOrgId}; status{' '}
              {answer.unit.status.replace('_', ' ')}.
            </p>
          )}
          {epc !== undefined && (
            <div className="actions">
              {answer.verified && (
                <ConfirmButton
                  label="Dispense this pack"
                  className=""
                  question="Dispense this pack to the patient?"
                  confirm="Yes, dispense"
                  disabled={busy !== undefined}
                  onConfirm={() => void dispense()}
                >
                  <p>
                    The pack is recorded as handed to a patient and can never be dispensed again. Check the
                    product, lot and expiry first.
                  </p>
                </ConfirmButton>
              )}
              <label htmlFor="suspect-kind" className="sr-only">
                Kind of report
              </label>
              <select
                id="suspect-kind"
                value={kind}
                onChange={(e) => setKind(e.target.value as 'suspect' | 'illegitimate')}
              >
                <option value="suspect">Suspect product</option>
                <option value="illegitimate">Illegitimate product</option>
              </select>
              <button
                type="button"
                className="danger"
                onClick={() => void report()}
                disabled={busy !== undefined}
              >
                Report and quarantine
              </button>
            </div>
          )}
        </section>
      )}
    </section>
  );
}
