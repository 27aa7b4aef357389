// A Beacon variant query as the services read it (issue 19 §4): a sequence query (matched by VRS id) or a
// range query (matched by position, bounded). Checked the same way at the beacon a researcher reached and
// at each custodian a query fans out to (fan-out.ts).
import { RANGE_BASES_MAX } from '../../node/genomics/genome-store.ts';
import { ServiceError } from '../errors.ts';

export type VariantQuery =
  | {
      readonly kind: 'sequence';
      readonly accession: string;
      /** 0-based interbase start, as Beacon v2 and VRS count. */
      readonly start: number;
      readonly referenceBases: string;
      readonly alternateBases: string;
    }
  | { readonly kind: 'range'; readonly accession: string; readonly start: number; readonly end: number };

export type SequenceQuery = Extract<VariantQuery, { kind: 'sequence' }>;

const BASES = /^[ACGTN]{1,1000}$/;
const ACCESSION = /^[A-Za-z0-9._-]{1,64}$/;

export function checkVariant(variant: VariantQuery): void {
  const bad = (message: string) => new ServiceError('genomics.invalid_query', message);
  if (typeof variant.accession !== 'string' || !ACCESSION.test(variant.accession))
    throw bad('an unknown reference');
  if (!Number.isSafeInteger(variant.start) || variant.start < 0) throw bad('start is a 0-based position');
  if (variant.kind === 'range') {
    if (!Number.isSafeInteger(variant.end) || variant.end <= variant.start)
      throw bad('end must follow start');
    if (variant.end - variant.start > RANGE_BASES_MAX)
      throw bad(`a range spans at most ${RANGE_BASES_MAX} bases`);
    return;
  }
  if (variant.kind !== 'sequence') throw bad('a sequence or a range query');
  if (!BASES.test(variant.referenceBases) || !BASES.test(variant.alternateBases)) {
    throw bad('referenceBases and alternateBases are bases (A, C, G, T, N)');
  }
}
