import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readVariants } from '../app/genomics/vcf/read.ts';
import { GRCH38_REFGET } from '../app/genomics/vrs/grch38.ts';
import { alleleFromVcf, alleleId } from '../app/genomics/vrs/allele.ts';
import { demoVcf } from './demo-genomes.ts';

const chr19 = GRCH38_REFGET.get('19')!;
const rs429358 = alleleId(alleleFromVcf(chr19, 44_908_684, 'T', 'C'));
const rs7412 = alleleId(alleleFromVcf(chr19, 44_908_822, 'C', 'T'));

test('each demo VCF is a valid one-sample genome that carries rs429358 and not rs7412, and they differ', () => {
  const carried = [0, 1, 2].map((index) => {
    const read = readVariants(demoVcf(index), GRCH38_REFGET);
    assert.ok(read.ok, JSON.stringify(read));
    assert.equal(read.samples.length, 1);
    const { vrsIds } = read.samples[0]!;
    assert.ok(vrsIds.includes(rs429358), `patient ${index} carries APOE ε4's SNV`);
    assert.ok(!vrsIds.includes(rs7412), 'the tests count rs7412 carriers: the demo adds none');
    return vrsIds.join(',');
  });
  assert.equal(new Set(carried).size, carried.length, 'each patient carries a different mix');
});
