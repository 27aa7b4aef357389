// Prior-authorisation requests sent to this payer, newest first, each with its decision clock (72 h
// urgent, 7 days standard, from the submission's block time) and, while undecided, the decision form.
import { useState, type FormEvent } from 'react';
import type { DecisionBody, PriorAuthAnswer } from '../../../../src/contract/claims.ts';
import { SelectField, Field } from '../../components/form.tsx';
import {
  Busy,
  ErrorBanner,
  Notice,
  OpenToggle,
  shortHex,
  SubmitButton,
  TableHead,
  useAction,
} from '../../components/ui.tsx';
import { decidePriorAuth, durationWords, REVIEW_ACTION_WORDS } from '../../lib/claims.ts';

type Action = DecisionBody['action'];
const ACTIONS: readonly Action[] = ['A1', 'A2', 'A6', 'A3', 'A4', 'C'];
const CERTIFYING: readonly Action[] = ['A1', 'A2', 'A6'];

/** The clock in words: time left, overdue, or whether the decision met it. */
function clockWords(r: PriorAuthAnswer, asOfMs: number): { text: string; late: boolean } {
  if (r.decidedInTime !== null) {
    return r.decidedInTime
      ? { text: 'Decided in time', late: false }
      : { text: 'Decided after the deadline', late: true };
  }
  const left = r.deadlineMs - asOfMs;
  return left >= 0
    ? { text: `${durationWords(left)} left`, late: false }
    : { text: `Overdue by ${durationWords(left)}`, late: true };
}

export function PriorAuthQueue(props: {
  token: string;
  requests: readonly PriorAuthAnswer[];
  asOfMs: number;
  onDecided: () => void;
}) {
  const [open, setOpen] = useState<string>();
  return (
    <section className="panel" aria-labelledby="pa-title">
      <h2 id="pa-title">Prior-authorisation requests</h2>
      {props.requests.length === 0 ? (
        <p>No prior-authorisation requests so far.</p>
      ) : (
        <table aria-label="Prior-authorisation requests, newest first">
          <TableHead columns={['Request', 'From', 'Priority', 'Submitted', 'Status', 'Clock', '']} />
          <tbody>
            {props.requests.map((r) => {
              const { request } = r;
              const clock = clockWords(r, props.asOfMs);
              const pended = request.pendedAtMs.length;
              const status =
                request.decision === null
                  ? pended > 0
                    ? `Pended (${pended}×)`
                    : 'Awaiting a decision'
                  : `${REVIEW_ACTION_WORDS[request.decision.action] ?? request.decision.action}${
                      request.decision.authNumber === null ? '' : `, ${request.decision.authNumber}`
                    }`;
              return (
                <tr key={request.requestId} data-request={request.requestId}>
                  <td>
                    <code>{shortHex(request.requestId)}</code>
                  </td>
                  <td>{request.providerOrgId}</td>
                  <td>{request.priority === 'urgent' ? 'Urgent (72 h)' : 'Standard (7 days)'}</td>
                  <td>{new Date(request.submittedAtMs).toLocaleString()}</td>
                  <td>{status}</td>
                  <td className={clock.late ? 'bad' : undefined}>{clock.text}</td>
                  <td>
                    {request.decision === null && (
                      <OpenToggle id={request.requestId} open={open} setOpen={setOpen}>
                        Decide
                      </OpenToggle>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {open !== undefined && (
        <DecisionForm key={open} token={props.token} requestId={open} onDecided={props.onDecided} />
      )}
    </section>
  );
}

function DecisionForm(props: { token: string; requestId: string; onDecided: () => void }) {
  const [action, setAction] = useState<Action>('A1');
  const [authNumber, setAuthNumber] = useState('');
  const [done, setDone] = useState<string>();
  const [busy, error, run] = useAction();
  const certifies = CERTIFYING.includes(action);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run('Recording the decision on the chain…', async () => {
      const answer = await decidePriorAuth(props.token, props.requestId, {
        action,
        authNumber: certifies ? authNumber.trim() : null,
      });
      setDone(`${REVIEW_ACTION_WORDS[action]} (block ${answer.height}).`);
      props.onDecided();
    });
  };
  return (
    <form aria-label={`Decide request ${shortHex(props.requestId)}`} onSubmit={submit}>
      <SelectField
        id="pa-action"
        label="Review action (X12 306)"
        value={action}
        set={setAction}
        options={ACTIONS}
        words={(a) => `${a}: ${REVIEW_ACTION_WORDS[a]}`}
      />
      {certifies && (
        <Field id="pa-auth-number" label="Authorisation number" value={authNumber} set={setAuthNumber} />
      )}
      <SubmitButton disabled={busy !== undefined}>Record the decision</SubmitButton>
      <Busy label={busy} />
      <ErrorBanner error={error} />
      <Notice text={done} />
    </form>
  );
}
