// Plain-language errors (issue 14): a walk over the API's error catalogue finds a sentence for every code
// the app can be answered with, for patients and for staff, and describeError never shows a code.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ACCESS_REASON_CODES } from '../../src/app/records/types.ts';
import { ERROR_CATALOGUE } from '../../src/core/errors/codes.ts';
import {
  ACCESS_REFUSAL_SENTENCES,
  ERROR_SENTENCES,
  isNodeInternal,
  NODE_INTERNAL_PREFIXES,
  sentenceOfCode,
  type Audience,
} from '../../web/src/lib/error-sentences.ts';
import { ApiFailure, describeError, errorMessageOf } from '../../web/src/lib/http.ts';

const AUDIENCES: Audience[] = ['patient', 'staff'];
const CODE_LIKE = /\b[a-z]+(?:[_-][a-z]+)*\.[a-z]+(?:_[a-z]+)*\b/;

test('every catalogue code the app can be answered with has a sentence for patients and staff', () => {
  const missing: string[] = [];
  for (const code of Object.keys(ERROR_CATALOGUE)) {
    if (isNodeInternal(code)) continue;
    for (const audience of AUDIENCES) {
      const sentence = sentenceOfCode(code, audience);
      if (sentence === undefined || sentence.trim() === '') missing.push(`${code} (${audience})`);
      else {
        assert.doesNotMatch(sentence, CODE_LIKE, `${code}: "${sentence}" reads like a code`);
        assert.match(sentence, /^[A-Z].*[.!?]$/, `${code}: "${sentence}" is not a sentence`);
      }
    }
  }
  assert.deepEqual(missing, []);
});

test('the table names only catalogue codes, and each node-internal prefix still covers one', () => {
  const stale = Object.keys(ERROR_SENTENCES).filter((code) => !Object.hasOwn(ERROR_CATALOGUE, code));
  assert.deepEqual(stale, []);
  for (const prefix of NODE_INTERNAL_PREFIXES)
    assert.ok(
      Object.keys(ERROR_CATALOGUE).some((code) => code.startsWith(prefix)),
      `${prefix} matches no code`,
    );
});

test('every reason an access can be refused for has a sentence', () => {
  const grants = ['consent.permit', 'break-glass', 'policy.treatment-relationship'];
  const refusals = ACCESS_REASON_CODES.filter((r) => !grants.includes(r));
  for (const reason of refusals) assert.ok(Object.hasOwn(ACCESS_REFUSAL_SENTENCES, reason), reason);
});

/** An ApiFailure as request() makes it from a status and a body on the wire. */
function failure(status: number, body: unknown): ApiFailure {
  const { code, message, reason } = errorMessageOf(status, body);
  return new ApiFailure(status, code, message, reason);
}

test('a refused read shows the staff sentence, not "access denied (consent.none)"', () => {
  const refused = failure(403, {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code: 'forbidden', diagnostics: 'access denied (consent.none)' }],
  });
  const shown = describeError(refused, 'staff');
  assert.match(shown, /^The patient has not allowed you to see these records\./);
  assert.doesNotMatch(shown, /consent\.none|access denied/);
});

test('a refused tx shows its reason’s sentence, and no code reaches the screen', () => {
  const nothing = failure(422, {
    error: {
      code: 'tx.rejected',
      message: 'tx.rejected: records.nothing_to_erase',
      details: { reason: 'records.nothing_to_erase' },
    },
  });
  assert.match(describeError(nothing, 'patient'), /^There is nothing left to erase/);
  const unknown = failure(418, {
    error: { code: 'teapot.brewing', message: 'teapot.brewing: short and stout' },
  });
  assert.doesNotMatch(describeError(unknown, 'staff'), CODE_LIKE);
  const bare = failure(403, {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code: 'forbidden', diagnostics: 'access denied' }],
  });
  assert.equal(describeError(bare), 'You are not allowed to do this.');
  assert.equal(
    describeError(failure(502, '<html>bad gateway</html>')),
    'The node could not answer. Try again in a minute.',
  );
});
