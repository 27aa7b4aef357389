// A validated VCF's variants per sample, named by VRS id, read with @gmod/vcf (the parser the GA4GH
// standards' tool list names). Only sequence alleles on contigs with a known refget accession are
// identified; symbolic alleles and breakends have no VRS Allele form here and are skipped.
import VCF from '@gmod/vcf';
import { alleleFromVcf, alleleId } from '../vrs/allele.ts';
import { isSequenceAllele } from './alleles.ts';
import { validateVcf } from './validate.ts';

/** One carried allele: its VRS id and where it lies (interbase span on the contig's refget accession). */
export interface CarriedAllele {
  readonly vrsId: string;
  readonly accession: string;
  readonly start: number;
  readonly end: number;
}

export interface SampleVariants {
  readonly sample: string;
  /** Distinct VRS ids of the ALT alleles the sample's genotype carries. */
  readonly vrsIds: readonly string[];
  /** The same alleles with their locations, in VRS id order. */
  readonly alleles: readonly CarriedAllele[];
}

export type ReadResult =
  | { readonly ok: true; readonly samples: readonly SampleVariants[] }
  | { readonly ok: false; readonly line: number; readonly reason: string };

/** `refget` maps a contig name (as written, without angle brackets) to its refget accession (`SQ.…`). */
export function readVariants(text: string, refget: ReadonlyMap<string, string>): ReadResult {
  const verdict = validateVcf(text);
  if (!verdict.ok) return verdict;
  const lines = text.split(/\r?\n/).filter((line) => line.length > 0);
  const header = lines.filter((line) => line.startsWith('#')).join('\n');
  const parser = new VCF({ header });
  const carried = new Map<string, Map<string, CarriedAllele>>(
    verdict.samples.map((name) => [name, new Map()]),
  );
  for (const line of lines.filter((l) => !l.startsWith('#'))) {
    const variant = parser.parseLine(line);
    const accession = refget.get((variant.CHROM ?? '').replace(/^<(.*)>$/, '$1'));
    const alts = variant.ALT ?? [];
    const { POS: pos, REF: ref } = variant;
    if (accession === undefined || alts.length === 0 || pos === undefined || ref === undefined) continue;
    const ids = alts.map((alt): CarriedAllele | undefined => {
      if (!isSequenceAllele(alt)) return undefined;
      const allele = alleleFromVcf(accession, pos, ref, alt);
      const { start, end } = allele.location;
      return { vrsId: alleleId(allele), accession, start, end };
    });
    const samples = variant.SAMPLES();
    for (const [name, fields] of Object.entries(samples)) {
      const genotype = String(fields.GT?.[0] ?? '');
      for (const allele of genotype.split(/[/|]/)) {
        const found = /^\d+$/.test(allele) && allele !== '0' ? ids[Number(allele) - 1] : undefined;
        if (found !== undefined) carried.get(name)?.set(found.vrsId, found);
      }
    }
  }
  const samples = [...carried].map(([sample, byId]) => {
    const vrsIds = [...byId.keys()].sort();
    return { sample, vrsIds, alleles: vrsIds.map((id) => byId.get(id)!) };
  });
  return { ok: true, samples };
}
