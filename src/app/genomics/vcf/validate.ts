// VCF 4.x validation (VCF 4.2 spec, samtools/hts-specs): the fileformat line, meta-information, the
// header line, and every data line, with the file-level rules of §1.6 (records sorted by position within a
// contig, each contig's records contiguous, no variant described twice). The first failure is reported.
import { isSequenceAllele, trimAlleles } from './alleles.ts';
import { checkMetaLine, emptyMeta, type VcfHeaderMeta } from './meta.ts';
import { checkRecord, type VcfRecordFields } from './record.ts';

export type VcfVerdict =
  | { readonly ok: true; readonly samples: readonly string[]; readonly records: number }
  | { readonly ok: false; readonly line: number; readonly reason: string };

const FIXED = ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO'];

export function validateVcf(text: string): VcfVerdict {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  const fail = (index: number, reason: string): VcfVerdict => ({ ok: false, line: index + 1, reason });
  if (!/^##fileformat=VCFv4\.[0-4]$/.test(lines[0] ?? ''))
    return fail(0, 'first line is not ##fileformat=VCFv4.x');
  const meta = emptyMeta();
  let index = 1;
  for (; index < lines.length && lines[index]!.startsWith('##'); index += 1) {
    const reason = checkMetaLine(lines[index]!.slice(2), meta);
    if (reason !== undefined) return fail(index, reason);
  }
  const header = lines[index]?.split('\t');
  if (header === undefined) return fail(index, 'header line (#CHROM ...) is missing');
  if (!header[0]!.startsWith('#'))
    return fail(index, 'line before the data is neither ## meta-information nor #CHROM');
  const headerError = checkHeader(header);
  if (headerError !== undefined) return fail(index, headerError);
  const body = checkBody(lines, index + 1, header.length, meta);
  if (typeof body !== 'number') return fail(body.index, body.reason);
  return { ok: true, samples: header.slice(9), records: body };
}

function checkHeader(header: readonly string[]): string | undefined {
  if (FIXED.some((name, i) => header[i] !== name)) return `header columns must begin ${FIXED.join(' ')}`;
  if (header.length === 9) return 'FORMAT column without samples';
  if (header.length > 9 && header[8] !== 'FORMAT') return 'ninth header column must be FORMAT';
  const samples = header.slice(9);
  if (new Set(samples).size !== samples.length) return 'sample names are not unique';
  if (samples.some((name) => name === '' || /\s/.test(name)))
    return 'a sample name is empty or has whitespace';
  return undefined;
}

function checkBody(
  lines: readonly string[],
  start: number,
  columnCount: number,
  meta: VcfHeaderMeta,
): number | { index: number; reason: string } {
  const order = new ContigOrder();
  for (let index = start; index < lines.length; index += 1) {
    const columns = lines[index]!.split('\t');
    if (columns.length !== columnCount) {
      return { index, reason: `data line has ${columns.length} columns, header has ${columnCount}` };
    }
    const record = checkRecord(columns, meta);
    if (typeof record === 'string') return { index, reason: record };
    const reason = order.add(record);
    if (reason !== undefined) return { index, reason };
  }
  return lines.length - start;
}

/** §1.6.1: positions ascend within a contig, and a contig's records are not split by another's. */
class ContigOrder {
  private readonly finished = new Set<string>();
  private current: string | undefined;
  private lastPos = 0;
  private seen = new Set<string>();

  add(record: VcfRecordFields): string | undefined {
    if (record.chrom !== this.current) {
      if (this.finished.has(record.chrom)) return `records of contig ${record.chrom} are not contiguous`;
      if (this.current !== undefined) this.finished.add(this.current);
      this.current = record.chrom;
      this.lastPos = 0;
      this.seen = new Set();
    }
    if (record.pos < this.lastPos)
      return `records are not sorted by position (${record.pos} after ${this.lastPos})`;
    this.lastPos = record.pos;
    for (const alt of record.alts.filter(isSequenceAllele)) {
      const trimmed = trimAlleles(record.pos, record.ref, alt);
      const key = `${trimmed.pos}:${trimmed.ref}>${trimmed.alt}`;
      if (this.seen.has(key)) return `variant ${record.chrom}:${key} is described twice`;
      this.seen.add(key);
    }
    return undefined;
  }
}
