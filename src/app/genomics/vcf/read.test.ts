import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readVariants } from './read.ts';

const GRCH38 = new Map([['19', 'SQ.IIB53T8CNeJJdUqzn9V_JnRtQadwWCbl']]);
const vcf = [
  '##fileformat=VCFv4.2',
  '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tP1\tP2',
  '19\t44908822\trs7412\tC\tT\t.\tPASS\t.\tGT\t0|1\t0/0',
  '19\t44908900\t.\tC\t<DEL>\t.\tPASS\t.\tGT\t1/1\t0/0',
  '20\t100\t.\tA\tG\t.\tPASS\t.\tGT\t1/1\t1/1',
].join('\n');

test('each sample carries the VRS ids of its genotype’s sequence alleles on known contigs', () => {
  const result = readVariants(vcf, GRCH38);
  assert.ok(result.ok);
  assert.deepEqual(result.samples, [
    {
      sample: 'P1',
      vrsIds: ['ga4gh:VA.0AePZIWZUNsUlQTamyLrjm2HWUw2opLt'],
      alleles: [
        {
          vrsId: 'ga4gh:VA.0AePZIWZUNsUlQTamyLrjm2HWUw2opLt',
          accession: 'SQ.IIB53T8CNeJJdUqzn9V_JnRtQadwWCbl',
          start: 44908821,
          end: 44908822,
        },
      ],
    },
    { sample: 'P2', vrsIds: [], alleles: [] },
  ]);
});

test('an invalid file is refused with its line and reason', () => {
  const result = readVariants(vcf.replace('44908822', '-1'), GRCH38);
  assert.equal(result.ok, false);
  if (!result.ok) assert.equal(result.line, 3);
});
