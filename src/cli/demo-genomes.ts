// Demo genomes for `carechain up` (issue 19 §6 "the demo uploads VCFs for a few demo patients"): the
// hospital's staff upload a small single-sample VCF, generated here, for each patient given, and each
// patient signs research consent (any research) with their own key, so "My genome" in the patient app
// and the custodian's "Genomes we hold" page have something to show and the research page something to
// find. The files are made up: a handful of chromosome 19 and chromosome 1 variants, each patient carrying
// a different subset. None carries rs7412 (19:44908822 C>T), the variant the tests count carriers of.
import { patientPseudonym } from '../app/membership/index.ts';
import { GenomicsClient } from '../client/genomics-client.ts';
import type { GenomeUploadBody } from '../contract/genomics.ts';
import type { KeyPair } from '../node/keys.ts';
import { submitAndCommit } from './submit-tx.ts';

/** Records of the demo VCFs, in file order (chromosome 1, then 19, by position). */
const DEMO_VARIANTS: readonly { chrom: string; pos: number; id: string; ref: string; alt: string }[] = [
  { chrom: '1', pos: 11_796_321, id: '.', ref: 'G', alt: 'A' },
  { chrom: '1', pos: 155_235_843, id: '.', ref: 'T', alt: 'C' },
  { chrom: '19', pos: 44_905_579, id: '.', ref: 'T', alt: 'G' },
  // APOE ε4's defining SNV (GRCh38): the research page can ask 19, 44908683, T, C.
  { chrom: '19', pos: 44_908_684, id: 'rs429358', ref: 'T', alt: 'C' },
  { chrom: '19', pos: 44_909_976, id: '.', ref: 'G', alt: 'T' },
];
const DEMO_DATA_USE: GenomeUploadBody['dataUse'] = { permission: { code: 'HMB' }, modifiers: [] };
const DEMO_RESEARCH_CONSENT = { permission: { code: 'GRU' }, modifiers: [] };

/** The `index`-th demo patient's VCF: every patient carries rs429358, and a different mix of the rest. */
export function demoVcf(index: number): string {
  const genotype = (i: number) =>
    i === 3 ? (index % 2 === 0 ? '0/1' : '1/1') : (index + i) % 3 === 0 ? '0/0' : '0/1';
  return [
    '##fileformat=VCFv4.2',
    '##source=carechain demo (made up, not a real person)',
    '##contig=<ID=1,length=248956422>',
    '##contig=<ID=19,length=58617616>',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tDEMO',
    ...DEMO_VARIANTS.map(
      (v, i) => `${v.chrom}\t${v.pos}\t${v.id}\t${v.ref}\t${v.alt}\t.\tPASS\t.\tGT\t${genotype(i)}`,
    ),
    '',
  ].join('\n');
}

export interface DemoGenomesOptions {
  /** The custodian's API and one of its staff's bearer token. */
  readonly custodian: { readonly apiUrl: string; readonly token: string };
  readonly chainId: string;
  /** The patients, in the custodian's care, who get a genome and consent to research. */
  readonly patients: readonly KeyPair[];
  readonly progress: (line: string) => void;
}

/** Uploads a genome for each patient and commits their research consent; answers the dataset ids. */
export async function loadDemoGenomes(options: DemoGenomesOptions): Promise<string[]> {
  const { custodian, chainId, patients } = options;
  options.progress(`Uploading demo genomes (VCF, kept as Crypt4GH) for ${patients.length} patients…`);
  const client = new GenomicsClient(custodian.apiUrl, custodian.token);
  const datasets: string[] = [];
  // One after another: each registration is a tx of the custodian's node, in its own nonce order.
  for (const [index, key] of patients.entries()) {
    const registered = await client.upload({
      patient: patientPseudonym(key.publicKey),
      vcf: demoVcf(index),
      dataUse: DEMO_DATA_USE,
    });
    datasets.push(registered.datasetId);
  }
  // Each patient signs their own consent: these go in one block or two.
  await Promise.all(
    patients.map((key) =>
      submitAndCommit(custodian.apiUrl, chainId, key, 'genomics.consentResearch', {
        dataUse: DEMO_RESEARCH_CONSENT,
      }),
    ),
  );
  return datasets;
}
