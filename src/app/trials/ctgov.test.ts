// The ClinicalTrials.gov API v2 mapping: a study written for this test, the shared PALLAS record
// (../shared/testdata/trials/NCT02513394.json, read in place), and the inputs it must refuse.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { sharedTestdata } from '../../../test/harness/files.ts';
import { CoreError } from '../../core/errors.ts';
import { registrationFromCtGov } from './ctgov.ts';
import { COMMITMENTS, EXAMPLE_STUDY } from './test-fixtures.ts';

const clone = <T>(value: T): T => structuredClone(value);

test('a v2 study maps to identifiers, arms, outcomes in order, target enrolment and the commitments', () => {
  const registration = registrationFromCtGov(EXAMPLE_STUDY, COMMITMENTS);
  assert.deepEqual(registration.identifiers, {
    nct: 'NCT05123456',
    eudract: '2021-004312-27',
    ctis: '2023-503988-41-00',
  });
  assert.equal(registration.title, 'Early Rhythm Control After Stroke');
  assert.deepEqual(
    registration.arms.map((a) => [a.label, a.type]),
    [
      ['Early rhythm control', 'EXPERIMENTAL'],
      ['Usual care', 'ACTIVE_COMPARATOR'],
    ],
  );
  assert.deepEqual(
    registration.outcomes.map((o) => [o.kind, o.measure, o.timeFrame]),
    [
      [
        'primary',
        'Composite of cardiovascular death, stroke, or hospitalisation for heart failure',
        '36 months',
      ],
      ['secondary', 'Recurrent ischaemic stroke', '36 months'],
      ['secondary', 'All-cause mortality', '36 months'],
      ['secondary', 'Sinus rhythm at 12 months', '12 months'],
    ],
  );
  assert.equal(registration.outcomes[1]!.description, 'Time to first recurrence.');
  assert.equal(registration.targetEnrolment, 1200);
  assert.equal(registration.protocolCommitment, COMMITMENTS.protocolCommitment);
  assert.equal(registration.sapCommitment, COMMITMENTS.sapCommitment);
});

test('the shared PALLAS record (NCT02513394) maps: EudraCT found, one primary and four secondary outcomes', () => {
  const study: unknown = JSON.parse(readFileSync(sharedTestdata('trials', 'NCT02513394.json'), 'utf8'));
  const registration = registrationFromCtGov(study, COMMITMENTS);
  assert.deepEqual(registration.identifiers, { nct: 'NCT02513394', eudract: '2014-005181-30' });
  assert.deepEqual(
    registration.outcomes.map((o) => o.kind),
    ['primary', 'secondary', 'secondary', 'secondary', 'secondary'],
  );
  assert.equal(registration.outcomes[0]!.measure, 'Invasive Disease Free Survival (iDFS)');
  assert.equal(registration.targetEnrolment, 5796);
  assert.deepEqual(
    registration.arms.map((a) => a.label),
    ['Arm A', 'Arm B'],
  );
});

function refusedAt(study: unknown, field: string, commitments = COMMITMENTS): void {
  assert.throws(
    () => registrationFromCtGov(study, commitments),
    (error: unknown) =>
      error instanceof CoreError &&
      error.code === 'trials.invalid_registration' &&
      error.details['field'] === field,
  );
}

test('malformed studies are refused with the field named', () => {
  refusedAt(null, 'study');
  refusedAt({}, 'protocolSection');
  const noPrimary = clone(EXAMPLE_STUDY) as { protocolSection: { outcomesModule: Record<string, unknown> } };
  noPrimary.protocolSection.outcomesModule['primaryOutcomes'] = [];
  refusedAt(noPrimary, 'outcomesModule.primaryOutcomes');
  const blankMeasure = clone(EXAMPLE_STUDY) as unknown as {
    protocolSection: { outcomesModule: { secondaryOutcomes: { measure: string }[] } };
  };
  blankMeasure.protocolSection.outcomesModule.secondaryOutcomes[2]!.measure = '  ';
  refusedAt(blankMeasure, 'outcomesModule.secondaryOutcomes[2].measure');
  const badNct = clone(EXAMPLE_STUDY) as unknown as {
    protocolSection: { identificationModule: { nctId: string } };
  };
  badNct.protocolSection.identificationModule.nctId = 'NCT123';
  refusedAt(badNct, 'identificationModule.nctId');
  const noEnrolment = clone(EXAMPLE_STUDY) as unknown as { protocolSection: { designModule: object } };
  noEnrolment.protocolSection.designModule = {};
  refusedAt(noEnrolment, 'designModule.enrollmentInfo.count');
  const manyOutcomes = clone(EXAMPLE_STUDY) as unknown as {
    protocolSection: { outcomesModule: { secondaryOutcomes: unknown[] } };
  };
  manyOutcomes.protocolSection.outcomesModule.secondaryOutcomes = Array.from({ length: 501 }, (_, i) => ({
    measure: `m${i}`,
  }));
  refusedAt(manyOutcomes, 'outcomesModule.secondaryOutcomes');
});

test('a commitment that is not a hex SHA-256 is refused', () => {
  refusedAt(EXAMPLE_STUDY, 'sapCommitment', { ...COMMITMENTS, sapCommitment: 'B'.repeat(64) });
  refusedAt(EXAMPLE_STUDY, 'protocolCommitment', { ...COMMITMENTS, protocolCommitment: 'a'.repeat(63) });
});
