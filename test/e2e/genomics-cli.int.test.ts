// `carechain genomics` (issue 19 §6) against a listening node: staff upload a VCF, a researcher queries
// the Beacon (variants and individuals), the patient releases a copy of their genome that only the named
// key opens, and erases it, each with the token CARECHAIN_TOKEN holds. Without a token an action exits
// non-zero naming the variable; a refusal by the node is its code and message, never a stack trace.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fromUtf8, toHex } from '../../src/core/bytes.ts';
import { crypt4ghKeyPair, readCrypt4gh } from '../../src/node/vault/crypt4gh.ts';
import { tempDir } from '../harness/chain.ts';
import {
  fhirKeys,
  patientPseudonymOfTest,
  startFhirTestNode,
  type FhirTestNode,
} from '../harness/fhir-node.ts';
import { rs7412Vcf } from '../harness/vcf.ts';

let t: FhirTestNode;
const dir = tempDir('carechain-genomics-cli-');
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

/** Runs the CLI as a child process without blocking this process, which serves the node. */
function cli(
  token: string | undefined,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env };
  delete env.CARECHAIN_TOKEN;
  if (token !== undefined) env.CARECHAIN_TOKEN = token;
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/carechain.mjs', 'genomics', ...args], { env }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : ((err as { code?: number }).code ?? 1), stdout, stderr });
    });
  });
}

test('upload, query, grant and erase from the CLI, each with its caller’s token', async () => {
  const api = ['--api', t.url];
  const vcfFile = join(dir.path, 'alice.vcf');
  writeFileSync(vcfFile, rs7412Vcf(true));
  const upload = ['upload', vcfFile, '--patient', patientPseudonymOfTest, '--data-use', 'GRU', ...api];

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
