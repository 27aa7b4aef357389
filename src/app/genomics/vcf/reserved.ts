// The INFO and FORMAT keys VCF 4.2 reserves (§1.6.1 item 8 and §1.6.2), with the Number and Type the
// spec gives them. A header that redefines one differently is rejected; a record that uses one without a
// header line is checked against this table. GLE's shape is not given by the spec's prose: G and String
// follow the EBI vcf-validator, the reference implementation the conformance files come from. SB is
// left out: 4.2 names it without a shape (4.3 later fixed Number=4, Type=Integer).
import type { VcfNumber, VcfType } from './values.ts';

export interface FieldShape {
  readonly number: VcfNumber;
  /** undefined: the spec leaves the type open (INFO MQ is Integer or Float in practice). */
  readonly type: VcfType | undefined;
}

const shape = (number: VcfNumber, type: VcfType | undefined): FieldShape => ({ number, type });

export const RESERVED_INFO: ReadonlyMap<string, FieldShape> = new Map([
  ['AA', shape(1, 'String')],
  ['AC', shape('A', 'Integer')],
  ['AF', shape('A', 'Float')],
  ['AN', shape(1, 'Integer')],
  ['BQ', shape(1, 'Float')],
  ['CIGAR', shape('A', 'String')],
  ['DB', shape(0, 'Flag')],
  ['DP', shape(1, 'Integer')],
  ['END', shape(1, 'Integer')],
  ['H2', shape(0, 'Flag')],
  ['H3', shape(0, 'Flag')],
  ['MQ', shape(1, undefined)],
  ['MQ0', shape(1, 'Integer')],
  ['NS', shape(1, 'Integer')],
  ['SOMATIC', shape(0, 'Flag')],
  ['VALIDATED', shape(0, 'Flag')],
  ['1000G', shape(0, 'Flag')],
]);

export const RESERVED_FORMAT: ReadonlyMap<string, FieldShape> = new Map([
  ['AD', shape('R', 'Integer')],
  ['ADF', shape('R', 'Integer')],
  ['ADR', shape('R', 'Integer')],
  ['DP', shape(1, 'Integer')],
  ['EC', shape('A', 'Integer')],
  ['FT', shape(1, 'String')],
  ['GL', shape('G', 'Float')],
  ['GLE', shape('G', 'String')],
  ['GP', shape('G', 'Float')],
  ['GQ', shape(1, 'Integer')],
  ['GT', shape(1, 'String')],
  ['HQ', shape(2, 'Integer')],
  ['MQ', shape(1, 'Integer')],
  ['PL', shape('G', 'Integer')],
  ['PQ', shape(1, 'Integer')],
  ['PS', shape(1, 'Integer')],
]);

/** Counts, depths, frequencies and positions: a negative value is meaningless (§1.6.1 item 8). */
export const NON_NEGATIVE_INFO: ReadonlySet<string> = new Set(['AC', 'AF', 'AN', 'DP', 'END', 'MQ0', 'NS']);

/** CIGAR string of §1.6.1 (SAM spec §1.4 operations). */
export const CIGAR = /^(\d+[MIDNSHPX=])+$/;
