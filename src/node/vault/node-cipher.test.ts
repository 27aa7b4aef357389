// The node's vault crypto (node:crypto) against the pure opener of src/core/crypto/envelope.ts (@noble):
// what one seals the other opens, both ways, and both refuse the same tampering with the same code.
// Also: each seal uses a fresh data key, nonce and salt, so equal plaintexts share nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bytesEqual, fromHex, toHex, utf8 } from '../../core/bytes.ts';
import { publicKeyFromSeed } from '../../core/crypto/index.ts';
import * as pure from '../../core/crypto/envelope.ts';
import type { RecordRef } from '../../core/crypto/envelope.ts';
import {
  decryptRecord,
  encryptRecord,
  openEnvelope,
  sealEnvelope,
  sealEnvelopes,
  EnvelopeSealer,
  x25519PublicKeyFromSeed,
} from './node-cipher.ts';
import { bytes32, coreErrorCodeOf, flipBit, movedRefs, sealInputs } from '../../core/test-support.ts';

const REF: RecordRef = {
  chainId: 'carechain-test',
  recordId: 'obs-1',
  version: 3,
  resourceType: 'Observation',
};
const PLAINTEXT = utf8('{"resourceType":"Observation","status":"final"}');
const seedA = fromHex('421151a459faeade3d247115f94aedae42318124095afabe4d1451a559faedee');
const seedB = fromHex('4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb');

const codeOf = (fn: () => unknown): string => coreErrorCodeOf(fn, 'opened');

void test('OpenSSL X25519 of the converted secret equals the RFC 7748 map of the Ed25519 public key', () => {
  assert.equal(
    toHex(x25519PublicKeyFromSeed(seedA)),
    'f1814f0e8ff1043d8a44d25babff3cedcae6c22c3edaa48f857ae70de2baae50',
  );
  fc.assert(
    fc.property(bytes32, (seed) => {
      const mapped = pure.x25519PublicKeyOf(publicKeyFromSeed(seed));
      assert.equal(toHex(x25519PublicKeyFromSeed(seed)), toHex(mapped));
    }),
    { numRuns: 100 },
  );
});

void test('agreement: node-sealed envelopes and records open with the pure opener, and the reverse', () => {
  fc.assert(
    fc.property(sealInputs(3000), ([seed, dataKey, ephemeral, nonce, plaintext]) => {
      const recipient = publicKeyFromSeed(seed);
      // node → pure
      const sealed = encryptRecord(plaintext, REF);
      const envelope = sealEnvelope(sealed.dataKey, recipient, REF);
      assert.equal(envelope[0], pure.ENVELOPE_FORMAT_V1, 'a single wrap is format 1');
      const batchEnvelope = sealEnvelopes(sealed.dataKey, [recipient], REF, new EnvelopeSealer())[0]!;
      assert.equal(batchEnvelope[0], pure.ENVELOPE_FORMAT_V2, "a sealer's wrap is format 2");
      assert.deepEqual(pure.openEnvelope(batchEnvelope, seed, REF), sealed.dataKey);
      const pkg = {
        ...REF,
        nonce: toHex(sealed.nonce),
        salt: toHex(sealed.salt),
        keyCommitment: toHex(sealed.keyCommitment),
        ciphertext: toHex(sealed.ciphertext),
        commitment: sealed.commitment,
        envelope: toHex(envelope),
      };
      assert.deepEqual(pure.openRecordPackage(pkg, seed, sealed.commitment), plaintext);
      // pure → node, both formats
      const pureEnvelope = pure.sealEnvelopeWith(dataKey, recipient, REF, ephemeral);
      const opened = openEnvelope(pureEnvelope, seed, REF);
      assert.deepEqual(opened, dataKey);
      const pureBatch = pure.sealEnvelopeWith(dataKey, recipient, REF, ephemeral, pure.ENVELOPE_FORMAT_V2);
      assert.deepEqual(openEnvelope(pureBatch, seed, REF), dataKey);
      const ciphertext = pure.encryptRecordWith(dataKey, nonce, plaintext, REF);
      assert.deepEqual(decryptRecord(opened, nonce, ciphertext, REF), plaintext);
    }),
    { numRuns: 60 },
  );
});

void test('node side: a wrong key, a flipped bit of envelope, ciphertext or tag, or a swapped id fails', () => {
  const sealed = encryptRecord(PLAINTEXT, REF);
  const envelope = sealEnvelope(sealed.dataKey, publicKeyFromSeed(seedA), REF);
  assert.deepEqual(openEnvelope(envelope, seedA, REF), sealed.dataKey);
  assert.equal(
    codeOf(() => openEnvelope(envelope, seedB, REF)),
    'envelope.open_failed',
  );
  for (let bit = 8; bit < 8 * envelope.length; bit++) {
    assert.equal(
      codeOf(() => openEnvelope(flipBit(envelope, bit), seedA, REF)),
      'envelope.open_failed',
    );
  }
  for (const moved of movedRefs(REF)) {
    assert.equal(
      codeOf(() => openEnvelope(envelope, seedA, moved)),
      'envelope.open_failed',
    );
    assert.equal(
      codeOf(() => decryptRecord(sealed.dataKey, sealed.nonce, sealed.ciphertext, moved)),
      'envelope.open_failed',
    );
  }
  for (let bit = 0; bit < 8 * sealed.ciphertext.length; bit++) {
    assert.equal(
      codeOf(() => decryptRecord(sealed.dataKey, sealed.nonce, flipBit(sealed.ciphertext, bit), REF)),
      'envelope.open_failed',
    );
  }
  // A truncated tag must not pass (node accepts short tags unless authTagLength is pinned).
  assert.equal(
    codeOf(() => decryptRecord(sealed.dataKey, sealed.nonce, sealed.ciphertext.subarray(0, -4), REF)),
    'envelope.open_failed',
  );
  assert.deepEqual(decryptRecord(sealed.dataKey, sealed.nonce, sealed.ciphertext, REF), PLAINTEXT);
});

void test('two seals of one plaintext share no key, nonce, salt, ciphertext, envelope or commitment', () => {
  const a = encryptRecord(PLAINTEXT, REF);
  const b = encryptRecord(PLAINTEXT, REF);
  for (const field of ['dataKey', 'nonce', 'salt', 'keyCommitment', 'ciphertext'] as const) {
    assert.ok(!bytesEqual(a[field], b[field]), field);
  }
  assert.notEqual(a.commitment, b.commitment);
  const recipient = publicKeyFromSeed(seedA);
  assert.notDeepEqual(sealEnvelope(a.dataKey, recipient, REF), sealEnvelope(a.dataKey, recipient, REF));
  // The commitment is the documented hash of exactly what is stored.
  assert.equal(a.commitment, pure.recordCommitment(a.salt, a.nonce, a.keyCommitment, a.ciphertext));
});

void test('sealEnvelopes wraps one key for each recipient alone, each with its own ephemeral key', () => {
  const sealed = encryptRecord(PLAINTEXT, REF);
  const [forA, forB] = sealEnvelopes(
    sealed.dataKey,
    [publicKeyFromSeed(seedA), publicKeyFromSeed(seedB)],
    REF,
    new EnvelopeSealer(),
  );
  assert.deepEqual(openEnvelope(forA!, seedA, REF), sealed.dataKey);
  assert.deepEqual(pure.openEnvelope(forB!, seedB, REF), sealed.dataKey);
  assert.notDeepEqual(forA!.subarray(1, 33), forB!.subarray(1, 33), 'an ephemeral key per recipient');
  // Each envelope is bound to its recipient and to the version's ref, as sealEnvelope's are.
  assert.equal(
    codeOf(() => openEnvelope(forA!, seedB, REF)),
    'envelope.open_failed',
  );
  assert.equal(
    codeOf(() => openEnvelope(forB!, seedB, { ...REF, version: 4 })),
    'envelope.open_failed',
  );
});

void test('one sealer: one ephemeral key per recipient across versions, each envelope its own wrap key', () => {
  const sealer = new EnvelopeSealer();
  const refs = [REF, { ...REF, version: 4 }, { ...REF, recordId: 'other' }];
  const versions = refs.map((ref) => ({ ref, sealed: encryptRecord(PLAINTEXT, ref) }));
  const envelopes = versions.map(({ ref, sealed }) =>
    sealEnvelopes(sealed.dataKey, [publicKeyFromSeed(seedA), publicKeyFromSeed(seedB)], ref, sealer),
  );
  const ephemeralOf = (envelope: Uint8Array): string => Buffer.from(envelope.subarray(1, 33)).toString('hex');
  assert.equal(new Set(envelopes.map(([forA]) => ephemeralOf(forA!))).size, 1, "A's envelopes share a key");
  assert.equal(new Set(envelopes.map(([, forB]) => ephemeralOf(forB!))).size, 1, "B's envelopes share a key");
  assert.notEqual(ephemeralOf(envelopes[0]![0]!), ephemeralOf(envelopes[0]![1]!));
  versions.forEach(({ ref, sealed }, i) => {
    assert.deepEqual(openEnvelope(envelopes[i]![0]!, seedA, ref), sealed.dataKey);
    assert.deepEqual(pure.openEnvelope(envelopes[i]![1]!, seedB, ref), sealed.dataKey);
    // Moved to another version of the same session, an envelope does not open: the ref is in the key.
    const otherRef = refs[(i + 1) % refs.length]!;
    assert.equal(
      codeOf(() => openEnvelope(envelopes[i]![0]!, seedA, otherRef)),
      'envelope.open_failed',
    );
  });
  // A second wrap for one (recipient, version) under the same ephemeral key would reuse its wrap key and
  // nonce for another data key: refused, and with a repeated recipient in one call too.
  const again = encryptRecord(PLAINTEXT, REF);
  assert.equal(
    codeOf(() => sealEnvelopes(again.dataKey, [publicKeyFromSeed(seedA)], REF, sealer)),
    'envelope.repeated_wrap',
  );
  assert.equal(
    codeOf(() =>
      sealEnvelopes(
        again.dataKey,
        [publicKeyFromSeed(seedB), publicKeyFromSeed(seedB)],
        REF,
        new EnvelopeSealer(),
      ),
    ),
    'envelope.repeated_wrap',
  );
  sealer.close();
  // A closed sealer starts afresh: a new ephemeral key.
  const fresh = sealEnvelopes(again.dataKey, [publicKeyFromSeed(seedA)], REF, sealer)[0]!;
  assert.notEqual(ephemeralOf(fresh), ephemeralOf(envelopes[0]![0]!));
  assert.deepEqual(openEnvelope(fresh, seedA, REF), again.dataKey);
});
