// Batches of readings: a pinned root (a change is a protocol change), proofs for every reading that fail
// for a changed reading, a wrong period or a wrong count, order independence, and the refusals.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { canonicalBytes } from '../../core/canonical.ts';
import { domainHash } from '../../core/hash.ts';
import { leafHash } from '../../core/merkle/index.ts';
import { coreErrorCodeOf } from '../../core/test-support.ts';
import {
  batchSummary,
  periodStart,
  readingLeaf,
  readingProof,
  verifyReadingProof,
  type Reading,
} from './batch.ts';

const START = 1_800_000_000_000; // a whole minute
const reading = (i: number, value = `${60 + i}`): Reading => ({
  id: `phd-74E8FFFEFF051C00-${i}`,
  code: '149546', // MDC_PULS_RATE_NON_INV
  value,
  unit: '/min',
  timeMs: START + i * 1000,
});
const readings = Array.from({ length: 7 }, (_, i) => reading(i));

test('golden vector: seven pulse readings have a pinned batch root', () => {
  const batch = batchSummary(readings, START);
  assert.deepEqual({ count: batch.count, periodMs: batch.periodMs }, { count: 7, periodMs: 60_000 });
  assert.equal(batch.root, GOLDEN_ROOT);
});

test('the root of one reading is its leaf: SHA-256(0x00 || domain-separated SHA-256 of its canonical JSON)', () => {
  const r = reading(0);
  const json = `{"code":"${r.code}","id":"${r.id}","timeMs":${r.timeMs},"unit":"${r.unit}","value":"${r.value}"}`;
  const inner = createHash('sha256').update(`carechain/v1/monitoring-reading\n${json}`).digest();
  const leaf = createHash('sha256')
    .update(Buffer.concat([Buffer.from([0]), inner]))
    .digest('hex');
  assert.equal(batchSummary([r], START).root, leaf);
});

test('the written-out leaf is the generic canonical encoding’s, on arbitrary text and times', () => {
  const generic = (r: Reading) => {
    const { id, code, value, unit, timeMs } = r;
    return leafHash(domainHash('monitoring-reading', canonicalBytes({ id, code, value, unit, timeMs })));
  };
  // Any text (quotes, backslashes, control characters, astral planes, lone surrogates), any time.
  const text = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.string());
  const anyReading = fc.record({
    id: text,
    code: text,
    value: text,
    unit: text,
    timeMs: fc.oneof(fc.maxSafeInteger(), fc.integer(), fc.double()),
  });
  fc.assert(
    fc.property(anyReading, (r) => {
      let expected: string;
      try {
        expected = Buffer.from(generic(r)).toString('hex');
      } catch (err) {
        assert.equal(
          coreErrorCodeOf(() => readingLeaf(r)),
          coreErrorCodeOf(() => {
            throw err;
          }),
        );
        return;
      }
      assert.equal(Buffer.from(readingLeaf(r)).toString('hex'), expected);
    }),
    { numRuns: 500 },
  );
  // A lone surrogate is refused as the generic encoding refuses it, not hashed.
  assert.equal(
    coreErrorCodeOf(() => readingLeaf({ ...reading(0), unit: '\ud800' })),
    'encoding.non_canonical',
  );
});

test('every reading has a proof that verifies against its batch, and only against it', () => {
  const batch = batchSummary(readings, START);
  for (const r of readings) {
    const proof = readingProof(readings, r, START);
    assert.ok(verifyReadingProof(r, proof, batch));
    assert.equal(verifyReadingProof({ ...r, value: `${r.value}.5` }, proof, batch), false, 'changed value');
    assert.equal(verifyReadingProof(r, proof, { ...batch, count: 8 }), false, 'wrong count');
    assert.equal(
      verifyReadingProof(r, proof, { ...batch, periodStartMs: START + 60_000 }),
      false,
      'wrong period',
    );
  }
  const other = batchSummary(readings.slice(1), START);
  assert.equal(verifyReadingProof(readings[3]!, readingProof(readings, readings[3]!, START), other), false);
});

test('a duplicate reading, a reading outside the period, a malformed one and an empty batch are refused', () => {
  assert.equal(
    coreErrorCodeOf(() => batchSummary([...readings, readings[2]!], START)),
    'monitoring.duplicate_reading',
  );
  assert.equal(
    coreErrorCodeOf(() => batchSummary([...readings, { ...reading(0), timeMs: START + 60_000 }], START)),
    'monitoring.outside_period',
  );
  assert.equal(
    coreErrorCodeOf(() => batchSummary([reading(1, '7e2')], START)),
    'monitoring.invalid_reading',
  );
  assert.equal(
    coreErrorCodeOf(() => batchSummary([], START)),
    'monitoring.invalid_batch',
  );
  assert.equal(
    coreErrorCodeOf(() => readingProof(readings, reading(30), START)),
    'monitoring.unknown_reading',
  );
  assert.equal(periodStart(START + 59_999), START);
  assert.equal(periodStart(START + 60_000), START + 60_000);
});

test('property: arrival order does not change the root, and every proof verifies', () => {
  fc.assert(
    fc.property(fc.shuffledSubarray(readings, { minLength: 1 }), fc.nat(), (subset, pick) => {
      const batch = batchSummary(subset, START);
      assert.equal(batchSummary([...subset].reverse(), START).root, batch.root);
      const r = subset[pick % subset.length]!;
      assert.ok(verifyReadingProof(r, readingProof(subset, r, START), batch));
    }),
  );
});

const GOLDEN_ROOT = 'fd35984a565a94b23e117b1ae0d5bd71a4575a24a2acf848081d71d06f0a5637';
