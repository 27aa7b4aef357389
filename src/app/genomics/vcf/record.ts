// One data line (VCF 4.2 §1.6): the eight fixed columns, then FORMAT and one column per sample.
import { checkAlt, isRef } from './alleles.ts';
import { CONTIG_ID, FIELD_ID, type FieldDefinition, type VcfHeaderMeta } from './meta.ts';
import { CIGAR, NON_NEGATIVE_INFO, RESERVED_FORMAT, RESERVED_INFO, type FieldShape } from './reserved.ts';
import { expectedCount, isFloat, valueMatchesType } from './values.ts';

export interface VcfRecordFields {
  readonly chrom: string;
  readonly pos: number;
  readonly ref: string;
  readonly alts: readonly string[];
}

const GENOTYPE = /^(\.|\d+)([/|](\.|\d+))*$/;

/** Checks a data line's columns; returns the fields later checks need, or a reason. */
export function checkRecord(columns: readonly string[], meta: VcfHeaderMeta): VcfRecordFields | string {
  const [chrom, pos, id, ref, alt, qual, filter, info] = columns as [string, ...string[]];
  const contig = chrom.startsWith('<') && chrom.endsWith('>') ? chrom.slice(1, -1) : chrom;
  if (!CONTIG_ID.test(contig)) return `CHROM "${chrom}" is not a valid contig name`;
  if (!/^\d+$/.test(pos!)) return 'POS is not a non-negative integer';
  if (id !== '.' && !id!.split(';').every((part) => /^[^\s;]+$/.test(part))) return 'ID is not valid';
  if (!isRef(ref!)) return 'REF is not a sequence of bases';
  const altError = checkAlt(alt!);
  if (altError !== undefined) return altError;
  if (qual !== '.' && !(isFloat(qual!) && !qual!.startsWith('-'))) return 'QUAL is not a non-negative number';
  const filterError = checkFilter(filter!);
  if (filterError !== undefined) return filterError;
  const alts = alt!.split(',');
  const infoError = checkInfo(info!, meta.info, alts.length);
  if (infoError !== undefined) return infoError;
  if (columns.length > 8) {
    const sampleError = checkSamples(columns[8]!, columns.slice(9), meta.format, alts.length);
    if (sampleError !== undefined) return sampleError;
  }
  return { chrom: contig, pos: Number(pos), ref: ref!, alts };
}

function checkFilter(filter: string): string | undefined {
  if (filter === '.' || filter === 'PASS') return undefined;
  for (const code of filter.split(';')) {
    if (code === '' || code === '.' || code === '0' || /\s/.test(code))
      return `FILTER code "${code}" is not valid`;
  }
  return undefined;
}

function shapeOf(
  key: string,
  defined: Map<string, FieldDefinition>,
  reserved: ReadonlyMap<string, FieldShape>,
) {
  return defined.get(key) ?? reserved.get(key);
}

function checkValues(
  where: string,
  values: string,
  shape: FieldShape,
  count: number | undefined,
): string | undefined {
  // A double-quoted String is one value even when it holds commas (as the reference validator reads it).
  const quoted =
    shape.type === 'String' && values.length > 1 && values.startsWith('"') && values.endsWith('"');
  const parts = quoted ? [values] : values.split(',');
  if (values !== '.' && count !== undefined && parts.length !== count) {
    return `${where} has ${parts.length} values where its Number asks for ${count}`;
  }
  if (shape.type === undefined) return undefined;
  const bad = parts.find((part) => !valueMatchesType(part, shape.type!));
  return bad === undefined ? undefined : `${where} value "${bad}" is not of Type ${shape.type}`;
}

function checkInfo(
  info: string,
  defined: Map<string, FieldDefinition>,
  altCount: number,
): string | undefined {
  if (info === '.') return undefined;
  for (const entry of info.split(';')) {
    const eq = entry.indexOf('=');
    const key = eq < 0 ? entry : entry.slice(0, eq);
    if (!FIELD_ID.test(key)) return `INFO key "${key}" is not valid`;
    const shape = shapeOf(key, defined, RESERVED_INFO);
    if (eq < 0) continue;
    const value = entry.slice(eq + 1);
    if (/\s/.test(value) || value === '') return `INFO ${key} value is not valid`;
    if (shape === undefined) continue;
    if (shape.type === 'Flag') {
      // Flags carry no value (§1.6.1 item 8); 0 and 1 are tolerated as the reference validator does.
      if (value !== '0' && value !== '1') return `INFO ${key} is a Flag and takes no value`;
      continue;
    }
    const count = shape.number === 'G' ? undefined : expectedCount(shape.number, altCount, undefined);
    const error = checkValues(`INFO ${key}`, value, shape, count);
    if (error !== undefined) return error;
    if (NON_NEGATIVE_INFO.has(key) && value.split(',').some((v) => v.startsWith('-'))) {
      return `INFO ${key} is negative`;
    }
    if (key === 'CIGAR' && !value.split(',').every((v) => v === '.' || CIGAR.test(v)))
      return 'INFO CIGAR is not valid';
  }
  return undefined;
}

function checkSamples(
  format: string,
  samples: readonly string[],
  defined: Map<string, FieldDefinition>,
  altCount: number,
): string | undefined {
  const keys = format.split(':');
  if (!keys.every((key) => /^[A-Za-z0-9]+$/.test(key)))
    return `FORMAT "${format}" has an empty or invalid key`;
  if (keys.includes('GT') && keys[0] !== 'GT') return 'GT must be the first FORMAT key';
  for (const sample of samples) {
    const values = sample.split(':');
    if (values.length > keys.length) return 'a sample has more fields than FORMAT';
    let ploidy: number | undefined;
    for (const [index, value] of values.entries()) {
      const key = keys[index]!;
      if (key === 'GT') {
        if (!GENOTYPE.test(value)) return `genotype "${value}" is not valid`;
        const alleles = value.split(/[/|]/);
        if (alleles.some((a) => a !== '.' && Number(a) > altCount))
          return `genotype "${value}" names a missing allele`;
        ploidy = alleles.length;
        continue;
      }
      const shape = shapeOf(key, defined, RESERVED_FORMAT);
      if (shape === undefined) continue;
      const error = checkValues(`sample ${key}`, value, shape, expectedCount(shape.number, altCount, ploidy));
      if (error !== undefined) return error;
    }
  }
  return undefined;
}
