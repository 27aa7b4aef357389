// The GS1 module's error: a stable code (gs1.syntax, gs1.check_digit, gs1.unsupported) and a message
// that quotes at most INPUT_ECHO_CHARS_MAX characters of the caller's input, so a pasted payload never
// travels whole into logs or API answers (docs/STYLE.md "Errors").
import { CoreError } from '../../../core/errors.ts';

export const INPUT_ECHO_CHARS_MAX = 64;

export class Gs1Error extends CoreError {
  constructor(code: string, message: string) {
    super(code, message);
    this.name = 'Gs1Error';
  }
}

/** The input as quoted in an error message: JSON-quoted, cut to INPUT_ECHO_CHARS_MAX characters. */
export function quote(input: string): string {
  const cut = [...input].slice(0, INPUT_ECHO_CHARS_MAX).join('');
  return JSON.stringify(cut) + (cut.length < input.length ? '…' : '');
}
