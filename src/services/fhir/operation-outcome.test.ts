import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DIAGNOSTICS_CHARS_MAX,
  FhirError,
  issue,
  operationOutcome,
  statusForIssues,
  warning,
} from './operation-outcome.ts';

test('each boundary failure has its status and IssueType code', () => {
  const cases: Array<[FhirError, number, string]> = [
    [FhirError.invalid('bad'), 400, 'invalid'],
    [FhirError.of([issue('structure', 'unknown element')]), 400, 'structure'],
    [FhirError.login(), 401, 'login'],
    [FhirError.forbidden('no consent for this purpose'), 403, 'forbidden'],
    [FhirError.notFound(), 404, 'not-found'],
    [FhirError.conflict('already exists'), 409, 'conflict'],
    [FhirError.deleted('erased at the patient request'), 410, 'deleted'],
    [FhirError.versionMismatch(), 412, 'conflict'],
    [FhirError.businessRule('period end before start'), 422, 'business-rule'],
    [FhirError.of([issue('processing', 'cannot apply')]), 422, 'processing'],
  ];
  for (const [err, status, code] of cases) {
    assert.equal(err.statusCode, status, code);
    const outcome = err.toOperationOutcome();
    assert.equal(outcome.resourceType, 'OperationOutcome');
    assert.equal(outcome.issue[0]?.code, code);
    assert.equal(outcome.issue[0]?.severity, 'error');
  }
});

test('the most severe issue decides the status; warnings alone do not', () => {
  assert.equal(
    statusForIssues([warning('value', 'odd'), issue('not-found', 'x'), issue('invalid', 'y')]),
    404,
  );
  assert.equal(statusForIssues([warning('value', 'odd')]), 200);
  assert.equal(
    statusForIssues([issue('invalid', 'a'), { ...issue('forbidden', 'b'), severity: 'fatal' }]),
    403,
  );
});

test('expressions are kept, diagnostics are clipped, an empty list is informational', () => {
  const outcome = operationOutcome([
    issue('required', 'missing', 'Patient.name'),
    issue('value', 'x'.repeat(999)),
  ]);
  assert.deepEqual(outcome.issue[0]?.expression, ['Patient.name']);
  assert.equal(outcome.issue[1]?.expression, undefined);
  assert.equal(outcome.issue[1]?.diagnostics?.length, DIAGNOSTICS_CHARS_MAX);
  assert.deepEqual(operationOutcome([]).issue, [
    { severity: 'information', code: 'informational', diagnostics: 'ok' },
  ]);
});
