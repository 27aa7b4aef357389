// The patient's data to take away: a code to show a clinician (the QR payload), every record as one FHIR
// Bundle, and erasure (crypto-shredding at the custodian, with a receipt on the ledger).
import { useEffect, useMemo, useState } from 'react';
import { renderSVG } from 'uqr';
import { ConfirmButton } from '../../components/confirm.tsx';
import { Busy, CopyButton, ErrorBanner, Notice, useAction } from '../../components/ui.tsx';
import { downloadJson } from '../../lib/download.ts';
import { request } from '../../lib/http.ts';
import { signOnly } from '../../lib/ledger.ts';
import { encodePatientCode } from '../../lib/patient-code.ts';
import { useSession } from '../../lib/session.tsx';
import { loadMyRecords, receiptsOf, type ErasureReceiptRef } from '../../lib/my-records.ts';
import { ProofButton } from '../../components/ProofButton.tsx';
import type { ErasureResultBody } from '../../../../src/contract/erasure.ts';

export function MyData() {
  const { current } = useSession();
  // Who the patient is and who keeps their Patient record, from the ledger and $everything, never from
  // the node the portal was opened at (a pharmacy's node keeps nothing of a hospital patient).
  const [identity, setIdentity] = useState<{ custodian: string | null; patientId: string | null }>();
  const [receipts, setReceipts] = useState<ErasureReceiptRef[]>([]);
  const [notice, setNotice] = useState<string>();
  const [understood, setUnderstood] = useState(false);
  const [busy, error, run] = useAction();
  useEffect(() => {
    if (current === undefined) return;
    loadMyRecords(current.session.token).then(
      (mine) => {
        const patient = mine.records.find((r) => r.resourceType === 'Patient');
        setIdentity({ custodian: mine.custodians[0] ?? null, patientId: patient?.id ?? null });
        setReceipts(mine.receipts);
      },
      () => setIdentity({ custodian: null, patientId: null }),
    );
  }, [current]);
  if (current === undefined) return null;
  const pseudonym = current.session.patient ?? '';
  const code = encodePatientCode({
    pseudonym,
    custodian: identity?.custodian ?? null,
    patientId: identity?.patientId ?? null,
  });

  const download = () =>
    run('Collecting your records…', async () => {
      const { records } = await loadMyRecords(current.session.token);
      downloadJson(
        'carechain-my-records.json',
        {
          resourceType: 'Bundle',
          type: 'collection',
          timestamp: new Date().toISOString(),
          entry: records.map((resource) => ({
            fullUrl: `${location.origin}/fhir/R4/${resource.resourceType}/${resource.id}`,
            resource,
          })),
        },
        'application/fhir+json',
      );
      setNotice(`Downloaded ${records.length} records as a FHIR Bundle.`);
    });

  const erase = () =>
    run(
      'Asking for erasure — each place that keeps your records deletes them and records a receipt…',
      async () => {
        const tx = await signOnly(current.seed, 'records.requestErasure', {
          patientPseudonym: pseudonym,
          recordIds: 'all',
        });
        const result = await request<ErasureResultBody>('/api/v1/patients/me/erasure', {
          body: { tx },
          token: current.session.token,
        });
        setReceipts(receiptsOf(result));
        // Every custodian erases its own copy; the others' nodes may still be on their way.
        const waiting = result.custodians.filter((c) => c.pending > 0).map((c) => c.custodianOrgId);
        setNotice(
          waiting.length === 0
            ? `Erased everywhere. ${result.custodians.length} place(s) recorded a receipt on the ledger; your records can no longer be read anywhere.`
            : `Erased here. Still erasing at ${waiting.join(', ')}: their nodes do it on their own and record a receipt on the ledger.`,
        );
      },
    );

  return (
    <section aria-labelledby="data-title">
      <h2 id="data-title">Share, download or erase</h2>
      <ErrorBanner error={error} />
      <Busy label={busy} />
      <Notice text={notice} />
      <section className="panel" aria-labelledby="code-title">
        <h3 id="code-title">Your patient code</h3>
        <p className="hint">
          Show or send this to a clinician so they can find you. It holds no health data: only your carechain
          ID and where your records are kept.
        </p>
        <PatientQr code={code} />
        <pre aria-label="Patient code">{code}</pre>
        <div className="actions">
          <CopyButton text={code} label="Copy code" />
        </div>
      </section>
      <section className="panel" aria-labelledby="download-title">
        <h3 id="download-title">Download all your data</h3>
        <p className="hint">
          Every record kept for you, by every organisation that keeps one, as one FHIR R4 Bundle (a JSON file
          any FHIR tool reads).
        </p>
        <button type="button" onClick={() => void download()} disabled={busy !== undefined}>
          Download as FHIR Bundle
        </button>
      </section>
      <section className="panel" aria-labelledby="erase-title">
        <h3 id="erase-title">Erase your records</h3>
        <p>
          Your care provider deletes the encrypted records and their keys; the ledger keeps only a signed
          receipt. This cannot be undone.
        </p>
        <label className="inline">
          <input type="checkbox" checked={understood} onChange={(e) => setUnderstood(e.target.checked)} /> I
          understand that my records will be gone for good
        </label>
        <div className="actions">
          <ConfirmButton
            label="Erase my records"
            question="Erase all your records for good?"
            confirm="Yes, erase everything"
            disabled={!understood || busy !== undefined}
            onConfirm={() => void erase()}
          >
            <p>
              Every place that keeps your records deletes them and their keys. Nobody, not even you, can read
              them again. This cannot be undone.
            </p>
          </ConfirmButton>
        </div>
        {receipts.length > 0 && (
          <ul className="plain" aria-label="Erasure receipts">
            {receipts.map((r) => (
              <li key={r.txHash}>
                Receipt of {r.custodianOrgId}, block {r.height} ·{' '}
                <ProofButton txHash={r.txHash} what={`the erasure receipt of ${r.custodianOrgId}`} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </section>
  );
}

/** The code as a QR image for a clinician's phone or scanner; the SVG is generated here from our own text. */
function PatientQr({ code }: { code: string }) {
  const svg = useMemo(() => renderSVG(code, { ecc: 'M', border: 2 }), [code]);
  return (
    <div
      className="qr"
      role="img"
      aria-label="QR code of your patient code"
      dangerouslySetInnerHTML={{ __html: svg }}
    />
  );
}
