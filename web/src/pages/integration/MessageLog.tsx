// The HL7 message log (issue 21 §6), for the organisation's integration staff at its own node: the
// messages its MLLP listener took, newest first, with their status, ACK code, ERR and latency, a filter by
// status and message type, one message's ACK history and the tx that made it final, and a per-status
// count and latency summary. No PHI: the node answers only the header's facility, application, type and
// control id, never the message's content (contract/hl7.ts).
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { Hl7Message, Hl7MessagesAnswer, Hl7MessagesQuery } from '../../../../src/contract/hl7.ts';
import { Busy, ErrorBanner, OpenToggle, TableHead } from '../../components/ui.tsx';
import { hl7Messages, latencyWords, STATUS_WORDS } from '../../lib/hl7.ts';
import { useSession } from '../../lib/session.tsx';
import { MessageDetail } from './MessageDetail.tsx';
import { MessageSummary } from './MessageSummary.tsx';

const PAGE = 50;

export function MessageLog() {
  const { current } = useSession();
  const token = current?.session.token;
  const [filter, setFilter] = useState<Hl7MessagesQuery>({});
  const [answer, setAnswer] = useState<Hl7MessagesAnswer>();
  /** Older pages loaded after the first, and the `before` of the page after them. */
  const [older, setOlder] = useState<Pick<Hl7MessagesAnswer, 'messages' | 'next'>>();
  const [error, setError] = useState<unknown>();
  const [open, setOpen] = useState<string>();
  const reload = useCallback(() => {
    if (token === undefined) return;
    setError(undefined);
    setOlder(undefined);
    hl7Messages(token, { ...filter, limit: PAGE }).then(setAnswer, setError);
  }, [token, filter]);
  useEffect(reload, [reload]);
  if (token === undefined) return null;
  const messages = [...(answer?.messages ?? []), ...(older?.messages ?? [])];
  const next = older === undefined ? (answer?.next ?? null) : older.next;
  const more = (before: number) =>
    hl7Messages(token, { ...filter, limit: PAGE, before }).then(
      (page) => setOlder({ messages: [...(older?.messages ?? []), ...page.messages], next: page.next }),
      setError,
    );
  const opened = messages.find((m) => String(m.id) === open);
  return (
    <section>
      <h1>HL7 message log</h1>
      <p className="hint">
        The HL7 v2 messages this node’s interface took{answer === undefined ? '' : ` for ${answer.orgId}`},
        newest first. An AA is sent only once a message’s records are final on the ledger. The log shows no
        patient data: only who sent each message, its control id and type, and what the node answered.
      </p>
      <Busy label={answer === undefined && error === undefined ? 'Loading the message log…' : undefined} />
      <ErrorBanner error={error} />
      {answer !== undefined && <MessageSummary summary={answer.summary} />}
      <FilterForm filter={filter} onFilter={setFilter} onReload={reload} />
      {answer !== undefined &&
        (messages.length === 0 ? (
          <p>No messages{filter.status || filter.type ? ' match this filter' : ' yet'}.</p>
        ) : (
          <table aria-label="HL7 messages, newest first">
            <TableHead
              columns={['Received', 'Sender', 'Control id', 'Type', 'Status', 'ACK', 'Latency', '']}
            />
            <tbody>
              {messages.map((m) => (
                <MessageRow key={m.id} message={m} open={open} setOpen={setOpen} />
              ))}
            </tbody>
          </table>
        ))}
      {next !== null && (
        <div className="actions">
          <button type="button" className="secondary" onClick={() => void more(next)}>
            Older messages
          </button>
        </div>
      )}
      {opened !== undefined && <MessageDetail key={opened.id} token={token} id={opened.id} />}
    </section>
  );
}

function MessageRow(props: {
  message: Hl7Message;
  open: string | undefined;
  setOpen: (id?: string) => void;
}) {
  const m = props.message;
  const status = STATUS_WORDS[m.status];
  return (
    <tr data-control-id={m.controlId}>
      <td>{new Date(m.receivedAtMs).toLocaleString()}</td>
      <td>
        {m.sendingFacility || m.sender}
        {m.sendingApplication !== '' && <span className="hint"> · {m.sendingApplication}</span>}
      </td>
      <td>
        <code>{m.controlId}</code>
      </td>
      <td>{m.messageType}</td>
      <td>
        <span className={`pill ${status.tone}`}>{status.words}</span>
      </td>
      <td>
        <code>{m.ackCode}</code>
        {m.errorCode !== null && <span className="bad"> · ERR {m.errorCode}</span>}
      </td>
      <td>{latencyWords(m.acknowledgedAtMs - m.receivedAtMs)}</td>
      <td>
        <OpenToggle id={String(m.id)} open={props.open} setOpen={props.setOpen}>
          Details
        </OpenToggle>
      </td>
    </tr>
  );
}

function FilterForm(props: {
  filter: Hl7MessagesQuery;
  onFilter: (f: Hl7MessagesQuery) => void;
  onReload: () => void;
}) {
  const [status, setStatus] = useState(props.filter.status ?? '');
  const [type, setType] = useState(props.filter.type ?? '');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const typed = type.trim().toUpperCase();
    props.onFilter({
      ...(status === '' ? {} : { status: status as Hl7Message['status'] }),
      ...(typed === '' ? {} : { type: typed }),
    });
  };
  return (
    <form onSubmit={submit} className="panel" aria-labelledby="hl7-filter-title">
      <h2 id="hl7-filter-title">Filter</h2>
      <label htmlFor="hl7-status">Status</label>
      <select id="hl7-status" value={status} onChange={(e) => setStatus(e.target.value)}>
        <option value="">Any status</option>
        {Object.entries(STATUS_WORDS).map(([value, { words }]) => (
          <option key={value} value={value}>
            {words}
          </option>
        ))}
      </select>
      <label htmlFor="hl7-type">Message type (e.g. ORU^R01)</label>
      <input id="hl7-type" value={type} onChange={(e) => setType(e.target.value)} placeholder="Any type" />
      <div className="actions">
        <button type="submit">Apply</button>
        <button type="button" className="secondary" onClick={props.onReload}>
          Reload
        </button>
      </div>
    </form>
  );
}
