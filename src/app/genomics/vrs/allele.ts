// GA4GH VRS 2.x Alleles and their computed identifiers (`ga4gh:VA.<sha512t24u>`). The digest serialization
// keeps only each class's digest keys, sorts keys, drops whitespace (a subset of RFC 8785 JSON), and
// replaces a nested identifiable object (here the SequenceLocation) by its own digest.
import { canonicalJson } from '../../../core/canonical.ts';
import { sha512t24u } from './digest.ts';

export interface SequenceReference {
  readonly type: 'SequenceReference';
  /** A refget accession, `SQ.` plus the sequence's sha512t24u. */
  readonly refgetAccession: string;
}

export interface SequenceLocation {
  readonly type: 'SequenceLocation';
  readonly sequenceReference: SequenceReference;
  /** Inter-residue coordinates: 0-based start, exclusive end. */
  readonly start: number;
  readonly end: number;
}

export type AlleleState =
  | { readonly type: 'LiteralSequenceExpression'; readonly sequence: string }
  | {
      readonly type: 'ReferenceLengthExpression';
      readonly length: number;
      readonly repeatSubunitLength: number;
      readonly sequence?: string;
    };

export interface Allele {
  readonly type: 'Allele';
  readonly location: SequenceLocation;
  readonly state: AlleleState;
}

function locationBlob(location: SequenceLocation): string {
  const { refgetAccession } = location.sequenceReference;
  return canonicalJson({
    end: location.end,
    sequenceReference: { refgetAccession, type: 'SequenceReference' },
    start: location.start,
    type: 'SequenceLocation',
  });
}

/** The state's digest keys: a ReferenceLengthExpression's sequence is derivable, so it is left out. */
function stateValue(state: AlleleState): Record<string, string | number> {
  if (state.type === 'LiteralSequenceExpression') return { sequence: state.sequence, type: state.type };
  return { length: state.length, repeatSubunitLength: state.repeatSubunitLength, type: state.type };
}

export function sequenceLocationId(location: SequenceLocation): string {
  return `ga4gh:SL.${sha512t24u(locationBlob(location))}`;
}

export function alleleDigestBlob(allele: Allele): string {
  return canonicalJson({
    location: sha512t24u(locationBlob(allele.location)),
    state: stateValue(allele.state),
    type: 'Allele',
  });
}

export function alleleId(allele: Allele): string {
  return `ga4gh:VA.${sha512t24u(alleleDigestBlob(allele))}`;
}

/**
 * The Allele a VCF record's REF/ALT spells, as written (vrs-python's translator with normalize=False): VCF
 * POS is 1-based, so the span is [POS-1, POS-1+len(REF)) and the state is the whole ALT.
 */
export function alleleFromVcf(refgetAccession: string, pos: number, ref: string, alt: string): Allele {
  return {
    type: 'Allele',
    location: {
      type: 'SequenceLocation',
      sequenceReference: { type: 'SequenceReference', refgetAccession },
      start: pos - 1,
      end: pos - 1 + ref.length,
    },
    state: { type: 'LiteralSequenceExpression', sequence: alt.toUpperCase() },
  };
}
