// Claim-line fingerprints: the same service gives the same fingerprint whoever bills it and in whatever
// modifier order; any field that makes it another service changes it; another network key gives another
// one; and frequency codes tell a replacement and a void from a duplicate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coreErrorCodeOf } from '../../core/test-support.ts';
import { classifyLine, lineFingerprint, type FingerprintEntry, type LineIdentity } from './fingerprint.ts';

const KEY = new Uint8Array(32).fill(7);
const LINE: LineIdentity = {
  patientPseudonym: 'a'.repeat(64),
  providerId: 'org-hospital',
  serviceDate: '2026-03-02',
  code: '99213',
  modifiers: ['25', 'GT'],
  units: 1,
};

test('same line, same fingerprint (modifier order does not matter); each identifying field changes it', () => {
  const fp = lineFingerprint(KEY, LINE);
  assert.match(fp, /^[0-9a-f]{64}$/);
  assert.equal(lineFingerprint(KEY, { ...LINE, modifiers: ['GT', '25'] }), fp);
  const changed: Partial<LineIdentity>[] = [
    { patientPseudonym: 'b'.repeat(64) },
    { providerId: 'org-clinic' },
    { serviceDate: '2026-03-03' },
    { code: '99214' },
    { modifiers: ['25'] },
    { units: 2 },
  ];
  for (const change of changed)
    assert.notEqual(lineFingerprint(KEY, { ...LINE, ...change }), fp, JSON.stringify(change));
  assert.notEqual(lineFingerprint(new Uint8Array(32).fill(8), LINE), fp, 'another network key');
});

test('a fingerprint key that is not 32 bytes is refused', () => {
  assert.equal(
    coreErrorCodeOf(() => lineFingerprint(new Uint8Array(16), LINE)),
    'claims.invalid_fingerprint_key',
  );
});

test('frequency codes: an original over a live line is a duplicate, whatever the payer; 7 and 8 of that claim are not', () => {
  const live: FingerprintEntry = { claimId: 'c1', payerOrgId: 'org-insurer', voided: false };
  const voided: FingerprintEntry = { ...live, voided: true };
  assert.equal(classifyLine(undefined, '1', null), 'new');
  assert.equal(classifyLine(live, '1', null), 'duplicate');
  assert.equal(classifyLine(live, '7', 'c1'), 'replacement');
  assert.equal(
    classifyLine(live, '7', 'c9'),
    'duplicate',
    'replacing another claim does not launder this line',
  );
  assert.equal(classifyLine(undefined, '7', 'c1'), 'new', 'a replacement may add a line');
  assert.equal(classifyLine(live, '8', 'c1'), 'void');
  assert.equal(classifyLine(live, '8', 'c9'), 'void_unmatched');
  assert.equal(classifyLine(undefined, '8', 'c1'), 'void_unmatched');
  assert.equal(classifyLine(voided, '1', null), 'new', 'a voided line may be billed again');
});
