// Form fields: a labelled text field (one line or an area) whose value is held by the page. Identifiers,
// codes, keys and passphrases are typed or pasted exactly, so spelling correction is off, and a field is
// required unless it says it is optional.
import type { ChangeEvent } from 'react';

export function Field(props: {
  id: string;
  label: string;
  value: string;
  set: (v: string) => void;
  placeholder?: string;
  area?: boolean;
  /** A date picker, or dots instead of the letters of a secret; plain text when absent. */
  type?: 'date' | 'password';
  /** The phone keyboard to show for a number. */
  inputMode?: 'decimal' | 'numeric';
  autoComplete?: 'off' | 'current-password' | 'new-password';
  minLength?: number;
  optional?: boolean;
}) {
  const input = {
    id: props.id,
    value: props.value,
    onChange: (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => props.set(e.target.value),
    placeholder: props.placeholder,
    spellCheck: false,
    required: props.optional !== true,
  };
  return (
    <>
      <label htmlFor={props.id}>{props.label}</label>
      {props.area ? (
        <textarea {...input} />
      ) : (
        <input
          {...input}
          type={props.type}
          inputMode={props.inputMode}
          autoComplete={props.autoComplete}
          minLength={props.minLength}
        />
      )}
    </>
  );
}

/** A labelled drop-down of `options`, each shown as `words(option)`. */
export function SelectField<T extends string>(props: {
  id: string;
  label: string;
  value: T;
  set: (v: T) => void;
  options: readonly T[];
  words: (option: T) => string;
}) {
  return (
    <>
      <label htmlFor={props.id}>{props.label}</label>
      <select id={props.id} value={props.value} onChange={(e) => props.set(e.target.value as T)}>
        {props.options.map((o) => (
          <option key={o} value={o}>
            {props.words(o)}
          </option>
        ))}
      </select>
    </>
  );
}

/** Radio buttons under one `name`: exactly one of `options` ([value, label]) is chosen. */
export function RadioChoice<T extends string>(props: {
  name: string;
  value: T;
  set: (v: T) => void;
  options: readonly (readonly [T, string])[];
}) {
  return props.options.map(([option, label]) => (
    <label className="inline" key={option}>
      <input
        type="radio"
        name={props.name}
        checked={props.value === option}
        onChange={() => props.set(option)}
      />
      {label}
    </label>
  ));
}

/** Checkboxes for any number of `options`, each shown as `words(option)`. */
export function CheckList<T extends string>(props: {
  chosen: readonly T[];
  set: (chosen: T[]) => void;
  options: readonly T[];
  words: (option: T) => string;
}) {
  return (
    <div className="checks">
      {props.options.map((o) => (
        <label className="inline" key={o}>
          <input
            type="checkbox"
            checked={props.chosen.includes(o)}
            onChange={(e) =>
              props.set(e.target.checked ? [...props.chosen, o] : props.chosen.filter((c) => c !== o))
            }
          />
          {props.words(o)}
        </label>
      ))}
    </div>
  );
}

/** A labelled file chooser; the page holds the chosen file (null once the choice is cleared). */
export function FileField(props: {
  id: string;
  label: string;
  set: (file: File | null) => void;
  /** File types offered first, e.g. "application/json,.json". */
  accept?: string;
  optional?: boolean;
}) {
  return (
    <>
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        type="file"
        accept={props.accept}
        required={props.optional !== true}
        onChange={(e) => props.set(e.target.files?.[0] ?? null)}
      />
    </>
  );
}
