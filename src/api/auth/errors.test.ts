import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AUTH_ERROR_CODES,
  authErrorKind,
  AuthError,
  domainAuthResponse,
  fhirAuthResponse,
  wwwAuthenticate,
} from './errors.ts';
import { statusForIssueType } from '../../services/fhir/operation-outcome.ts';

test('no credentials: 401 with a bare Bearer challenge (RFC 6750 §3.1)', () => {
  const err = new AuthError('auth.missing', 'send Authorization: Bearer <access token>');
  const domain = domainAuthResponse(err);
  assert.equal(domain.statusCode, 401);
  assert.equal(domain.headers['www-authenticate'], 'Bearer realm="carechain"');
  assert.equal(domain.headers['cache-control'], 'no-store');
  assert.deepEqual(domain.body, {
    error: { code: 'auth.missing', message: 'send Authorization: Bearer <access token>', details: {} },
  });
});

test('a bad or expired token: 401 with error="invalid_token" at both boundaries', () => {
  for (const code of ['auth.invalid_token', 'auth.expired', 'auth.revoked'] as const) {
    const err = new AuthError(code, 'the access token has expired', { reason: 'claim:exp' });
    const fhir = fhirAuthResponse(err, 'st-mary');
    assert.equal(fhir.statusCode, 401);
    assert.equal(
      fhir.headers['www-authenticate'],
      'Bearer realm="st-mary", error="invalid_token", error_description="the access token has expired"',
    );
    assert.equal(fhir.headers['content-type'], 'application/fhir+json; charset=utf-8');
    assert.equal(fhir.body.resourceType, 'OperationOutcome');
    assert.equal(fhir.body.issue[0]?.code, code === 'auth.expired' ? 'expired' : 'login');
    assert.equal(domainAuthResponse(err).body.error.details.reason, 'claim:exp');
  }
});

test('insufficient scope: 403 naming the scope needed (RFC 6750 §3)', () => {
  const err = new AuthError('auth.insufficient_scope', 'the token\'s scopes do not include "x"\\', {
    requiredScope: 'patient/Observation.c',
  });
  const fhir = fhirAuthResponse(err);
  assert.equal(fhir.statusCode, 403);
  assert.equal(fhir.body.issue[0]?.code, 'forbidden');
  // Quotes and backslashes cannot appear inside the quoted strings of the header.
  assert.equal(
    fhir.headers['www-authenticate'],
    'Bearer realm="carechain", error="insufficient_scope", error_description="the token\'s scopes do not include ?x??", scope="patient/Observation.c"',
  );
});

test('every code has a status, an issue type of the same class, and a challenge only on 401/403', () => {
  for (const code of AUTH_ERROR_CODES) {
    const kind = authErrorKind(code);
    const err = new AuthError(code, 'm');
    assert.ok([400, 401, 403, 429].includes(kind.status), code);
    assert.equal(err.statusCode, kind.status);
    // The OperationOutcome's issue type agrees with the status on the error class (4xx), and the
    // 401s and 403s use login/expired and forbidden respectively.
    const issueStatus = statusForIssueType(kind.issue);
    if (kind.status === 403) assert.equal(issueStatus, 403, code);
    if (kind.status === 401) assert.equal(issueStatus, 401, code);
    assert.equal(fhirAuthResponse(err).statusCode, kind.status);
    assert.equal(wwwAuthenticate(err) !== undefined, kind.status === 401 || kind.status === 403, code);
  }
});
