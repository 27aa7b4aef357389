// MLLP release 2 framing, receiving side: each message is framed 0x0B … 0x1C 0x0D, and a TCP stream
// carries frames however it likes (two in one read, one over a thousand reads, the end block split
// between two reads). Pure and bounded: bytes go in as they arrive, whole frames come out, and more bytes
// than the bound without a frame's end (one frame too long, or noise and restarted frames) are reported
// instead of buffered. Bytes outside a frame (a sender's
// keep-alive, noise before the start block) are dropped, as MLLP receivers do; a start block inside a
// frame starts the frame again (the sender gave up on the one before).
//
// The frame's text is decoded here too, by its MSH-18 character set (HL7 v2.x §2.15.9.18, table 0211),
// since the bytes are all that says which one it is.

const VT = 0x0b;
const FS = 0x1c;
const CR = 0x0d;

export class MllpDeframer {
  private inFrame = false;
  private parts: Uint8Array[] = [];
  private size = 0;
  /** Bytes since the last frame ended, in frames or not. */
  private sinceEnd = 0;

  constructor(private readonly frameBytesMax: number) {}

  /** The frames `chunk` completes, in order; overflow when too many bytes came without a frame's end. */
  push(chunk: Uint8Array): { frames: Uint8Array[]; overflow: boolean } {
    const frames: Uint8Array[] = [];
    /** Where the last frame this chunk completes ends (after its end block). */
    let ended = -1;
    let i = 0;
    while (i < chunk.length) {
      if (!this.inFrame) {
        const start = chunk.indexOf(VT, i);
        if (start < 0) break;
        this.open();
        i = start + 1;
        continue;
      }
      // The end block split over two reads: FS ended the previous one, CR begins this one.
      if (chunk[i] === CR && this.endsInFs()) {
        frames.push(this.take(1));
        ended = i += 1;
        continue;
      }
      const restart = chunk.indexOf(VT, i);
      const end = endBlock(chunk, i, restart < 0 ? chunk.length : restart);
      if (end >= 0) {
        this.append(chunk.subarray(i, end));
        frames.push(this.take(0));
        ended = i = end + 2;
      } else if (restart >= 0) {
        this.open();
        i = restart + 1;
      } else {
        this.append(chunk.subarray(i));
        i = chunk.length;
      }
    }
    this.sinceEnd = ended < 0 ? this.sinceEnd + chunk.length : chunk.length - ended;
    return { frames, overflow: this.sinceEnd > this.frameBytesMax };
  }

  private open(): void {
    this.inFrame = true;
    this.parts = [];
    this.size = 0;
  }

  private append(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.parts.push(bytes.slice());
    this.size += bytes.length;
  }

  private endsInFs(): boolean {
    const last = this.parts.at(-1);
    return last !== undefined && last[last.length - 1] === FS;
  }

  /** The frame's content, less `trailing` bytes already buffered of its end block. */
  private take(trailing: number): Uint8Array {
    const out = new Uint8Array(this.size - trailing);
    let at = 0;
    for (const part of this.parts) {
      const n = Math.min(part.length, out.length - at);
      out.set(part.subarray(0, n), at);
      at += n;
    }
    this.inFrame = false;
    this.parts = [];
    this.size = 0;
    return out;
  }
}

/** Where FS CR begins in chunk[from, to), or -1. */
function endBlock(chunk: Uint8Array, from: number, to: number): number {
  let at = chunk.indexOf(FS, from);
  while (at >= 0 && at < to) {
    if (at + 1 < chunk.length && chunk[at + 1] === CR) return at;
    at = chunk.indexOf(FS, at + 1);
  }
  return -1;
}

/** HL7 table 0211 names → WHATWG encoding labels, for the single-byte sets senders use. */
const CHARSETS: Readonly<Record<string, string>> = {
  ASCII: 'utf-8',
  'UNICODE UTF-8': 'utf-8',
  'UTF-8': 'utf-8',
  '8859/1': 'windows-1252',
  '8859/2': 'iso-8859-2',
  '8859/3': 'iso-8859-3',
  '8859/4': 'iso-8859-4',
  '8859/5': 'iso-8859-5',
  '8859/6': 'iso-8859-6',
  '8859/7': 'iso-8859-7',
  '8859/8': 'iso-8859-8',
  '8859/9': 'windows-1254',
  '8859/15': 'iso-8859-15',
};

export class CharsetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CharsetError';
  }
}

/**
 * A frame's text. MSH-18 says the character set; absent (or ASCII), the text is taken as UTF-8 and, if
 * it is not valid UTF-8, as Latin-1 (what most senders that declare nothing send). A message that
 * declares UTF-8 and is not, or declares a set we do not read, is a CharsetError: better refused than
 * stored with its names garbled.
 */
export function decodeFrame(bytes: Uint8Array): string {
  const declared = declaredCharset(bytes);
  const label = declared === '' ? undefined : CHARSETS[declared];
  if (declared !== '' && label === undefined) {
    throw new CharsetError(`MSH-18 character set ${declared.slice(0, 16)} is not supported`);
  }
  if (label === undefined || declared === 'ASCII') return utf8OrLatin1(bytes);
  try {
    return new TextDecoder(label, { fatal: true }).decode(bytes);
  } catch {
    throw new CharsetError(`the message is not valid ${declared} as MSH-18 declares`);
  }
}

/** Bytes of no declared set: UTF-8 when they are UTF-8, else Latin-1 (as Windows-1252, as senders mean it). */
export function utf8OrLatin1(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

/** MSH-18's first component, read from the bytes (MSH itself is ASCII in every set we read). */
function declaredCharset(bytes: Uint8Array): string {
  let end = bytes.indexOf(CR);
  const lf = bytes.indexOf(0x0a);
  if (end < 0 || (lf >= 0 && lf < end)) end = lf < 0 ? bytes.length : lf;
  const header = new TextDecoder('latin1').decode(bytes.subarray(0, Math.min(end, 4096)));
  const start = header.indexOf('MSH');
  if (start < 0 || header.length < start + 8) return '';
  const separator = header[start + 3]!;
  const component = header[start + 4]!;
  const repetition = header[start + 5]!;
  // fields[1] is MSH-2, so MSH-n is fields[n - 1].
  const field = header.slice(start).split(separator)[17] ?? '';
  return field.split(repetition)[0]!.split(component)[0]!.trim().toUpperCase();
}
