// Crypt4GH (issue 19, "Done when"): a container written here opens after its header is re-encrypted for a
// second key, the data segments stay byte for byte, and a single changed byte anywhere fails it.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  SEGMENT_BYTES,
  crypt4ghKeyPair,
  crypt4ghSegments,
  readCrypt4gh,
  reencryptCrypt4ghHeader,
  writeCrypt4gh,
} from './crypt4gh.ts';

const custodian = crypt4ghKeyPair();
const researcher = crypt4ghKeyPair();
const stranger = crypt4ghKeyPair();
const genome = new Uint8Array(createHash('sha512').update('vcf').digest().buffer).slice(0, 64);
const vcf = new Uint8Array(2 * SEGMENT_BYTES + 1000).map((_, i) => (i * 31 + 7) & 255);

test('a container opens for its reader and not for another key', () => {
  const container = writeCrypt4gh(vcf, [custodian.publicKey]);
  assert.deepEqual(readCrypt4gh(container, custodian.secretKey), vcf);
  assert.throws(() => readCrypt4gh(container, researcher.secretKey), { code: 'envelope.open_failed' });
});

test('re-encrypting the header grants a second key without touching the data segments', () => {
  const container = writeCrypt4gh(vcf, [custodian.publicKey]);
  const granted = reencryptCrypt4ghHeader(container, custodian.secretKey, [
    custodian.publicKey,
    researcher.publicKey,
  ]);
  assert.deepEqual(readCrypt4gh(granted, researcher.secretKey), vcf);
  assert.deepEqual(readCrypt4gh(granted, custodian.secretKey), vcf);
  assert.deepEqual(
    crypt4ghSegments(granted, researcher.secretKey),
    crypt4ghSegments(container, custodian.secretKey),
  );
  assert.throws(() => readCrypt4gh(granted, stranger.secretKey), { code: 'envelope.open_failed' });
});

test('a single changed byte anywhere in the header or data fails the container', () => {
  const container = writeCrypt4gh(genome, [custodian.publicKey]);
  for (let index = 0; index < container.length; index += 1) {
    const changed = container.slice();
    changed[index] = changed[index]! ^ 0x01;
    assert.throws(
      () => readCrypt4gh(changed, custodian.secretKey),
      { code: 'envelope.open_failed' },
      `byte ${index}`,
    );
  }
});

test('any byte flip in a multi-segment container fails it (property)', () => {
  const container = writeCrypt4gh(vcf, [custodian.publicKey]);
  fc.assert(
    fc.property(fc.nat(container.length - 1), fc.integer({ min: 1, max: 255 }), (index, mask) => {
      const changed = container.slice();
      changed[index] = changed[index]! ^ mask;
      assert.throws(() => readCrypt4gh(changed, custodian.secretKey));
    }),
    { numRuns: 200 },
  );
});

test('the empty file round-trips', () => {
  const container = writeCrypt4gh(new Uint8Array(0), [custodian.publicKey]);
  assert.equal(readCrypt4gh(container, custodian.secretKey).length, 0);
});
