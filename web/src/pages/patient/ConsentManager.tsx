// Consent in plain language: what is allowed now, a form to allow more (or to forbid), revocation, and
// the requests practitioners sent. Every change is a tx signed here with the patient's key and shown
// only once committed.
import { useCallback, useEffect, useState } from 'react';
import type { ConsentRecord, ConsentRequestRecord } from '../../../../src/app/consent/types.ts';
import { ConfirmButton } from '../../components/confirm.tsx';
import { ProofButton } from '../../components/ProofButton.tsx';
import { Busy, ErrorBanner, Link, Notice, useAction } from '../../components/ui.tsx';
import { isActive, myConsentRequests, myConsents } from '../../lib/consents.ts';
import { chainTimeMs, randomId, signAndCommit } from '../../lib/ledger.ts';
import { consentTxHash } from '../../lib/proofs.ts';
import { orgNamer, useOrgs } from '../../lib/network.ts';
import { useSession } from '../../lib/session.tsx';
import { consentSentence, requestSentence } from '../../lib/words.ts';
import { GrantForm } from './GrantForm.tsx';

/** `changes` counts the consent events seen (PatientPortal's stream): each one reloads what is shown. */
export function ConsentManager(props: { readonly changes?: number }) {
  const { current } = useSession();
  const orgs = useOrgs();
  const name = orgNamer(orgs);
  const [consents, setConsents] = useState<ConsentRecord[]>();
  const [requests, setRequests] = useState<ConsentRequestRecord[]>([]);
  const [loadError, setLoadError] = useState<unknown>();
  const [notice, setNotice] = useState<string>();
  /** The permission just revoked, while its undo is offered. */
  const [revoked, setRevoked] = useState<ConsentRecord>();
  const [busy, error, run] = useAction();
  const token = current?.session.token ?? '';
  const reload = useCallback(async () => {
    try {
      const [c, r] = await Promise.all([myConsents(token), myConsentRequests(token)]);
      setConsents(c);
      setRequests(r);
      setLoadError(undefined);
    } catch (err) {
      setLoadError(err);
    }
  }, [token]);
  useEffect(() => {
    void reload();
  }, [reload, props.changes]);
  if (current === undefined) return null;
  const now = Date.now();
  const active = (consents ?? []).filter((c) => isActive(c, now));
  const pending = requests.filter((r) => r.status === 'pending');
  const revokedBefore = (consents ?? []).filter((c) => c.revokedAtHeight !== null).reverse();

  const revoke = (c: ConsentRecord) =>
    run('Revoking — waiting for the network to commit it…', async () => {
      setNotice(undefined);
      await signAndCommit(current.seed, 'consent.revoke', { consentId: c.consentId });
      setRevoked(c);
      await reload();
    });
  // A revocation is final on the ledger; undo signs the same permission again, from now on.
  const undo = (c: ConsentRecord) =>
    run('Allowing it again — waiting for the network to commit it…', async () => {
      const startMs = await chainTimeMs();
      await signAndCommit(current.seed, 'consent.grant', {
        consentId: randomId(),
        grantee: c.grantee,
        resourceTypes: c.resourceTypes,
        purposes: c.purposes,
        actions: c.actions,
        period: { startMs, endMs: c.period.endMs },
        provision: c.provision,
      });
      setRevoked(undefined);
      setNotice(`Allowed again: ${consentSentence(c, name)}`);
      await reload();
    });
  const respond = (r: ConsentRequestRecord, decision: 'approve' | 'decline') =>
    run(`${decision === 'approve' ? 'Approving' : 'Declining'} — waiting for the network…`, async () => {
      await signAndCommit(current.seed, 'consent.respond', { requestId: r.requestId, decision });
      setNotice(
        decision === 'approve' ? 'Approved: the practitioner may now see what they asked for.' : 'Declined.',
      );
      await reload();
    });

  return (
    <section aria-labelledby="consent-title">
      <h2 id="consent-title">Who may see your data</h2>
      <p className="hint">
        Nobody outside your own care may see your records unless you allow it here. Every look is recorded;
        see <em>Who looked at my data</em>.
      </p>
      <ErrorBanner error={loadError ?? error} />
      <Busy label={busy} />
      <Notice text={notice} />
      {revoked !== undefined && (
        <div className="notice" role="status">
          <p>Revoked. This no longer counts: {consentSentence(revoked, name)}</p>
          {(revoked.period.endMs === null || revoked.period.endMs > now) && (
            <button
              type="button"
              className="secondary"
              disabled={busy !== undefined}
              onClick={() => void undo(revoked)}
            >
              Undo
            </button>
          )}
        </div>
      )}
      {pending.length > 0 && (
        <section aria-labelledby="requests-title" className="panel">
          <h3 id="requests-title">Requests waiting for your answer</h3>
          <ul className="plain">
            {pending.map((r) => (
              <li key={r.requestId}>
                <p>{requestSentence(r, name)}</p>
                <div className="actions">
                  <button
                    type="button"
                    disabled={busy !== undefined}
                    onClick={() => void respond(r, 'approve')}
                  >
                    Approve
                  </button>
                  <button
                    type="button"
                    className="secondary"
                    disabled={busy !== undefined}
                    onClick={() => void respond(r, 'decline')}
                  >
                    Decline
                  </button>
                </div>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="active-title" className="panel">
        <h3 id="active-title">What you allow now</h3>
        {consents === undefined ? (
          <p className="hint">Loading…</p>
        ) : active.length === 0 ? (
          <p>You have not allowed anyone yet.</p>
        ) : (
          <ul className="plain" aria-label="Active permissions">
            {active.map((c) => (
              <li key={c.consentId}>
                <p className={c.provision === 'deny' ? 'bad' : undefined}>{consentSentence(c, name)}</p>
                <small className="hint">
                  Signed in block {c.height} ·{' '}
                  <Link href={`/explorer/block/${c.height}`}>see it on the ledger</Link> ·{' '}
                  <ProofButton txHash={() => consentTxHash(c, 'grant')} what="this permission" />
                </small>
                <div className="actions">
                  <ConfirmButton
                    label="Revoke"
                    question="Revoke this permission?"
                    confirm="Yes, revoke"
                    disabled={busy !== undefined}
                    onConfirm={() => void revoke(c)}
                  >
                    <p>{consentSentence(c, name)}</p>
                    <p>From now on it no longer counts. You can allow it again afterwards.</p>
                  </ConfirmButton>
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
      {revokedBefore.length > 0 && (
        <section aria-labelledby="revoked-title" className="panel">
          <h3 id="revoked-title">Permissions you revoked</h3>
          <ul className="plain" aria-label="Revoked permissions">
            {revokedBefore.map((c) => (
              <li key={c.consentId}>
                <p>{consentSentence(c, name)}</p>
                <small className="hint">
                  Revoked in block {c.revokedAtHeight} ·{' '}
                  <ProofButton txHash={() => consentTxHash(c, 'revoke')} what="this revocation" />
                </small>
              </li>
            ))}
          </ul>
        </section>
      )}
      <GrantForm
        disabled={busy !== undefined}
        onGrant={(payload, sentence) =>
          run('Signing your permission — waiting for the network to commit it…', async () => {
            const tx = await signAndCommit(current.seed, 'consent.grant', payload);
            setNotice(`Done: ${sentence} (committed in block ${tx.height}).`);
            await reload();
          })
        }
      />
    </section>
  );
}
