import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { canonicalBytes } from '../core/canonical.ts';
import { encodeStateValue, StateOverlay } from './state.ts';

const base = { get: (key: string) => (key === 'committed' ? 'c0' : undefined) };

/** The failure a scope is told to have; anything else thrown is a defect and fails the test. */
class PlannedFailure extends Error {}
function expectPlanned(err: unknown): void {
  if (!(err instanceof PlannedFailure)) throw err;
}

test('a failed atomic scope leaves every pending write as it was, a successful one keeps its writes', () => {
  const state = new StateOverlay(base);
  state.set('a', '1');
  assert.throws(() =>
    state.atomically(() => {
      state.set('a', '2');
      state.set('b', '3');
      state.delete('committed');
      throw new Error('tx failed');
    }),
  );
  assert.deepEqual(state.sortedWrites(), [['a', '1']]);
  assert.equal(state.get('committed'), 'c0');
  state.atomically(() => state.set('b', '4'));
  assert.deepEqual(state.sortedWrites(), [
    ['a', '1'],
    ['b', '4'],
  ]);
});

test('property: any sequence of scopes, some failing and some nested, ends as if the failed ones never ran', () => {
  const op = fc.record({
    key: fc.constantFrom('a', 'b', 'c', 'committed'),
    value: fc.option(fc.constantFrom('x', 'y', 'z'), { nil: null }),
  });
  const scope = fc.record({
    ops: fc.array(op, { maxLength: 5 }),
    fails: fc.boolean(),
    nested: fc.option(fc.array(op, { maxLength: 3 })),
    nestedFails: fc.boolean(),
  });
  fc.assert(
    fc.property(fc.array(scope, { maxLength: 8 }), (scopes) => {
      const state = new StateOverlay(base);
      const model = new Map<string, string | null>();
      const apply = (target: Map<string, string | null>, ops: { key: string; value: string | null }[]) => {
        for (const { key, value } of ops) {
          target.set(key, value);
          if (value === null) state.delete(key);
          else state.set(key, value);
        }
      };
      for (const s of scopes) {
        const attempt = new Map(model);
        try {
          state.atomically(() => {
            apply(attempt, s.ops);
            if (s.nested) {
              const inner = new Map(attempt);
              try {
                state.atomically(() => {
                  apply(inner, s.nested!);
                  if (s.nestedFails) throw new PlannedFailure('inner');
                });
                for (const [k, v] of inner) attempt.set(k, v);
              } catch (err) {
                expectPlanned(err); // the inner scope's writes are gone; the outer goes on
              }
            }
            if (s.fails) throw new PlannedFailure('outer');
          });
          for (const [k, v] of attempt) model.set(k, v);
        } catch (err) {
          expectPlanned(err); // failed scope: model unchanged
        }
      }
      const expected = [...model.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
      assert.deepEqual(state.sortedWrites(), expected);
    }),
    { numRuns: 300 },
  );
});

test('property: a state value is stored as the text of its canonical bytes (the state root hashes them)', () => {
  // encodeStateValue returns canonicalJson's text; it must equal the UTF-8 decoding of canonicalBytes,
  // which it computed before (a difference would change state roots: a protocol change).
  const integral = fc.jsonValue().filter((v) => !/\d\.\d|e[+-]?\d/i.test(JSON.stringify(v)));
  fc.assert(
    fc.property(fc.oneof(integral, fc.string({ unit: 'binary' })), (value) => {
      let bytes: Uint8Array;
      try {
        bytes = canonicalBytes(value);
      } catch {
        assert.throws(() => encodeStateValue(value));
        return;
      }
      assert.equal(encodeStateValue(value), new TextDecoder().decode(bytes));
    }),
    { numRuns: 500 },
  );
});
