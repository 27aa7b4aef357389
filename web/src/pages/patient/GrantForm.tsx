// The form that allows (or forbids) someone to see part of your records, in words. It builds a
// consent.grant payload exactly as src/app/consent/parse.ts expects it.
import { useState, type FormEvent } from 'react';
import { CheckList, Field, RadioChoice, SelectField } from '../../components/form.tsx';
import {
  PURPOSES_OF_USE,
  type ConsentTerms,
  type Grantee,
  type PurposeOfUse,
} from '../../../../src/app/consent/types.ts';
import { PRACTITIONER_ROLES, type PractitionerRole } from '../../../../src/app/membership/types.ts';
import { isHex } from '../../../../src/core/bytes.ts';
import type { CanonicalValue } from '../../../../src/core/canonical.ts';
import { describeError } from '../../lib/http.ts';
import { chainTimeMs, randomId } from '../../lib/ledger.ts';
import { orgNamer, useOrgs } from '../../lib/network.ts';
import { consentSentence, PURPOSE_WORDS, RESOURCE_WORDS, ROLE_WORDS } from '../../lib/words.ts';
import { SubmitButton } from '../../components/ui.tsx';

type GranteeKind = 'organisation' | 'role' | 'practitioner';
const GRANTEE_KINDS: readonly (readonly [GranteeKind, string])[] = [
  ['organisation', 'Everyone at an organisation'],
  ['role', 'Only some roles at an organisation (e.g. doctors)'],
  ['practitioner', 'One practitioner (by their key)'],
];
const TYPES = Object.keys(RESOURCE_WORDS).filter((t) => t !== '*');

export function GrantForm(props: {
  disabled: boolean;
  onGrant: (payload: CanonicalValue, sentence: string) => Promise<void>;
}) {
  const orgs = useOrgs();
  const [kind, setKind] = useState<GranteeKind>('organisation');
  const [orgId, setOrgId] = useState('');
  const [role, setRole] = useState<PractitionerRole>('physician');
  const [key, setKey] = useState('');
  const [all, setAll] = useState(true);
  const [types, setTypes] = useState<string[]>([]);
  const [purposes, setPurposes] = useState<PurposeOfUse[]>(['TREAT']);
  const [write, setWrite] = useState(false);
  const [until, setUntil] = useState('');
  const [deny, setDeny] = useState(false);
  const [problem, setProblem] = useState<string>();
  const org = orgId || orgs[0]?.id || '';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(undefined);
    const practitionerKey = key.trim().toLowerCase();
    const grantee: Grantee =
      kind === 'organisation'
        ? { kind, orgId: org }
        : kind === 'role'
          ? { kind, orgId: org, role }
          : { kind, key: practitionerKey };
    if (kind === 'practitioner' && !isHex(practitionerKey, 32)) {
      return setProblem('a practitioner key is 64 hexadecimal digits');
    }
    if (!all && types.length === 0) return setProblem('choose at least one kind of record');
    if (purposes.length === 0) return setProblem('choose at least one reason');
    let startMs: number;
    try {
      startMs = await chainTimeMs();
    } catch (err) {
      return setProblem(describeError(err));
    }
    const endMs = until === '' ? null : new Date(`${until}T23:59:59`).getTime();
    if (endMs !== null && !(endMs > startMs)) return setProblem('the end date must be in the future');
    const terms: ConsentTerms = {
      grantee,
      resourceTypes: all ? ['*'] : [...types].sort(),
      purposes: [...purposes].sort(),
      actions: write ? ['read', 'write'] : ['read'],
      period: { startMs, endMs },
      provision: deny ? 'deny' : 'permit',
    };
    // The consent.grant payload (app/consent/parse.ts): the terms and the id this client chose.
    const payload: CanonicalValue = {
      consentId: randomId(),
      grantee,
      resourceTypes: [...terms.resourceTypes],
      purposes: [...terms.purposes],
      actions: [...terms.actions],
      period: { startMs, endMs },
      provision: terms.provision,
    };
    await props.onGrant(payload, consentSentence(terms, orgNamer(orgs)));
  };

  return (
    <form className="panel" onSubmit={(e) => void submit(e)} aria-labelledby="grant-title">
      <h3 id="grant-title">Allow someone to see your records</h3>
      <fieldset>
        <legend>Who</legend>
        <RadioChoice name="grantee" value={kind} set={setKind} options={GRANTEE_KINDS} />
        {kind !== 'practitioner' && (
          <>
            <label htmlFor="grant-org">Organisation</label>
            <select id="grant-org" value={org} onChange={(e) => setOrgId(e.target.value)}>
              {orgs.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name} ({o.type})
                </option>
              ))}
            </select>
          </>
        )}
        {kind === 'role' && (
          <>
            <SelectField
              id="grant-role"
              label="Role"
              value={role}
              set={setRole}
              options={PRACTITIONER_ROLES}
              words={(r) => ROLE_WORDS[r] ?? r}
            />
          </>
        )}
        {kind === 'practitioner' && (
          <>
            <Field id="grant-key" label="Practitioner key" value={key} set={setKey} optional />
          </>
        )}
      </fieldset>
      <fieldset>
        <legend>Which records</legend>
        <label className="inline">
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> All of my records
        </label>
        {!all && (
          <CheckList chosen={types} set={setTypes} options={TYPES} words={(t) => RESOURCE_WORDS[t] ?? t} />
        )}
      </fieldset>
      <fieldset>
        <legend>For what</legend>
        <CheckList
          chosen={purposes}
          set={setPurposes}
          options={PURPOSES_OF_USE}
          words={(p) => PURPOSE_WORDS[p]}
        />
      </fieldset>
      <label className="inline">
        <input type="checkbox" checked={write} onChange={(e) => setWrite(e.target.checked)} /> They may also
        add to my records
      </label>
      <Field
        id="grant-until"
        label="Until (leave empty: until I revoke it)"
        type="date"
        value={until}
        set={setUntil}
        optional
      />
      <label className="inline">
        <input type="checkbox" checked={deny} onChange={(e) => setDeny(e.target.checked)} /> Never allow this
        instead (a refusal overrides any permission)
      </label>
      {problem !== undefined && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      <SubmitButton disabled={props.disabled}>
        {deny ? 'Sign this refusal' : 'Sign this permission'}
      </SubmitButton>
    </form>
  );
}
