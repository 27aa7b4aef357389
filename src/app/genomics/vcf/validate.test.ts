// VCF conformance (issue 19, "Done when"): every file of the shared VCF 4.2 suite's passed folder is
// accepted and every file of its failed folder is rejected, with a reason.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { validateVcf } from './validate.ts';

const SUITE = join(import.meta.dirname, '../../../../../shared/testdata/vcf/4.2');
const files = (folder: string) =>
  readdirSync(join(SUITE, folder))
    .filter((name) => name.endsWith('.vcf'))
    .map((name) => ({ name, text: readFileSync(join(SUITE, folder, name), 'utf8') }));

test('every conformance file in passed/ is accepted', () => {
  const passed = files('passed');
  assert.ok(passed.length >= 25);
  for (const { name, text } of passed) {
    const verdict = validateVcf(text);
    assert.ok(verdict.ok, `${name}: ${verdict.ok ? '' : `line ${verdict.line}: ${verdict.reason}`}`);
  }
});

test('every conformance file in failed/ is rejected with a line and a reason', () => {
  const failed = files('failed');
  assert.ok(failed.length >= 190);
  for (const { name, text } of failed) {
    const verdict = validateVcf(text);
    assert.equal(verdict.ok, false, `${name} was accepted`);
    if (!verdict.ok) assert.ok(verdict.line >= 1 && verdict.reason.length > 0, name);
  }
});

const HEAD = '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n';
const vcf = (...rows: string[]) => HEAD + rows.map((row) => row.replaceAll(' ', '\t')).join('\n') + '\n';
const reasonOf = (text: string) => {
  const verdict = validateVcf(text);
  return verdict.ok ? 'accepted' : verdict.reason;
};

// The suite's contiguity, sorting and multi-allelic duplicate files also carry a wrong AC count, which is
// reported first; these isolate each file-level rule.
test('records of a contig split by another contig are rejected', () => {
  assert.equal(reasonOf(vcf('1 100 . C T . . .', '2 100 . C T . . .', '<2> 200 . C T . . .')), 'accepted');
  assert.match(
    reasonOf(vcf('1 100 . C T . . .', '2 100 . C T . . .', '1 200 . C T . . .')),
    /not contiguous/,
  );
});

test('records out of position order are rejected', () => {
  assert.match(reasonOf(vcf('1 200 . C T . . .', '1 100 . C T . . .')), /not sorted/);
});

test('the same variant written with different padding is a duplicate', () => {
  assert.match(reasonOf(vcf('1 123 . AT AAT,AA . . .', '1 124 . T A . . .')), /described twice/);
  assert.equal(reasonOf(vcf('1 123 . C <INS> . . .', '1 123 . C <INS> . . .')), 'accepted');
});
