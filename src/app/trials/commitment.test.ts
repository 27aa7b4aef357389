// Salted document commitments: the revealed document and salt open the commitment; another document,
// another salt or a salt of the wrong size do not.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { utf8 } from '../../core/bytes.ts';
import { CoreError } from '../../core/errors.ts';
import { commitDocument, opensCommitment } from './commitment.ts';

const salt = new Uint8Array(32).fill(7);
const protocol = utf8('Protocol v1.0: primary endpoint is the composite at 36 months.');

test('a commitment opens with its document and salt, and with nothing else', () => {
  const commitment = commitDocument(protocol, salt);
  assert.match(commitment, /^[0-9a-f]{64}$/);
  assert.ok(opensCommitment(commitment, protocol, salt));
  assert.equal(
    opensCommitment(commitment, utf8('Protocol v1.0: primary endpoint is the composite at 24 months.'), salt),
    false,
  );
  assert.equal(opensCommitment(commitment, protocol, new Uint8Array(32).fill(8)), false);
  assert.equal(opensCommitment(commitment, protocol, salt.subarray(0, 31)), false);
});

test('the salt hides the document: two salts give two commitments', () => {
  assert.notEqual(commitDocument(protocol, salt), commitDocument(protocol, new Uint8Array(32)));
});

test('a salt that is not 32 bytes is refused', () => {
  assert.throws(
    () => commitDocument(protocol, new Uint8Array(16)),
    (e: unknown) => e instanceof CoreError && e.code === 'trials.invalid_salt',
  );
});
