// `carechain ai` (issue 20) as a user runs it, each command a child process against a listening node:
// the hospital's staff commit a cohort from a query file and register a model from its card and artefact
// files; anyone reads the registry; an analyst asks a noisy count and reads the budget it spent; the
// patient lists the model their data trained. A write without a token is refused before it is sent.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { COMPLETE_CARD, DEMO_ARTEFACT, DIABETES_QUERY } from '../../src/app/ai/test-fixtures.ts';
import { grantPayload } from '../../src/app/consent/test-fixtures.ts';
import type { CanonicalValue } from '../../src/core/canonical.ts';
import { toHex } from '../../src/core/bytes.ts';
import { seedOf, tempDir } from '../harness/chain.ts';
import { chalmersPatient } from '../harness/fhir-client.ts';
import {
  fhirKeys,
  patientPseudonymOfTest as alice,
  startFhirTestNode,
  type FhirTestNode,
} from '../harness/fhir-node.ts';
import { postJson } from '../harness/http.ts';
import { runCarechain } from '../harness/process.ts';

const dir = tempDir('carechain-ai-cli-');
const file = (name: string) => join(dir.path, name);

let t: FhirTestNode;
before(async () => {
  t = await startFhirTestNode({ chainId: 'carechain-ai-cli', listen: true });
  const patient = await postJson(`${t.url}/fhir/R4/Patient`, chalmersPatient(alice), t.tokens.doctor);
  assert.equal(patient.status, 201, JSON.stringify(patient.body));
  const research = grantPayload({
    consentId: toHex(seedOf('ai cli research consent')),
    grantee: { kind: 'organisation', orgId: 'hospital' },
    purposes: ['HRESCH'],
  });
  await t.submit(fhirKeys.patient, 'consent.grant', research as CanonicalValue);
  writeFileSync(file('query.json'), JSON.stringify(DIABETES_QUERY));
  writeFileSync(file('card.json'), JSON.stringify(COMPLETE_CARD));
  writeFileSync(file('artefact.json'), JSON.stringify(DEMO_ARTEFACT));
});
after(async () => {
  await t?.close();
  dir.remove();
});

const api = () => ['--api', t.url];
const as = (who: 'doctor' | 'patient') => ({ CARECHAIN_TOKEN: t.tokens[who] });

/** A command that must succeed; answers its JSON output. */
async function ok(args: readonly string[], env: Record<string, string> = {}): Promise<any> {
  const run = await runCarechain(['ai', ...args], { CARECHAIN_TOKEN: '', ...env });
  assert.equal(run.code, 0, `ai ${args[0]}: ${run.stderr}${run.stdout}`);
  return JSON.parse(run.stdout);
}

test('help names every command', async () => {
  const run = await runCarechain(['ai', '--help']);
  assert.equal(run.code, 0, run.stderr);
  for (const command of [
    'models',
    'model',
    'register',
    'withdraw',
    'cohort',
    'dataset',
    'budget',
    'count',
    'infer',
    'mine',
  ]) {
    assert.match(run.stdout, new RegExp(`^\\s+${command}\\b`, 'm'), command);
  }
});

test('cohort, model, count and budget from the terminal; the patient sees the model their data trained', async () => {
  const noToken = await runCarechain(['ai', 'cohort', ...api(), '--query', file('query.json')], {
    CARECHAIN_TOKEN: '',
  });
  assert.notEqual(noToken.code, 0);
  assert.match(noToken.stderr, /CARECHAIN_TOKEN/);

  const cohort = await ok(['cohort', ...api(), '--query', file('query.json')], as('doctor'));
  assert.deepEqual([cohort.included, cohort.excludedForConsent], [1, 0]);
  const shown = await ok(['cohort', cohort.cohortId, ...api()]);
  assert.equal(shown.custodians[0].record.membersRoot, cohort.membersRoot);

  const registered = await ok(
    [
      'register',
      ...api(),
      '--card',
      file('card.json'),
      '--artefact',
      file('artefact.json'),
      '--name',
      'diabetes risk',
      '--intended-use',
      'screening',
      '--change-plan',
      'quarterly federated retraining',
      '--cohort',
      cohort.cohortId,
    ],
    as('doctor'),
  );
  const version = await ok(['model', registered.modelId, '--version', '1', ...api()]);
  assert.equal(version.documentsMatch, true);

  const dataset = await ok(
    ['dataset', ...api(), '--cohort', cohort.cohortId, '--limit-milli', '800'],
    as('doctor'),
  );
  const count = ['count', ...api(), '--dataset', dataset.datasetId, '--resource-type', 'Condition'];
  await ok([...count, '--epsilon-milli', '500'], as('doctor'));
  const spent = await runCarechain(['ai', ...count, '--epsilon-milli', '500'], as('doctor'));
  assert.notEqual(spent.code, 0);
  assert.match(spent.stderr, /\(ai\.budget_exhausted\)/);
  const budget = await ok(['budget', dataset.datasetId, ...api()], as('doctor'));
  assert.deepEqual([budget.spentMilli, budget.remainingMilli], [500, 300]);

  const mine = await ok(['mine', ...api()], as('patient'));
  assert.deepEqual(
    mine.training[0].models.map((m: { modelId: string }) => m.modelId),
    [registered.modelId],
  );
});
