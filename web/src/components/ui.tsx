// Small shared pieces: links, the error banner (a plain sentence for the signed-in role, never a code), the progress line for
// slow actions (a commit takes about a second), a form's submit button and a copy button.
import { Fragment, useState, type ReactNode } from 'react';
import { describeError } from '../lib/http.ts';
import { onLinkClick } from '../lib/router.ts';
import { useSession } from '../lib/session.tsx';

export function Link(props: { href: string; children: ReactNode; className?: string }) {
  return (
    <a href={props.href} onClick={onLinkClick} className={props.className}>
      {props.children}
    </a>
  );
}

export function ErrorBanner(props: { error: unknown }) {
  const { current } = useSession();
  if (props.error === undefined || props.error === null) return null;
  return (
    <p className="error" role="alert">
      {describeError(props.error, current?.session.kind === 'staff' ? 'staff' : 'patient')}
    </p>
  );
}

export function Busy(props: { label: string | undefined }) {
  if (props.label === undefined) return null;
  return (
    <p className="busy" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {props.label}
    </p>
  );
}

export function Notice(props: { text: string | undefined }) {
  if (props.text === undefined) return null;
  return (
    <p className="notice" role="status">
      {props.text}
    </p>
  );
}

/** A form's submit button in its actions row; `danger` for an action that cannot be taken back. */
export function SubmitButton(props: {
  disabled: boolean;
  kind?: 'danger' | 'secondary';
  children: ReactNode;
}) {
  return (
    <div className="actions">
      <button type="submit" className={props.kind} disabled={props.disabled}>
        {props.children}
      </button>
    </div>
  );
}

export function CopyButton(props: { text: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="secondary"
      onClick={() => {
        void navigator.clipboard?.writeText(props.text).then(() => setCopied(true));
      }}
    >
      {copied ? 'Copied' : (props.label ?? 'Copy')}
    </button>
  );
}

/**
 * Runs one async action at a time with its progress label and error: what every form here needs.
 * Returns [busyLabel, error, run].
 */
export function useAction(): [
  string | undefined,
  unknown,
  (label: string, work: () => Promise<void>) => Promise<void>,
] {
  const [busy, setBusy] = useState<string | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const run = async (label: string, work: () => Promise<void>) => {
    setBusy(label);
    setError(undefined);
    try {
      await work();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(undefined);
    }
  };
  return [busy, error, run];
}

/** A list of facts, each a label and its value: a block's header, a tx, a record's details. */
export function Facts(props: { rows: readonly (readonly [string, ReactNode])[]; className?: string }) {
  return (
    <dl className={props.className ?? 'facts'}>
      {props.rows.map(([label, value]) => (
        <Fragment key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </Fragment>
      ))}
    </dl>
  );
}

export function shortHex(hex: string, n = 12): string {
  return hex.length > n ? `${hex.slice(0, n)}…` : hex;
}

/** A table's header row, one column header per name (in the order the cells follow). */
export function TableHead(props: { columns: readonly string[] }) {
  return (
    <thead>
      <tr>
        {props.columns.map((name) => (
          <th scope="col" key={name}>
            {name}
          </th>
        ))}
      </tr>
    </thead>
  );
}

/** Opens the item `id` in a list that shows one item's details at a time, or closes it again. */
export function OpenToggle(props: {
  id: string;
  open: string | undefined;
  setOpen: (id: string | undefined) => void;
  children: ReactNode;
}) {
  const isOpen = props.open === props.id;
  return (
    <button
      type="button"
      className="secondary"
      aria-expanded={isOpen}
      onClick={() => props.setOpen(isOpen ? undefined : props.id)}
    >
      {props.children}
    </button>
  );
}
