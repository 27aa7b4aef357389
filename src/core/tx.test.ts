import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { fromHex } from './bytes.ts';
import { CoreError } from './errors.ts';
import { LARGE_TX_BYTES_MAX, TX_BYTES_MAX } from './limits.ts';
import { checkTxStateless, encodeTx, signTx, TxError, type SignedTx } from './tx.ts';

const seed = fromHex('07'.repeat(32));
const chainId = 'carechain-test';

function sample(overrides: Partial<SignedTx> = {}): SignedTx {
  const tx = signTx(seed, {
    chainId,
    type: 'notary.anchor',
    payload: { digest: 'ab'.repeat(32), kind: 'document' },
    nonce: 1,
  });
  return { ...tx, ...overrides };
}

/** What the canonical encoding refuses: numbers other than safe integers, -0, lone surrogates. */
function outsideCanonicalDomain(value: unknown): boolean {
  // -0 is inside: it encodes as 0 (RFC 8785 §3.2.2.3, canonical.test.ts).
  if (typeof value === 'number') return !Number.isSafeInteger(value);
  if (typeof value === 'string') return /\p{Cs}/u.test(value);
  if (Array.isArray(value)) return value.some(outsideCanonicalDomain);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(([k, v]) => outsideCanonicalDomain(k) || outsideCanonicalDomain(v));
  }
  return false;
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof TxError, `expected TxError, got ${String(err)}`);
    return err.code;
  }
  return 'accepted';
}

test('a well-signed tx passes the stateless check and keeps exactly its fields', () => {
  const { tx } = checkTxStateless({ ...sample() }, chainId);
  assert.deepEqual(Object.keys(tx).sort(), ['chainId', 'nonce', 'payload', 'signature', 'signer', 'type']);
});

test('each kind of bad tx gets its own stable code', () => {
  const good = sample();
  const forged = good.signature.slice(0, -2) + (good.signature.endsWith('00') ? '01' : '00');
  const withBlob = (type: string, bytes: number) =>
    signTx(seed, { chainId, type, payload: { blob: 'x'.repeat(bytes) }, nonce: 1 });
  // [what, the tx as received, the chain checking it, the code expected]
  const cases: [string, unknown, string, string][] = [
    ['not an object', 'not an object', chainId, 'tx.malformed'],
    ['an extra field', { ...good, extra: 1 }, chainId, 'tx.malformed'],
    ['nonce 0', { ...good, nonce: 0 }, chainId, 'tx.malformed'],
    ['a fractional nonce', { ...good, nonce: 1.5 }, chainId, 'tx.malformed'],
    ['a type without a module', { ...good, type: 'NoDot' }, chainId, 'tx.malformed'],
    ['an uppercase signer', { ...good, signer: 'AB'.repeat(32) }, chainId, 'tx.malformed'],
    ['a non-integer in the payload', { ...good, payload: { x: 0.5 } }, chainId, 'tx.malformed'],
    ['another chain', good, 'other-chain', 'tx.wrong_chain'],
    ['a field changed after signing', { ...good, nonce: 2 }, chainId, 'tx.bad_signature'],
    ['a forged signature', { ...good, signature: forged }, chainId, 'tx.bad_signature'],
    ['over TX_BYTES_MAX', withBlob('notary.anchor', TX_BYTES_MAX), chainId, 'tx.too_large'],
    // Only the large types (a FHIR transaction's one registerBatch) may pass TX_BYTES_MAX, up to their own bound.
    ['a large type over TX_BYTES_MAX', withBlob('records.registerBatch', TX_BYTES_MAX), chainId, 'accepted'],
    [
      'a large type over LARGE_TX_BYTES_MAX',
      withBlob('records.registerBatch', LARGE_TX_BYTES_MAX),
      chainId,
      'tx.too_large',
    ],
  ];
  for (const [what, tx, onChain, code] of cases) {
    assert.equal(
      codeOf(() => checkTxStateless(tx, onChain)),
      code,
      what,
    );
  }
});

test('a signature for one chain never verifies on another (domain separation)', () => {
  const onA = signTx(seed, { chainId: 'chain-a', type: 'notary.anchor', payload: {}, nonce: 1 });
  assert.equal(
    codeOf(() => checkTxStateless({ ...onA, chainId: 'chain-b' }, 'chain-b')),
    'tx.bad_signature',
  );
});

test('property: any payload of JSON with integer numbers signs, encodes and verifies; a changed nonce does not', () => {
  const json = fc
    .jsonValue()
    .filter((v) => JSON.stringify(v).length < 2000 && !/\d\.\d|e[+-]?\d/i.test(JSON.stringify(v)));
  fc.assert(
    fc.property(json, fc.integer({ min: 1, max: 1e9 }), (payload, nonce) => {
      const sign = () => signTx(seed, { chainId, type: 'demo.any', payload: payload as never, nonce });
      if (outsideCanonicalDomain(payload)) {
        // Refused at signing, with the encoding's own error; any other failure fails the test.
        assert.throws(sign, (err) => err instanceof CoreError && err.code === 'encoding.non_canonical');
        return true;
      }
      const tx = sign();
      const { encoded } = checkTxStateless(JSON.parse(new TextDecoder().decode(encodeTx(tx))), chainId);
      assert.deepEqual(encoded, encodeTx(tx));
      assert.equal(
        codeOf(() => checkTxStateless({ ...tx, nonce: nonce + 1 }, chainId)),
        'tx.bad_signature',
      );
      return true;
    }),
    { numRuns: 200 },
  );
});
