// Export both ways (issue 16 Done-when): a registration round-trips between ClinicalTrials.gov v2 JSON
// and a FHIR R4 ResearchStudy with its outcomes (and their Merkle root) unchanged; and the PALLAS
// record's own resultsSection (../shared/testdata/trials/NCT02513394.json) gets a verdict for every
// registered outcome, each with a proof that verifies against the registration's outcome root.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { sharedTestdata } from '../../../test/harness/files.ts';
import { CoreError } from '../../core/errors.ts';
import { compareOutcomes } from './compare.ts';
import { registrationFromCtGov } from './ctgov.ts';
import { registrationToCtGov, resultsFromCtGov } from './ctgov-results.ts';
import { registrationFromResearchStudy, registrationToResearchStudy } from './fhir.ts';
import { outcomesRoot, verifyOutcomeProof } from './outcome-tree.ts';
import { COMMITMENTS, EXAMPLE_STUDY } from './test-fixtures.ts';

const pallas: unknown = JSON.parse(readFileSync(sharedTestdata('trials', 'NCT02513394.json'), 'utf8'));
const viaJson = <T>(value: T): unknown => JSON.parse(JSON.stringify(value));

for (const [name, study] of [
  ['the example study', EXAMPLE_STUDY],
  ['NCT02513394', pallas],
] as const) {
  test(`${name}: ClinicalTrials.gov v2 → ResearchStudy → v2 gives the same registration and outcome root`, () => {
    const registration = registrationFromCtGov(study, COMMITMENTS);
    const resource = viaJson(registrationToResearchStudy(registration, 'a'.repeat(64)));
    const fromFhir = registrationFromResearchStudy(resource);
    assert.deepEqual(fromFhir, registration);
    const back = registrationFromCtGov(viaJson(registrationToCtGov(fromFhir)), COMMITMENTS);
    assert.deepEqual(back, registration);
    assert.equal(outcomesRoot(back.outcomes), outcomesRoot(registration.outcomes));
  });
}

test('a ResearchStudy without an objective type or a target enrolment is refused, the field named', () => {
  const resource = registrationToResearchStudy(registrationFromCtGov(EXAMPLE_STUDY, COMMITMENTS), 'x');
  const refused = (field: string) => (e: unknown) => e instanceof CoreError && e.details['field'] === field;
  const untyped = { ...resource, objective: resource.objective.map((o) => ({ ...o, type: { coding: [] } })) };
  assert.throws(() => registrationFromResearchStudy(untyped), refused('objective[0].type'));
  assert.throws(
    () => registrationFromResearchStudy({ ...resource, extension: [] }),
    refused('extension.target-enrolment'),
  );
  assert.throws(() => registrationFromResearchStudy({ resourceType: 'Patient' }), refused('resourceType'));
});

test('NCT02513394: its resultsSection gets a verdict for every registered outcome, each with a verifying proof', () => {
  const registered = registrationFromCtGov(pallas, COMMITMENTS).outcomes;
  const reported = resultsFromCtGov(pallas);
  assert.equal(reported.filter((o) => o.kind === 'primary').length, 1);
  const comparison = compareOutcomes(registered, reported);
  for (const outcome of registered) {
    const entry = comparison.outcomes.find((e) => e.registered === outcome);
    assert.ok(entry, outcome.measure);
    assert.ok(verifyOutcomeProof(outcome, entry.proof!, comparison.outcomesRoot));
  }
  // The PALLAS report names its pre-specified outcomes as registered (up to wording).
  assert.ok(
    comparison.outcomes.every((e) => e.verdict === 'prespecified'),
    JSON.stringify(comparison.outcomes.map((e) => [e.verdict, (e.registered ?? e.reported)?.measure])),
  );
});

test('a results section without outcome measures, or with an untitled one, is refused', () => {
  const code = (e: unknown) => e instanceof CoreError && e.code === 'trials.invalid_results';
  assert.throws(() => resultsFromCtGov({}), code);
  assert.throws(
    () =>
      resultsFromCtGov({
        resultsSection: { outcomeMeasuresModule: { outcomeMeasures: [{ type: 'PRIMARY' }] } },
      }),
    code,
  );
});
