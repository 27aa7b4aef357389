// The pure (@noble) vault formats: the Ed25519 → X25519 map against libsodium's published vector, golden
// vectors that pin the record, envelope and commitment encodings (a change that breaks one is a protocol
// change), round trips, and refusal of every tampering: wrong key, flipped bits, moved records.
// The node (node:crypto) side and the agreement of both are in src/node/vault/node-cipher.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ED25519_TORSION_SUBGROUP } from '@noble/curves/ed25519.js';
import { fromHex, toHex, utf8 } from '../bytes.ts';
import {
  ENVELOPE_BYTES,
  ENVELOPE_FORMAT_V1,
  ENVELOPE_FORMAT_V2,
  decryptRecord,
  encryptRecordWith,
  keyCommitment,
  openEnvelope,
  openRecordPackage,
  recordAad,
  recordCommitment,
  sealEnvelopeWith,
  x25519PublicKeyOf,
  x25519SecretKeyOf,
  type RecordPackage,
  type RecordRef,
} from './envelope.ts';
import { publicKeyFromSeed } from './index.ts';
import { coreErrorCodeOf, flipBit, movedRefs, sealInputs } from '../test-support.ts';

const SEED = fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'); // RFC 8032 TEST 1
const OTHER_SEED = fromHex('4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb'); // TEST 2
const REF: RecordRef = {
  chainId: 'carechain-test',
  recordId: 'example',
  version: 1,
  resourceType: 'Patient',
};
const DATA_KEY = new Uint8Array(32).map((_, i) => i);
const NONCE = new Uint8Array(12).map((_, i) => 0xa0 + i);
const SALT = new Uint8Array(32).fill(0x5a);
const EPHEMERAL = new Uint8Array(32).fill(0x42);
const PLAINTEXT = utf8('{"resourceType":"Patient"}');

const codeOf = (fn: () => unknown): string => coreErrorCodeOf(fn, 'opened');

void test('Ed25519 → X25519 matches libsodium ed25519_convert and RFC 8032 TEST 1 images', () => {
  // libsodium test/default/ed25519_convert.c and .exp.
  const seed = fromHex('421151a459faeade3d247115f94aedae42318124095afabe4d1451a559faedee');
  const edPublic = publicKeyFromSeed(seed);
  assert.equal(toHex(edPublic), 'b5076a8474a832daee4dd5b4040983b6623b5f344aca57d4d6ee4baf3f259e6e');
  assert.equal(
    toHex(x25519PublicKeyOf(edPublic)),
    'f1814f0e8ff1043d8a44d25babff3cedcae6c22c3edaa48f857ae70de2baae50',
  );
  assert.equal(
    toHex(x25519SecretKeyOf(seed)),
    '8052030376d47112be7f73ed7a019293dd12ad910b654455798b4667d73de166',
  );
  assert.equal(
    toHex(x25519PublicKeyOf(publicKeyFromSeed(SEED))),
    'd85e07ec22b0ad881537c2f44d662d1a143cf830c57aca4305d85c7a90f6b62e',
  );
});

/** DATA_KEY wrapped in format 1 for SEED's key with EPHEMERAL: pinned since the first vault. */
const GOLDEN_V1_ENVELOPE = fromHex(
  '01132c442be010fbd57e72603328aa76e71fccc1503aae219327d14d9c9993f47232c783a1f2a20c074792e1e47e668dd4' +
    '01d26512b88054e4af89ef1c6846c727b39e78100c3779801ede8acc98681203',
);

void test('golden vectors: record AAD, record ciphertext, envelope, key commitment, record commitment', () => {
  assert.equal(
    toHex(recordAad(REF)),
    toHex(
      utf8(
        'carechain/v1/record\n{"chainId":"carechain-test","recordId":"example","resourceType":"Patient","version":1}',
      ),
    ),
  );
  const ciphertext = encryptRecordWith(DATA_KEY, NONCE, PLAINTEXT, REF);
  assert.equal(
    toHex(ciphertext),
    '9d3a0e4836a477cd0100d3aa771fe2e452fc3864fbd22c18be73116febbc1e2a959972a38f19c2cd5330',
  );
  const envelope = sealEnvelopeWith(DATA_KEY, publicKeyFromSeed(SEED), REF, EPHEMERAL);
  assert.equal(envelope.length, ENVELOPE_BYTES);
  assert.equal(toHex(envelope), toHex(GOLDEN_V1_ENVELOPE));
  const batchEnvelope = sealEnvelopeWith(
    DATA_KEY,
    publicKeyFromSeed(SEED),
    REF,
    EPHEMERAL,
    ENVELOPE_FORMAT_V2,
  );
  assert.equal(batchEnvelope.length, ENVELOPE_BYTES);
  assert.equal(
    toHex(batchEnvelope),
    '02132c442be010fbd57e72603328aa76e71fccc1503aae219327d14d9c9993f47208da6887b718e4c3e82a5870febd90ae' +
      'fbc6e01d616fef3c54b07fbeee897f7457e15b31122587964b12cf0dbeaba6cf',
  );
  const keyCommit = keyCommitment(DATA_KEY);
  assert.equal(toHex(keyCommit), '46ab6834675e9ec2db8354e1bd40c05a8fbf84f4a33ffcb141ee48f7224548d2');
  assert.equal(
    recordCommitment(SALT, NONCE, keyCommit, ciphertext),
    '87aeda1b8efe3049b85271fd141720a58ee79c80c57a60506e450b3800a5f700',
  );
});

void test('a format-1 envelope opens, bound to its ref by the AAD; read as format 2 or an unknown format, it does not', () => {
  assert.deepEqual(openEnvelope(GOLDEN_V1_ENVELOPE, SEED, REF), DATA_KEY);
  assert.equal(
    codeOf(() => openEnvelope(GOLDEN_V1_ENVELOPE, SEED, { ...REF, version: 2 })),
    'envelope.open_failed',
  );
  assert.equal(
    codeOf(() => openEnvelope(GOLDEN_V1_ENVELOPE, OTHER_SEED, REF)),
    'envelope.open_failed',
  );
  // Read as format 2 (the ref then in the HKDF info too), the same bytes derive another wrap key.
  const relabelled = Uint8Array.from(GOLDEN_V1_ENVELOPE);
  relabelled[0] = 2;
  assert.equal(
    codeOf(() => openEnvelope(relabelled, SEED, REF)),
    'envelope.open_failed',
  );
  for (const format of [0, 3, 255]) {
    const unknown = Uint8Array.from(GOLDEN_V1_ENVELOPE);
    unknown[0] = format;
    assert.equal(
      codeOf(() => openEnvelope(unknown, SEED, REF)),
      'envelope.malformed',
      `format ${format}`,
    );
  }
});

void test('format 2: one ephemeral key wraps keys of two versions under different wrap keys and nonces', () => {
  // What the node's EnvelopeSealer does for one request: the same ephemeral secret for two refs.
  const other: RecordRef = { ...REF, recordId: 'example-2' };
  const a = sealEnvelopeWith(DATA_KEY, publicKeyFromSeed(SEED), REF, EPHEMERAL, ENVELOPE_FORMAT_V2);
  const b = sealEnvelopeWith(DATA_KEY, publicKeyFromSeed(SEED), other, EPHEMERAL, ENVELOPE_FORMAT_V2);
  assert.deepEqual(a.subarray(0, 33), b.subarray(0, 33), 'one ephemeral public key');
  // The same data key under one nonce and key would give the same ciphertext: it differs, so they differ.
  assert.notDeepEqual(a.subarray(33), b.subarray(33));
  assert.deepEqual(openEnvelope(a, SEED, REF), DATA_KEY);
  assert.deepEqual(openEnvelope(b, SEED, other), DATA_KEY);
  assert.equal(
    codeOf(() => openEnvelope(a, SEED, other)),
    'envelope.open_failed',
  );
});

function goldenPackage(): RecordPackage {
  const ciphertext = encryptRecordWith(DATA_KEY, NONCE, PLAINTEXT, REF);
  const keyCommit = keyCommitment(DATA_KEY);
  return {
    ...REF,
    nonce: toHex(NONCE),
    salt: toHex(SALT),
    keyCommitment: toHex(keyCommit),
    ciphertext: toHex(ciphertext),
    commitment: recordCommitment(SALT, NONCE, keyCommit, ciphertext),
    envelope: toHex(sealEnvelopeWith(DATA_KEY, publicKeyFromSeed(SEED), REF, EPHEMERAL)),
  };
}

void test('a package opens for its recipient, with and without the on-chain commitment to check', () => {
  const pkg = goldenPackage();
  assert.deepEqual(openRecordPackage(pkg, SEED), PLAINTEXT);
  assert.deepEqual(openRecordPackage(pkg, SEED, pkg.commitment), PLAINTEXT);
});

void test('another key, a swapped record, a flipped bit or a foreign commitment does not open', () => {
  const pkg = goldenPackage();
  assert.equal(
    codeOf(() => openRecordPackage(pkg, OTHER_SEED)),
    'envelope.open_failed',
  );
  for (const moved of movedRefs(pkg)) {
    assert.equal(
      codeOf(() => openRecordPackage(moved, SEED)),
      'envelope.open_failed',
    );
  }
  assert.equal(
    codeOf(() => openRecordPackage(pkg, SEED, '00'.repeat(32))),
    'envelope.commitment_mismatch',
  );
  const ciphertext = fromHex(pkg.ciphertext);
  for (const bit of [0, 7, 8 * ciphertext.length - 129, 8 * ciphertext.length - 1]) {
    // The first and last bits of the ciphertext body and of its 16-byte tag.
    assert.equal(
      codeOf(() => openRecordPackage({ ...pkg, ciphertext: toHex(flipBit(ciphertext, bit)) }, SEED)),
      'envelope.commitment_mismatch',
    );
  }
});

void test('a tampered package with a recomputed commitment still fails: the tag and key commitment hold', () => {
  const pkg = goldenPackage();
  const withCommitment = (changes: Partial<RecordPackage>): RecordPackage => {
    const next = { ...pkg, ...changes };
    const commitment = recordCommitment(
      fromHex(next.salt),
      fromHex(next.nonce),
      fromHex(next.keyCommitment),
      fromHex(next.ciphertext),
    );
    return { ...next, commitment };
  };
  const ciphertext = fromHex(pkg.ciphertext);
  assert.equal(
    codeOf(() => openRecordPackage(withCommitment({ ciphertext: toHex(flipBit(ciphertext, 3)) }), SEED)),
    'envelope.open_failed',
  );
  assert.equal(
    codeOf(() => openRecordPackage(withCommitment({ keyCommitment: '11'.repeat(32) }), SEED)),
    'envelope.open_failed',
  );
  // It does not match what the chain holds, though: the caller passes that commitment.
  assert.equal(
    codeOf(() => openRecordPackage(withCommitment({ salt: '00'.repeat(32) }), SEED, pkg.commitment)),
    'envelope.commitment_mismatch',
  );
  assert.equal(
    codeOf(() => openRecordPackage({ ...pkg, nonce: 'zz' }, SEED)),
    'envelope.malformed',
  );
});

void test('every flipped bit of an envelope, and a flipped AAD bit, fails to open the key (both formats)', () => {
  for (const format of [ENVELOPE_FORMAT_V1, ENVELOPE_FORMAT_V2] as const) {
    const envelope = sealEnvelopeWith(DATA_KEY, publicKeyFromSeed(SEED), REF, EPHEMERAL, format);
    assert.deepEqual(openEnvelope(envelope, SEED, REF), DATA_KEY);
    for (let bit = 8; bit < 8 * envelope.length; bit++) {
      assert.equal(
        codeOf(() => openEnvelope(flipBit(envelope, bit), SEED, REF)),
        'envelope.open_failed',
        `format ${format} bit ${bit}`,
      );
    }
    assert.equal(
      codeOf(() => openEnvelope(flipBit(envelope, 0), SEED, REF)),
      'envelope.malformed',
    );
    assert.equal(
      codeOf(() => openEnvelope(envelope.subarray(1), SEED, REF)),
      'envelope.malformed',
    );
    assert.equal(
      codeOf(() => openEnvelope(envelope, SEED, { ...REF, recordId: 'examplf' })),
      'envelope.open_failed',
    );
  }
});

void test('every flipped bit of a record ciphertext, and a record moved to another id, fails to decrypt', () => {
  const ciphertext = encryptRecordWith(DATA_KEY, NONCE, PLAINTEXT, REF);
  for (let bit = 0; bit < 8 * ciphertext.length; bit++) {
    assert.equal(
      codeOf(() => decryptRecord(DATA_KEY, NONCE, flipBit(ciphertext, bit), REF)),
      'envelope.open_failed',
    );
  }
  for (const moved of movedRefs(REF)) {
    assert.equal(
      codeOf(() => decryptRecord(DATA_KEY, NONCE, ciphertext, moved)),
      'envelope.open_failed',
    );
  }
  assert.equal(
    codeOf(() => decryptRecord(DATA_KEY, flipBit(NONCE, 0), ciphertext, REF)),
    'envelope.open_failed',
  );
  assert.equal(
    codeOf(() => decryptRecord(DATA_KEY, NONCE, ciphertext.subarray(0, 15), REF)),
    'envelope.open_failed',
  );
});

void test('small-order recipient keys are refused, and a small-order ephemeral key does not open', () => {
  for (const hex of ED25519_TORSION_SUBGROUP) {
    assert.equal(
      codeOf(() => sealEnvelopeWith(DATA_KEY, fromHex(hex), REF, EPHEMERAL)),
      'envelope.bad_recipient_key',
    );
  }
  // u = 0 and u = 1 are small-order Montgomery points (RFC 7748 §6.1: the shared secret is all zero).
  for (const u of ['00', '01']) {
    const envelope = sealEnvelopeWith(DATA_KEY, publicKeyFromSeed(SEED), REF, EPHEMERAL);
    envelope.set(fromHex(u.padEnd(64, '0')), 1);
    assert.equal(
      codeOf(() => openEnvelope(envelope, SEED, REF)),
      'envelope.open_failed',
    );
  }
});

void test('property: random keys, ids and plaintexts round-trip through seal and open', () => {
  fc.assert(
    fc.property(
      sealInputs(2000),
      fc.integer({ min: 1, max: 1_000_000 }),
      ([seed, dataKey, ephemeral, nonce, plaintext], version) => {
        const ref = { ...REF, version };
        const envelope = sealEnvelopeWith(dataKey, publicKeyFromSeed(seed), ref, ephemeral);
        const opened = openEnvelope(envelope, seed, ref);
        assert.deepEqual(opened, dataKey);
        const ciphertext = encryptRecordWith(opened, nonce, plaintext, ref);
        assert.deepEqual(decryptRecord(dataKey, nonce, ciphertext, ref), plaintext);
      },
    ),
    { numRuns: 50 },
  );
});
