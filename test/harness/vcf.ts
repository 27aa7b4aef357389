// Small single-sample VCFs on GRCh38 for the genomics tests: rs7412 (19:44908822 C>T, the VRS spec's
// example) in the sample's genotype or not, plus any further chr19 records.
export const RS7412_QUERY = 'referenceName=19&start=44908821&referenceBases=C&alternateBases=T';

/** A VCF 4.2 with one sample, S1; `more` are further data lines after rs7412 (sorted by the caller). */
export function rs7412Vcf(carries: boolean, more: readonly string[] = []): string {
  return [
    '##fileformat=VCFv4.2',
    '##contig=<ID=19,length=58617616>',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1',
    `19\t44908822\trs7412\tC\tT\t.\tPASS\t.\tGT\t${carries ? '0/1' : '0/0'}`,
    ...more,
    '',
  ].join('\n');
}
