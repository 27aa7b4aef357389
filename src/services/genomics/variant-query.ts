// A Beacon variant query as the services read it (issue 19 §4): a sequence query (matched by VRS id), a
// range query (a variant starting in [start, end)) or a bracket query (a variant, typically a structural
// one of uncertain breakpoints, starting in [startMin, startMax] and ending in [endMin, endMax]), the
// last two matched by position and bounded. Checked the same way at the beacon a researcher reached and
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
  | { readonly kind: 'range'; readonly accession: string; readonly start: number; readonly end: number }
  | {
      readonly kind: 'bracket';
      readonly accession: string;
      readonly startMin: number;
      readonly startMax: number;
      readonly endMin: number;
      readonly endMax: number;
    };

export type SequenceQuery = Extract<VariantQuery, { kind: 'sequence' }>;

const BASES = /^[ACGTN]{1,1000}$/;
const ACCESSION = /^[A-Za-z0-9._-]{1,64}$/;

export function checkVariant(variant: VariantQuery): void {
  const bad = (message: string) => new ServiceError('genomics.invalid_query', message);
  if (typeof variant.accession !== 'string' || !ACCESSION.test(variant.accession))
    throw bad('an unknown reference');
  if (variant.kind === 'bracket') {
    const { startMin, startMax, endMin, endMax } = variant;
    if (![startMin, startMax, endMin, endMax].every((n) => Number.isSafeInteger(n) && n >= 0))
      throw bad('a bracket is four 0-based positions');
    if (startMax < startMin || endMax < endMin) throw bad('each bracket gives its least position first');
    if (endMax <= startMin) throw bad('the end bracket must reach past the start bracket');
    // The scan covers the start bracket; the end bracket filters what it finds.
    if (startMax - startMin > RANGE_BASES_MAX)
      throw bad(`a start bracket spans at most ${RANGE_BASES_MAX} bases`);
    return;
  }
  if (!Number.isSafeInteger(variant.start) || variant.start < 0) throw bad('start is a 0-based position');
  if (variant.kind === 'range') {
    if (!Number.isSafeInteger(variant.end) || variant.end <= variant.start)
      throw bad('end must follow start');
    if (variant.end - variant.start > RANGE_BASES_MAX)
      throw bad(`a range spans at most ${RANGE_BASES_MAX} bases`);
    return;
  }
  if (variant.kind !== 'sequence') throw bad('a sequence, range or bracket query');
  if (!BASES.test(variant.referenceBases) || !BASES.test(variant.alternateBases)) {
    throw bad('referenceBases and alternateBases are bases (A, C, G, T, N)');
  }
}
