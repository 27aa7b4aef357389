// The privacy officer's view of their organisation (issue 14): every emergency (break-glass) read of the
// records it keeps, newest first, with who read, when, what, and the written reason that the node keeps
// off chain (and whether it still matches its commitment on chain). The officer marks each as reviewed,
// and can export the list as FHIR AuditEvents (IHE BALP) for their own audit tools.
import { useEffect, useState } from 'react';
import type { BreakGlassList } from '../../../../src/contract/records.ts';
import { toAuditEvent } from '../../../../src/app/records/audit-event.ts';
import { Busy, ErrorBanner, Link, shortHex } from '../../components/ui.tsx';
import { downloadJson } from '../../lib/download.ts';
import { request } from '../../lib/http.ts';
import { orgNamer, useOrgs } from '../../lib/network.ts';
import { reviewedEvents, setReviewed } from '../../lib/reviews.ts';
import { useSession } from '../../lib/session.tsx';
import { useStaffMe } from '../../lib/staff.ts';
import { resourceWords, ROLE_WORDS } from '../../lib/words.ts';

type Item = BreakGlassList['items'][number];

export function PrivacyOfficer() {
  const { current } = useSession();
  const token = current?.session.token;
  const { me, error: meError } = useStaffMe(token);
  const [list, setList] = useState<BreakGlassList>();
  const [error, setError] = useState<unknown>();
  const [reviewed, setReviewedState] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => {
    if (token === undefined || me?.actions.reviewAccess !== true) return;
    setReviewedState(reviewedEvents(me.publicKey));
    request<BreakGlassList>('/api/v1/records/break-glass?_count=100', { token }).then(setList, setError);
  }, [token, me]);
  if (current === undefined) return null;
  const heading = <h1>Privacy office</h1>;
  if (me === undefined)
    return (
      <section>
        {heading}
        <Busy label={meError === undefined ? 'Checking what your role may do…' : undefined} />
        <ErrorBanner error={meError} />
      </section>
    );
  if (!me.actions.reviewAccess)
    return (
      <section>
        {heading}
        <p>
          Only a privacy officer sees the organisation's emergency reads and their reasons. You are signed in
          as {(ROLE_WORDS[me.role] ?? me.role).replace(/s$/, '')} at {me.orgName}.
        </p>
      </section>
    );
  const mark = (eventId: string, on: boolean) => setReviewedState(setReviewed(me.publicKey, eventId, on));
  const items = list?.items ?? [];
  const open = items.filter((e) => !reviewed.has(e.eventId)).length;
  return (
    <section>
      {heading}
      <p className="hint">
        Emergency reads (break-glass) of the records {me.orgName} keeps: read without the patient's consent,
        each with the reason its reader wrote. The patient sees each of them too.
      </p>
      <section className="panel" aria-labelledby="glass-list-title">
        <h2 id="glass-list-title">Emergency reads</h2>
        <Busy label={list === undefined && error === undefined ? 'Loading emergency reads…' : undefined} />
        <ErrorBanner error={error} />
        {list !== undefined && (
          <>
            <p role="status">
              {items.length === 0
                ? 'No emergency reads so far.'
                : `${items.length} emergency read${items.length === 1 ? '' : 's'}, ${open} not yet reviewed.`}
            </p>
            {items.length > 0 && (
              <div className="actions">
                <button
                  type="button"
                  className="secondary"
                  onClick={() =>
                    downloadJson('emergency-reads.json', auditBundle(items), 'application/fhir+json')
                  }
                >
                  Export as FHIR AuditEvents
                </button>
              </div>
            )}
            <ol className="plain" aria-label="Emergency reads, newest first">
              {items.map((e) => (
                <EmergencyRead
                  key={e.eventId}
                  event={e}
                  reviewed={reviewed.has(e.eventId)}
                  onReview={(on) => mark(e.eventId, on)}
                />
              ))}
            </ol>
          </>
        )}
      </section>
    </section>
  );
}

function EmergencyRead(props: { event: Item; reviewed: boolean; onReview: (on: boolean) => void }) {
  const e = props.event;
  const name = orgNamer(useOrgs());
  const role =
    e.requesterRole === null ? 'someone' : (ROLE_WORDS[e.requesterRole] ?? e.requesterRole).replace(/s$/, '');
  const types = [...new Set(e.records.map((r) => r.resourceType))];
  return (
    <li
      className={props.reviewed ? undefined : 'flagged'}
      data-event={e.eventId}
      data-reviewed={props.reviewed}
    >
      <p>
        <strong className={e.outcome === 'granted' ? 'bad' : 'ok'}>
          {e.outcome === 'granted' ? 'Emergency read' : 'Refused emergency read'}
        </strong>{' '}
        by a {role} at {name(e.requesterOrgId)} on {new Date(e.timeMs).toLocaleString()}:{' '}
        {resourceWords(types) || 'records'} of patient {shortHex(e.patientPseudonym, 10)} ({e.records.length}{' '}
        record{e.records.length === 1 ? '' : 's'}).
      </p>
      <p>
        Reason:{' '}
        {e.reason === null ? <em>not kept on this node</em> : <q className="glass-reason">{e.reason}</q>}
        {e.reason !== null && !e.reasonMatchesCommitment && (
          <strong className="bad"> — altered: it no longer matches what the ledger committed to</strong>
        )}
      </p>
      <small className="hint">
        Reader's key {shortHex(e.requester, 10)} ·{' '}
        <Link href={`/explorer/tx/${e.txHash}`}>proof on the ledger</Link>
      </small>
      <div className="actions">
        <button
          type="button"
          className="secondary"
          aria-pressed={props.reviewed}
          onClick={() => props.onReview(!props.reviewed)}
        >
          {props.reviewed ? 'Reviewed ✓ (undo)' : 'Mark as reviewed'}
        </button>
      </div>
    </li>
  );
}

/** The list as a FHIR searchset Bundle of AuditEvents, as the patient's own export makes them. */
function auditBundle(items: readonly Item[]) {
  return {
    resourceType: 'Bundle',
    type: 'collection',
    entry: items.map((e) => ({ resource: toAuditEvent(e) })),
  };
}
