// HL7 v2 messages in their pipe-and-hat encoding (ER7, HL7 v2.x chapter 2 §2.5–2.7): segments, fields,
// repetitions, components and subcomponents, with the delimiters the message declares in MSH-1/MSH-2
// and its escape sequences decoded. Pure and bounded: the MLLP edge hands it a string, and a message
// that is not HL7 v2 becomes an Er7Error the listener answers with AR, never an exception it did not
// expect. Values are decoded only at the leaves, after splitting, so an escaped delimiter (\F\, \S\…)
// never splits anything.

import { utf8OrLatin1 } from './mllp.ts';

/** An HL7 message is at most this many characters: bounded before any splitting. */
export const MESSAGE_CHARS_MAX = 1_048_576;
/** And at most this many segments. */
export const SEGMENTS_MAX = 5_000;
/**
 * And a field repeats at most this many times: no field of a real message comes near (a report's TX
 * lines are the most), and twenty thousand identifiers in PID-3 would be one patient's record gone huge.
 */
export const REPETITIONS_MAX = 1_000;

export interface Delimiters {
  readonly field: string;
  readonly component: string;
  readonly repetition: string;
  readonly escape: string;
  readonly subcomponent: string;
}

/** HL7's default delimiters (| ^ ~ \\ &). */
export const STANDARD: Delimiters = {
  field: '|',
  component: '^',
  repetition: '~',
  escape: '\\',
  subcomponent: '&',
};

export class Er7Error extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Er7Error';
  }
}

/** One repetition of a field: components, each a list of subcomponents (decoded text). */
export class Repetition {
  constructor(private readonly components: readonly (readonly string[])[]) {}

  /** Component n (1-based), subcomponent s; '' when absent. */
  get(component = 1, sub = 1): string {
    return this.components[component - 1]?.[sub - 1] ?? '';
  }

  /** The subcomponents of component n (1-based). */
  subcomponents(component: number): readonly string[] {
    return this.components[component - 1] ?? [];
  }

  get isEmpty(): boolean {
    return this.components.every((c) => c.every((s) => s === ''));
  }

  /**
   * The repetition as one text, its components joined again by the delimiters that split them: a text
   * field (ST, TX, FT) whose sender left a `^` or `&` unescaped keeps what follows it.
   */
  text(d: Delimiters): string {
    const parts = this.components.map((c) => c.join(d.subcomponent));
    while (parts.length > 1 && parts.at(-1) === '') parts.pop();
    return parts.join(d.component);
  }
}

export class Segment {
  constructor(
    readonly name: string,
    /** fields[n] is field n (1-based, so fields[0] is unused); each a list of repetitions. */
    private readonly fields: readonly (readonly Repetition[])[],
    /** The message's delimiters, for the text of a field (`text`). */
    readonly delimiters: Delimiters = STANDARD,
  ) {}

  /** Field n as text (ST, TX, FT): each non-empty repetition whole (`Repetition.text`), one a line. */
  text(field: number): string {
    return this.repetitions(field)
      .map((r) => r.text(this.delimiters))
      .join('\n');
  }

  /** The non-empty repetitions of field n. */
  repetitions(field: number): readonly Repetition[] {
    return (this.fields[field] ?? []).filter((r) => !r.isEmpty);
  }

  /** Field n's first repetition (empty when absent). */
  field(field: number): Repetition {
    return this.fields[field]?.[0] ?? EMPTY;
  }

  /** Field n, component c, subcomponent s of the first repetition; '' when absent. */
  get(field: number, component = 1, sub = 1): string {
    return this.field(field).get(component, sub);
  }
}

const EMPTY = new Repetition([]);

export interface Er7Message {
  readonly delimiters: Delimiters;
  readonly segments: readonly Segment[];
}

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]/;

/** Parses an ER7 message; segments end in CR (the standard), LF or CRLF (files on disk). */
export function parseEr7(text: string): Er7Message {
  if (text.length > MESSAGE_CHARS_MAX)
    throw new Er7Error(`the message exceeds ${MESSAGE_CHARS_MAX} characters`);
  // NUL and the other C0 controls are no text of any field (a binary value is Base64 in an ED, or \Xhh\):
  // refused rather than carried into a record. TAB, and the CR and LF that end segments, are text.
  if (CONTROL.test(text)) throw new Er7Error('the message contains a control character (NUL, 0x01–0x1F)');
  // Files saved by Windows tools often begin with a byte order mark; it is not part of the message.
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\r|\n/)
    .filter((line) => line.trim() !== '');
  if (lines.length > SEGMENTS_MAX) throw new Er7Error(`the message exceeds ${SEGMENTS_MAX} segments`);
  const header = lines[0];
  if (header === undefined || !header.startsWith('MSH') || header.length < 8) {
    throw new Er7Error('the message does not begin with an MSH segment');
  }
  const delimiters = delimitersOf(header);
  const segments = lines.map((line) => parseSegment(line, delimiters));
  return { delimiters, segments };
}

function delimitersOf(header: string): Delimiters {
  // MSH-1 is the character after "MSH"; MSH-2 the next four (component, repetition, escape, sub).
  const field = header[3]!;
  const encoding = header.slice(4, header.indexOf(field, 4) === -1 ? 8 : header.indexOf(field, 4));
  const [component, repetition, escapeChar, subcomponent] = [...encoding];
  const all = [field, component, repetition, escapeChar, subcomponent];
  if (all.some((d) => d === undefined || /[A-Za-z0-9\s]/.test(d)) || new Set(all).size !== 5) {
    throw new Er7Error('MSH-1 and MSH-2 must declare five distinct delimiters');
  }
  return {
    field,
    component: component!,
    repetition: repetition!,
    escape: escapeChar!,
    subcomponent: subcomponent!,
  };
}

function parseSegment(line: string, d: Delimiters): Segment {
  const parts = line.split(d.field);
  const name = parts[0]!;
  if (!/^[A-Z][A-Z0-9]{2}$/.test(name)) throw new Er7Error('a segment name must be three letters or digits');
  if (name === 'MSH') {
    // MSH-1 is the field separator itself and MSH-2 the encoding characters: neither is split.
    const rest = parts.slice(2).map((f) => parseField(f, d));
    return new Segment(
      name,
      [[], [new Repetition([[d.field]])], [new Repetition([[parts[1] ?? '']])], ...rest],
      d,
    );
  }
  return new Segment(name, [[], ...parts.slice(1).map((f) => parseField(f, d))], d);
}

function parseField(raw: string, d: Delimiters): Repetition[] {
  const repetitions = raw.split(d.repetition);
  if (repetitions.length > REPETITIONS_MAX)
    throw new Er7Error(`a field repeats more than ${REPETITIONS_MAX} times`);
  return repetitions.map(
    (rep) =>
      new Repetition(rep.split(d.component).map((c) => c.split(d.subcomponent).map((s) => unescape(s, d)))),
  );
}

/** Escape sequences (chapter 2 §2.7): delimiters, hex bytes, line breaks; formatting ones are dropped. */
export function unescape(value: string, d: Delimiters): string {
  if (!value.includes(d.escape)) return value;
  let out = '';
  let i = 0;
  while (i < value.length) {
    const ch = value[i]!;
    const end = ch === d.escape ? value.indexOf(d.escape, i + 1) : -1;
    if (end === -1) {
      out += ch;
      i += 1;
      continue;
    }
    out += decodeEscape(value.slice(i + 1, end), d);
    i = end + 1;
  }
  return out;
}

function decodeEscape(code: string, d: Delimiters): string {
  switch (code) {
    case 'F':
      return d.field;
    case 'S':
      return d.component;
    case 'T':
      return d.subcomponent;
    case 'R':
      return d.repetition;
    case 'E':
      return d.escape;
    case '.br':
    case '.sp':
      return '\n';
    case 'H':
    case 'N':
      return '';
  }
  if (/^X([0-9A-Fa-f]{2})+$/.test(code)) return hexText(code.slice(1));
  // Anything else (\.sp\, \Cxxyy\ …) carries formatting or a charset switch we do not render: dropped.
  return '';
}

/**
 * \Xhh…\: bytes in the message's character set. Read as UTF-8 when they are UTF-8 (\XC3A9\ is é), else
 * as Latin-1; a line break stays one, and other control bytes (\X00\) are dropped, as in the message.
 */
function hexText(hex: string): string {
  const bytes = new Uint8Array(hex.match(/../g)!.map((h) => parseInt(h, 16)));
  return utf8OrLatin1(bytes).replace(/\r\n?/g, '\n').replace(new RegExp(CONTROL.source, 'g'), '');
}

/** Escapes text for a field of a message we send (ACKs): the delimiters become their sequences. */
export function escape(value: string, d: Delimiters): string {
  let out = '';
  for (const ch of value) {
    if (ch === d.escape) out += `${d.escape}E${d.escape}`;
    else if (ch === d.field) out += `${d.escape}F${d.escape}`;
    else if (ch === d.component) out += `${d.escape}S${d.escape}`;
    else if (ch === d.subcomponent) out += `${d.escape}T${d.escape}`;
    else if (ch === d.repetition) out += `${d.escape}R${d.escape}`;
    else if (ch === '\r' || ch === '\n') out += `${d.escape}.br${d.escape}`;
    else out += ch;
  }
  return out;
}

/** The first segment named `name`. */
export function segment(message: Er7Message, name: string): Segment | undefined {
  return message.segments.find((s) => s.name === name);
}
