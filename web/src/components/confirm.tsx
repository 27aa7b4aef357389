// Confirmation before an action that cannot be taken back (revoke, recall, dispense, erase): the button
// opens a modal <dialog> that says what will happen, with the safe choice focused first. The native
// dialog traps focus and closes on Escape, and focus returns to the button that opened it.
import { useId, useRef, type ReactNode } from 'react';

export function ConfirmButton(props: {
  /** The button's label, e.g. "Revoke". */
  label: string;
  /** The dialog's question, e.g. "Revoke this permission?". */
  question: string;
  /** What will happen, in words. */
  children: ReactNode;
  /** The confirming button's label, e.g. "Yes, revoke". */
  confirm: string;
  onConfirm: () => void;
  disabled?: boolean;
  /** The opening button's class (default "danger"). */
  className?: string;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  return (
    <>
      <button
        type="button"
        className={props.className ?? 'danger'}
        disabled={props.disabled}
        onClick={() => dialog.current?.showModal()}
      >
        {props.label}
      </button>
      <dialog ref={dialog} aria-labelledby={titleId} className="confirm">
        <h2 id={titleId}>{props.question}</h2>
        <div>{props.children}</div>
        <div className="actions">
          {/* autoFocus: the safe choice is where focus lands when the dialog opens. */}
          <button type="button" className="secondary" autoFocus onClick={() => dialog.current?.close()}>
            Cancel
          </button>
          <button
            type="button"
            className="danger"
            onClick={() => {
              dialog.current?.close();
              props.onConfirm();
            }}
          >
            {props.confirm}
          </button>
        </div>
      </dialog>
    </>
  );
}
