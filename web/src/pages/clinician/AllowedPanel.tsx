// What the patient's consent allows THIS practitioner now, per kind of record, for a purpose: the node
// evaluates the same pure functions it uses to decide reads: consent (src/app/consent/evaluate.ts), then
// the network's base policy for what no consent decided (src/app/records/policy.ts policyGrant). It is
// asked again whenever the practitioner's event stream says a consent concerning them changed (a grant
// or revocation that covers them, an answer to their request), so a patient's grant shows up live.
import { useCallback, useEffect, useState } from 'react';
import { SelectField } from '../../components/form.tsx';
import { PURPOSES_OF_USE, type PurposeOfUse } from '../../../../src/app/consent/types.ts';
import type { AllowedAnswer } from '../../../../src/contract/consents.ts';
import { Busy, ErrorBanner } from '../../components/ui.tsx';
import { TIMELINE_TYPES } from '../../lib/fhir.ts';
import { request } from '../../lib/http.ts';
import { useConsentEvents } from '../../lib/live.ts';
import { useSession } from '../../lib/session.tsx';
import { PURPOSE_WORDS, RESOURCE_WORDS } from '../../lib/words.ts';

export function AllowedPanel(props: { pseudonym: string; custodian: string | null }) {
  const { current } = useSession();
  const [purpose, setPurpose] = useState<PurposeOfUse>('TREAT');
  const [allowed, setAllowed] = useState<AllowedAnswer>();
  const [error, setError] = useState<unknown>();
  const token = current?.session.token ?? '';
  const load = useCallback(() => {
    setAllowed(undefined);
    setError(undefined);
    const query = new URLSearchParams({
      patient: props.pseudonym,
      resourceType: TIMELINE_TYPES.join(','),
      purpose,
      // The base policy (app.records.basePolicy) may grant what no consent decided, depending on who
      // keeps the records: the custodian in the patient's code, else this node's organisation.
      ...(props.custodian === null ? {} : { custodian: props.custodian }),
    });
    request<AllowedAnswer>(`/api/v1/consents/allowed?${query}`, { token }).then(setAllowed, setError);
  }, [props.pseudonym, props.custodian, purpose, token]);
  useEffect(load, [load]);
  useConsentEvents(load);
  return (
    <section className="panel" aria-labelledby="allowed-title">
      <h2 id="allowed-title">What this patient's consent allows you</h2>
      <div className="row">
        <div>
          <SelectField
            id="allowed-purpose"
            label="Purpose"
            value={purpose}
            set={setPurpose}
            options={PURPOSES_OF_USE}
            words={(p) => `${PURPOSE_WORDS[p]} (${p})`}
          />
        </div>
        <div className="actions">
          <button type="button" className="secondary" onClick={load}>
            Check again
          </button>
        </div>
      </div>
      <Busy label={allowed === undefined && error === undefined ? 'Checking consent…' : undefined} />
      <ErrorBanner error={error} />
      {allowed && (
        <ul className="checks plain" aria-label="Consent per kind of record">
          {allowed.decisions.map((d) => (
            <li
              key={d.resourceType}
              className={d.decision === 'permit' ? 'ok' : 'bad'}
              data-type={d.resourceType}
              data-decision={d.decision}
            >
              {d.decision === 'permit' ? '✓' : '✗'} {RESOURCE_WORDS[d.resourceType] ?? d.resourceType}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
