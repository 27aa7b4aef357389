// Enhanced acknowledgement mode's rules (HL7 v2.5.1 §2.9.3, table 0155): when it applies, which ACKs a
// sender wants by MSH-15 and MSH-16, and how refusals read as accept ACKs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { acceptCodeOf, ackCodeOf, buildAck, ECHO_CHARS_MAX, isAckWanted, isEnhancedMode } from './ack.ts';

test('enhanced mode is MSH-15 or MSH-16 valued; original mode otherwise', () => {
  assert.equal(isEnhancedMode({}), false);
  assert.equal(isEnhancedMode({ acceptAckType: '', applicationAckType: '' }), false);
  assert.equal(isEnhancedMode({ acceptAckType: 'AL', applicationAckType: '' }), true);
  assert.equal(isEnhancedMode({ acceptAckType: '', applicationAckType: 'NE' }), true);
});

test('table 0155: AL always, NE never, ER on errors only, SU on success only, empty is AL', () => {
  const table: [string, boolean, boolean][] = [
    ['AL', true, true],
    ['', true, true],
    ['NE', false, false],
    ['ER', false, true],
    ['SU', true, false],
  ];
  for (const [condition, success, failure] of table) {
    assert.equal(isAckWanted(condition, 'AA'), success, `${condition} AA`);
    assert.equal(isAckWanted(condition, 'CA'), success, `${condition} CA`);
    assert.equal(isAckWanted(condition, 'AE'), failure, `${condition} AE`);
    assert.equal(isAckWanted(condition, 'CR'), failure, `${condition} CR`);
  }
});

test('refusals as accept ACKs: AE is CE, AR is CR; MSA-1 reads back from an ACK', () => {
  assert.equal(acceptCodeOf('AE'), 'CE');
  assert.equal(acceptCodeOf('AR'), 'CR');
  assert.equal(acceptCodeOf('CA'), 'CA');
  const ack = buildAck({
    header: { controlId: 'X-1' },
    code: 'CA',
    timestamp: '20260101000000+0000',
    controlId: 'CC1',
  });
  assert.equal(ackCodeOf(ack), 'CA');
  assert.equal(ackCodeOf('not an ack'), '');
});

test("an ACK echoes at most ECHO_CHARS_MAX characters of each of the sender's fields", () => {
  const huge = 'X'.repeat(1_000_000);
  const ack = buildAck({
    header: { controlId: huge, sendingApplication: huge, sendingFacility: huge, type: `ORU^${huge}` },
    code: 'AR',
    error: { code: '101', text: 'MSH-10 (message control id) is required' },
    timestamp: '20261207000000+0000',
    controlId: 'ACK-1',
  });
  assert.equal(ackCodeOf(ack), 'AR');
  assert.ok(ack.length < 8 * ECHO_CHARS_MAX, `${ack.length} characters`);
  assert.match(ack, new RegExp(`\\rMSA\\|AR\\|X{${ECHO_CHARS_MAX}}\\r`));
});
