import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { utf8 } from '../../core/bytes.ts';
import { sha256 } from '../../core/crypto/index.ts';
import {
  decodeAverage,
  encodeUpdate,
  maskUpdate,
  pairPad,
  sumMasked,
  type MaskPeer,
  type SiteUpdate,
} from './secure-aggregation.ts';

const SITES = ['clinic', 'hospital', 'lab'];
/** Stand-in for the X25519 agreement: one seed per unordered pair, the same at both ends. */
const seedOf = (a: string, b: string): Uint8Array => sha256(utf8([a, b].sort().join('|')));
const peersOf = (self: string): MaskPeer[] =>
  SITES.filter((s) => s !== self).map((id) => ({ id, seed: seedOf(self, id) }));

const updates: Record<string, SiteUpdate> = {
  clinic: { weights: [0.5, -1.25, 3], sampleCount: 40 },
  hospital: { weights: [0.25, -0.75, 2], sampleCount: 100 },
  lab: { weights: [-0.5, 0, 1], sampleCount: 60 },
};

test('the pads cancel: the sum of masked updates decodes to the sample-weighted average', () => {
  const masked = SITES.map((s) => maskUpdate(encodeUpdate(updates[s]!), s, peersOf(s), 'round-1'));
  const average = decodeAverage(sumMasked(masked));
  const expected = [0, 1, 2].map(
    (i) => SITES.reduce((a, s) => a + updates[s]!.weights[i]! * updates[s]!.sampleCount, 0) / 200,
  );
  assert.equal(average.sampleCount, 200);
  average.weights.forEach((w, i) => assert.ok(Math.abs(w - expected[i]!) < 1e-6, `${w} vs ${expected[i]}`));
});

test('a masked update alone says nothing of the site: it differs from the plain one everywhere', () => {
  const plain = encodeUpdate(updates.clinic!);
  const masked = maskUpdate(plain, 'clinic', peersOf('clinic'), 'round-1');
  masked.forEach((m, i) => assert.notEqual(m, plain[i]));
  // and without one site's update the others' masks do not cancel
  const partial = sumMasked(
    ['clinic', 'hospital'].map((s) => maskUpdate(encodeUpdate(updates[s]!), s, peersOf(s), 'round-1')),
  );
  assert.notEqual(partial.at(-1), 140n);
});

test('pads are per round: the same pair never reuses a pad', () => {
  const seed = seedOf('clinic', 'lab');
  assert.notDeepEqual(pairPad(seed, 'round-1', 8), pairPad(seed, 'round-2', 8));
});

test('property: any updates, any number of sites, the masked sum decodes to the average', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          weights: fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 3, maxLength: 3 }),
          sampleCount: fc.integer({ min: 1, max: 100_000 }),
        }),
        { minLength: 2, maxLength: 6 },
      ),
      (sites) => {
        const ids = sites.map((_, i) => `site-${i}`);
        const masked = sites.map((u, i) =>
          maskUpdate(
            encodeUpdate(u),
            ids[i]!,
            ids.map((id) => ({ id, seed: seedOf(ids[i]!, id) })),
            'r',
          ),
        );
        const total = sites.reduce((a, u) => a + u.sampleCount, 0);
        const average = decodeAverage(sumMasked(masked));
        for (let w = 0; w < 3; w += 1) {
          const expected = sites.reduce((a, u) => a + u.weights[w]! * u.sampleCount, 0) / total;
          assert.ok(Math.abs(average.weights[w]! - expected) < 1e-6);
        }
      },
    ),
    { numRuns: 200 },
  );
});

test('bad updates are refused with a code', () => {
  assert.throws(() => encodeUpdate({ weights: [Number.NaN], sampleCount: 1 }), { code: 'ai.invalid_update' });
  assert.throws(() => encodeUpdate({ weights: [1], sampleCount: -1 }), { code: 'ai.invalid_update' });
  assert.throws(() => decodeAverage([0n, 0n]), { code: 'ai.invalid_update' });
});
