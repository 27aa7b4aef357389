import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CanonicalValue } from '../core/canonical.ts';
import { TxError, type SignedTx } from '../core/tx.ts';
import { BlockExecutor, lastNonce } from './executor.ts';
import type { TxHandler } from './module.ts';

// The executor checks a payload against the fields its handler declares before the handler runs: a
// refused payload never reaches handler code, writes nothing and uses no nonce.
const seen: CanonicalValue[] = [];
const note: TxHandler = {
  type: 'probe.note',
  fields: ['text'],
  optionalFields: ['tag'],
  apply(ctx, payload) {
    seen.push(payload);
    ctx.state.set('note', JSON.stringify(payload));
  },
};

function txOf(payload: unknown): SignedTx {
  return { chainId: 'test', type: note.type, payload, signer: 's', nonce: 1, signature: '' } as SignedTx;
}

function outcome(payload: unknown): { result: string; writes: number; nonce: number } {
  const executor = new BlockExecutor(
    { get: () => undefined },
    { chainId: 'test', height: 1, timeMs: 0 },
    new Map([[note.type, note]]),
    [],
  );
  let result = 'ok';
  try {
    executor.apply(txOf(payload), 'h');
  } catch (err) {
    if (!(err instanceof TxError)) throw err;
    result = `${err.code}: ${err.message}`;
  }
  return { result, writes: executor.finish('').writes.length, nonce: lastNonce(executor.state, 's') };
}

test('a payload with the declared fields reaches the handler; one without them is refused before it', () => {
  const cases: [unknown, string][] = [
    [{ text: 'a' }, 'ok'],
    [{ text: 'a', tag: 'b' }, 'ok'],
    ['text', 'tx.invalid_payload: probe.note payload must be an object'],
    [null, 'tx.invalid_payload: probe.note payload must be an object'],
    [['text'], 'tx.invalid_payload: probe.note payload must be an object'],
    [{}, 'tx.invalid_payload: probe.note payload lacks text'],
    [{ tag: 'b' }, 'tx.invalid_payload: probe.note payload lacks text'],
    [{ text: 'a', name: 'x' }, 'tx.invalid_payload: probe.note payload has a field other than text, tag'],
  ];
  for (const [payload, expected] of cases) {
    seen.length = 0;
    const { result, writes, nonce } = outcome(payload);
    assert.equal(result, expected, JSON.stringify(payload));
    const ran = expected === 'ok';
    assert.deepEqual(seen, ran ? [payload] : [], JSON.stringify(payload));
    assert.equal(writes, ran ? 2 : 0, JSON.stringify(payload));
    assert.equal(nonce, ran ? 1 : 0, JSON.stringify(payload));
  }
});
