// `carechain genomics` (issue 19 §6) against a listening node: staff upload a VCF, a researcher queries
// the Beacon (variants and individuals), the patient releases a copy of their genome that only the named
// key opens, and erases it, each with the token CARECHAIN_TOKEN holds. Without a token an action exits
// non-zero naming the variable; a refusal by the node is its code and message, never a stack trace.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { patientPseudonym } from '../../src/app/membership/pseudonym.ts';
import { fromUtf8, toHex } from '../../src/core/bytes.ts';
import { crypt4ghKeyPair, readCrypt4gh } from '../../src/node/vault/crypt4gh.ts';
import { tempDir } from '../harness/chain.ts';
import { fhirKeys, startFhirTestNode, type FhirTestNode } from '../harness/fhir-node.ts';
import { runCarechain } from '../harness/process.ts';
import { rs7412Vcf } from '../harness/vcf.ts';

const dir = tempDir('carechain-genomics-cli-');
let t: FhirTestNode;
before(async () => {
  t = await startFhirTestNode({
    chainId: 'carechain-genomics-cli',
    listen: true,
    genomics: { pricingAlleleFrequency: 0.3 },
  });
});
after(async () => {
  await t?.close();
  dir.remove();
});

/** `carechain genomics args…` with this token in CARECHAIN_TOKEN (none if undefined). */
const cli = (token: string | undefined, ...args: string[]) =>
  runCarechain(['genomics', ...args], { CARECHAIN_TOKEN: token });

test('upload, query, grant and erase from the CLI, each with its caller’s token', async () => {
  const api = ['--api', t.url];
  const vcfFile = join(dir.path, 'alice.vcf');
  writeFileSync(vcfFile, rs7412Vcf(true));
  const patient = patientPseudonym(fhirKeys.patient.publicKey);
  const upload = ['upload', vcfFile, '--patient', patient, '--data-use', 'GRU', ...api];

  const refused = await cli(undefined, ...upload);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /CARECHAIN_TOKEN/);

  const uploaded = await cli(t.tokens.doctor, ...upload);
  assert.equal(uploaded.code, 0, uploaded.stderr);
  const { datasetId, variantCount } = JSON.parse(uploaded.stdout);
  assert.equal(variantCount, 1);
  await t.submit(fhirKeys.patient, 'genomics.consentResearch', {
    dataUse: { permission: { code: 'GRU' }, modifiers: [] },
  });

  const rs7412 = ['--reference-name', '19', '--start', '44908821', '--reference-bases', 'C'];
  const query = (...more: string[]) =>
    cli(
      t.tokens.nurse,
      'query',
      ...rs7412,
      '--alternate-bases',
      'T',
      '--granularity',
      'count',
      ...more,
      ...api,
    );
  for (const entity of ['g_variants', 'individuals']) {
    const answered = await query('--entity', entity);
    assert.equal(answered.code, 0, answered.stderr);
    assert.deepEqual(JSON.parse(answered.stdout).responseSummary, { exists: true, numTotalResults: 1 });
  }
  // The Beacon's refusal (a patient is no researcher): its catalogue code, no stack trace.
  const notResearcher = await cli(t.tokens.patient, 'query', ...rs7412, '--alternate-bases', 'T', ...api);
  assert.notEqual(notResearcher.code, 0);
  assert.match(notResearcher.stderr, /genomics\.not_researcher/);
  assert.doesNotMatch(notResearcher.stderr, /\n\s+at /);
  const badBases = await cli(t.tokens.nurse, 'query', ...rs7412, '--alternate-bases', '<DEL>', ...api);
  assert.notEqual(badBases.code, 0);
  assert.match(badBases.stderr, /bases/);

  const reader = crypt4ghKeyPair();
  const out = join(dir.path, 'alice.c4gh');
  const grant = ['grant', datasetId, '--recipient-key', toHex(reader.publicKey), '--out', out, ...api];
  const staffGrant = await cli(t.tokens.doctor, ...grant);
  assert.notEqual(staffGrant.code, 0);
  assert.match(staffGrant.stderr, /genomics\.not_patient/);
  const granted = await cli(t.tokens.patient, ...grant);
  assert.equal(granted.code, 0, granted.stderr);
  assert.equal(JSON.parse(granted.stdout).out, out);
  const container = new Uint8Array(readFileSync(out));
  assert.equal(fromUtf8(readCrypt4gh(container, reader.secretKey)), rs7412Vcf(true));

  const erased = await cli(t.tokens.patient, 'erase', datasetId, ...api);
  assert.equal(erased.code, 0, erased.stderr);
  assert.match(JSON.parse(erased.stdout).txHash, /^[0-9a-f]{64}$/);
  const afterErasure = await query();
  assert.equal(afterErasure.code, 0, afterErasure.stderr);
  assert.deepEqual(JSON.parse(afterErasure.stdout).responseSummary, { exists: false, numTotalResults: 0 });
});
