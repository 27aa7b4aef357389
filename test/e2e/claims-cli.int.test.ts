// `carechain claims` (issue 17 §7) against a listening node: a physician submits the shared PAS request
// from the CLI with their token in CARECHAIN_TOKEN, reads its clock with `prior-auth`, and after the
// insurer's node certifies it, `inquire` prints the certification; `metrics` prints the payer's figures.
// Without a token a write exits non-zero and says which variable to set; a malformed id is refused.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { PA_REQUEST_SYSTEM } from '../../src/services/claims/pas.ts';
import { sharedTestdata } from '../harness/files.ts';
import { fhirKeys, fhirTestNodeForTests } from '../harness/fhir-node.ts';

const t = fhirTestNodeForTests({
  chainId: 'carechain-claims-cli',
  listen: true,
  insurer: true,
  defaultPayerOrgId: 'insurer',
});

/** The shared PAS request, read in place (never copied into the repository). */
const pasFile = sharedTestdata('fhir', 'davinci-pas', 'conformant_pas_bundle_v110.json');

/** Runs the CLI as a child process without blocking this process, which serves the node. */
function cli(
  token: string | undefined,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env };
  delete env.CARECHAIN_TOKEN;
  if (token !== undefined) env.CARECHAIN_TOKEN = token;
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/carechain.mjs', 'claims', ...args], { env }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : ((err as { code?: number }).code ?? 1), stdout, stderr });
    });
  });
}

test('submit, prior-auth, inquire and metrics from the CLI; writes need a token', async () => {
  const api = ['--api', t.url];
  const refused = await cli(undefined, 'submit', pasFile, ...api);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /CARECHAIN_TOKEN/);

  const submitted = await cli(t.tokens.doctor, 'submit', pasFile, ...api);
  assert.equal(submitted.code, 0, submitted.stderr);
  const response = JSON.parse(submitted.stdout).entry[0].resource;
  assert.equal(response.outcome, 'queued');
  const requestId: string = response.identifier.find(
    (i: { system: string }) => i.system === PA_REQUEST_SYSTEM,
  ).value;

  const clock = await cli(undefined, 'prior-auth', requestId, ...api);
  assert.equal(clock.code, 0, clock.stderr);
  assert.equal(JSON.parse(clock.stdout).decidedInTime, null);

  await t.submit(fhirKeys.insurerNode, 'claims.paDecide', {
    requestId,
    action: 'A1',
    authNumber: 'AUTH-CLI-1',
  });
  const inquired = await cli(t.tokens.doctor, 'inquire', pasFile, ...api);
  assert.equal(inquired.code, 0, inquired.stderr);
  assert.equal(JSON.parse(inquired.stdout).entry[0].resource.preAuthRef, 'AUTH-CLI-1');

  const metrics = await cli(undefined, 'metrics', '--payer', 'insurer', ...api);
  assert.equal(metrics.code, 0, metrics.stderr);
  const [m] = JSON.parse(metrics.stdout).payers;
  assert.deepEqual([m.payerOrgId, m.decided, m.approved], ['insurer', 1, 1]);

  const badId = await cli(undefined, 'prior-auth', 'not-hex', ...api);
  assert.notEqual(badId.code, 0);
  assert.match(badId.stderr, /64|hex/);
  // A refusal by the node is a non-zero exit with its message, not a stack trace.
  const unknown = await cli(undefined, 'prior-auth', 'ab'.repeat(32), ...api);
  assert.notEqual(unknown.code, 0);
  assert.doesNotMatch(unknown.stderr, /\n\s+at /);
});
