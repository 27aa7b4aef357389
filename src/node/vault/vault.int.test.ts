// The vault on a real SQLite file with real FHIR resources (HL7 R4 examples, read in place from
// ../shared/testdata): seal and open for custodian and patient, nobody else; a fresh key per version;
// re-wrapping for a requester; bad input refused with its code and nothing written; crypto-shredding
// that leaves no byte of a ciphertext or wrapped key in vault.sqlite or its WAL.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import canonicalize from 'canonicalize';
import { fromUtf8, utf8 } from '../../core/bytes.ts';
import { openRecordPackage, recordCommitment } from '../../core/crypto/envelope.ts';
import { keyPairFromSeed } from '../keys.ts';
import { seedOf, tempDir } from '../../../test/harness/chain.ts';
import { Vault, type SealInput } from './vault.ts';
import { SqliteStorage } from '../storage/sqlite/sqlite-storage.ts';
import { VAULT_FILE, VaultStore } from './vault-store.ts';
import { coreErrorCodeOf } from '../../core/test-support.ts';

const examples = fileURLToPath(new URL('../../../../shared/testdata/fhir/hl7-r4-examples/', import.meta.url));
/** A resource file as canonical JSON bytes (RFC 8785; FHIR decimals kept as JSON numbers). */
function resource(file: string): Uint8Array {
  return utf8(canonicalize(JSON.parse(readFileSync(join(examples, file), 'utf8'))) as string);
}
const PATIENT = resource('patient-example.json');
const OBSERVATION = resource('observation-example.json');
const BINARY = resource('binary-example.json'); // ~175 kB: spans many overflow pages

const custodian = keyPairFromSeed(seedOf('custodian'));
const patient = keyPairFromSeed(seedOf('patient'));
const otherPatient = keyPairFromSeed(seedOf('other patient'));
const stranger = keyPairFromSeed(seedOf('stranger'));
const requester = keyPairFromSeed(seedOf('requester'));
const CHAIN = 'carechain-test';

const dir = tempDir();
after(() => dir.remove());

let nowMs = 1_700_000_000_000;
const clock = { nowMs: () => nowMs++ };

function openVault(path = dir.path): { store: VaultStore; vault: Vault } {
  const store = VaultStore.open(new SqliteStorage(path));
  return { store, vault: new Vault({ recordBytesMax: 1024 * 1024 }, { store, clock }) };
}

function sealInput(overrides: Partial<SealInput> = {}): SealInput {
  return {
    chainId: CHAIN,
    recordId: 'patient-1',
    version: 1,
    resourceType: 'Patient',
    patientPseudonym: 'pseudo-a',
    resource: PATIENT,
    recipients: [custodian.publicKey, patient.publicKey],
    ...overrides,
  };
}

const codeOf = (fn: () => unknown): string => coreErrorCodeOf(fn);

void test('custodian and patient open a sealed FHIR Patient; a stranger cannot; the commitment verifies', () => {
  const { store, vault } = openVault();
  const sealed = vault.seal(sealInput());
  assert.match(sealed.commitment, /^[0-9a-f]{64}$/);
  assert.deepEqual(vault.open('patient-1', 1, custodian), PATIENT);
  const opened = vault.open('patient-1', 1, patient);
  assert.deepEqual(
    JSON.parse(fromUtf8(opened)),
    JSON.parse(readFileSync(join(examples, 'patient-example.json'), 'utf8')),
  );
  const stored = store.get('patient-1', 1);
  assert.equal(
    recordCommitment(stored.salt, stored.nonce, stored.keyCommitment, stored.ciphertext),
    sealed.commitment,
  );
  assert.equal(stored.ciphertext.length, PATIENT.length + 16);
  assert.equal(
    codeOf(() => vault.open('patient-1', 1, stranger)),
    'vault.no_key',
  );
  // Claiming the patient's public key without the patient's seed opens nothing.
  assert.equal(
    codeOf(() => vault.open('patient-1', 1, { publicKey: patient.publicKey, seed: stranger.seed })),
    'envelope.open_failed',
  );
  // The patient's own package opens with the pure (browser) opener against the on-chain commitment.
  const pkg = vault.packageFor('patient-1', 1, patient.publicKey);
  assert.deepEqual(openRecordPackage(pkg, patient.seed, sealed.commitment), PATIENT);
  store.close();
});

void test('every version gets a fresh key, nonce and salt: equal plaintexts share nothing on disk', () => {
  const { store, vault } = openVault();
  const second = vault.seal(sealInput({ version: 2 }));
  const first = store.get('patient-1', 1);
  const stored = store.get('patient-1');
  assert.equal(stored.version, 2);
  assert.equal(stored.commitment, second.commitment);
  assert.notEqual(first.commitment, second.commitment);
  assert.notDeepEqual(first.ciphertext, stored.ciphertext);
  assert.notDeepEqual(first.nonce, stored.nonce);
  assert.notDeepEqual(first.salt, stored.salt);
  assert.notDeepEqual(first.keyCommitment, stored.keyCommitment);
  assert.notDeepEqual(
    store.wrappedKeyFor('patient-1', 1, patient.publicKey),
    store.wrappedKeyFor('patient-1', 2, patient.publicKey),
  );
  assert.deepEqual(vault.open('patient-1', 2, patient), PATIENT);
  store.close();
});

void test('re-wrapping for a requester: the package opens for them only; addRecipient persists it', () => {
  const { store, vault } = openVault();
  const { commitment } = vault.seal(
    sealInput({ recordId: 'obs-1', resourceType: 'Observation', resource: OBSERVATION }),
  );
  const pkg = vault.reencryptFor('obs-1', 1, custodian, requester.publicKey);
  assert.equal(pkg.commitment, commitment);
  assert.deepEqual(openRecordPackage(pkg, requester.seed, commitment), OBSERVATION);
  for (const other of [stranger, patient, custodian]) {
    assert.equal(
      codeOf(() => openRecordPackage(pkg, other.seed, commitment)),
      'envelope.open_failed',
    );
  }
  // Only the custodian's key can re-wrap; the requester has none stored yet.
  assert.equal(
    codeOf(() => vault.reencryptFor('obs-1', 1, stranger, requester.publicKey)),
    'vault.no_key',
  );
  assert.equal(
    codeOf(() => vault.open('obs-1', 1, requester)),
    'vault.no_key',
  );
  vault.addRecipient('obs-1', 1, custodian, requester.publicKey);
  assert.deepEqual(vault.open('obs-1', 1, requester), OBSERVATION);
  assert.equal(
    codeOf(() => vault.addRecipient('obs-1', 1, custodian, requester.publicKey)),
    'vault.recipient_exists',
  );
  store.close();
});

void test('bad input is refused with a clear code and changes nothing', () => {
  const { store, vault } = openVault();
  const before = vault.listByPatient('pseudo-a');
  const beforeOther = vault.listByPatient('pseudo-b');
  const cases: [string, () => unknown][] = [
    ['vault.not_found', () => vault.open('no-such-record', 1, patient)],
    ['vault.not_found', () => vault.open('patient-1', 9, patient)],
    ['vault.not_found', () => vault.reencryptFor('patient-1', 9, custodian, requester.publicKey)],
    ['vault.not_found', () => vault.shred({ recordId: 'no-such-record' })],
    ['vault.not_found', () => vault.shred({ patientPseudonym: 'nobody' })],
    ['vault.invalid_input', () => vault.open('patient-1', 0, patient)],
    ['vault.invalid_input', () => vault.open('bad id with spaces', 1, patient)],
    ['vault.version_exists', () => vault.seal(sealInput())],
    ['vault.record_mismatch', () => vault.seal(sealInput({ version: 3, patientPseudonym: 'pseudo-b' }))],
    ['vault.invalid_input', () => vault.seal(sealInput({ recordId: 'p2', resourceType: 'Observation' }))],
    ['vault.invalid_input', () => vault.seal(sealInput({ recordId: 'p2', resource: utf8('not json') }))],
    ['vault.invalid_input', () => vault.seal(sealInput({ recordId: 'p2', recipients: [] }))],
    ['vault.invalid_input', () => vault.seal(sealInput({ recordId: 'p2', recipients: ['00'.repeat(32)] }))],
    [
      'vault.invalid_input',
      () => vault.seal(sealInput({ recordId: 'p2', recipients: [patient.publicKey, patient.publicKey] })),
    ],
    ['vault.invalid_input', () => vault.seal(sealInput({ recordId: 'p2', version: 1.5 }))],
    [
      'vault.too_large',
      () => vault.seal(sealInput({ recordId: 'p2', resource: new Uint8Array(2 * 1024 * 1024) })),
    ],
    ['vault.invalid_input', () => vault.reencryptFor('patient-1', 1, custodian, 'not-a-key')],
  ];
  for (const [code, fn] of cases) assert.equal(codeOf(fn), code);
  assert.deepEqual(vault.listByPatient('pseudo-a'), before);
  assert.deepEqual(vault.listByPatient('pseudo-b'), beforeOther);
  assert.equal(
    codeOf(() => store.get('p2')),
    'vault.not_found',
  );
  assert.deepEqual(vault.open('patient-1', 1, patient), PATIENT);
  store.close();
});

void test('sealAll stores a batch in one transaction: every version, or none when one is refused', () => {
  const { store, vault } = openVault();
  const batch = ['batch-1', 'batch-2', 'batch-3'].map((recordId) =>
    sealInput({ recordId, resourceType: 'Observation', resource: OBSERVATION, patientPseudonym: 'pseudo-c' }),
  );
  // The last one repeats a stored version: the two before it must not stay behind.
  assert.equal(
    codeOf(() => vault.sealAll([...batch.slice(0, 2), sealInput()])),
    'vault.version_exists',
  );
  assert.deepEqual(vault.listByPatient('pseudo-c'), []);
  // A version named twice in one batch is refused the same way, and nothing is stored.
  assert.equal(
    codeOf(() => vault.sealAll([batch[0]!, batch[1]!, batch[0]!])),
    'vault.version_exists',
  );
  assert.deepEqual(vault.listByPatient('pseudo-c'), []);
  const sealed = vault.sealAll(batch);
  assert.deepEqual(
    sealed.map((s) => s.recordId),
    ['batch-1', 'batch-2', 'batch-3'],
  );
  assert.equal(vault.listByPatient('pseudo-c').length, 3);
  assert.deepEqual(vault.open('batch-2', 1, patient), OBSERVATION);
  store.close();
});

/** Fraction of the 32-byte chunks of `data` found anywhere in the vault's database files. */
function fractionOnDisk(path: string, data: Uint8Array): number {
  const files = [VAULT_FILE, `${VAULT_FILE}-wal`, `${VAULT_FILE}-shm`]
    .map((name) => join(path, name))
    .filter((file) => existsSync(file))
    .map((file) => readFileSync(file));
  let chunks = 0;
  let found = 0;
  for (let offset = 0; offset + 32 <= data.length; offset += 32) {
    const chunk = data.subarray(offset, offset + 32);
    chunks++;
    if (files.some((file) => file.indexOf(chunk) >= 0)) found++;
  }
  return found / chunks;
}

void test('shredding a record deletes its ciphertexts and keys, overwrites their bytes, and is final', () => {
  const { store, vault } = openVault();
  const secrets = [1, 2].flatMap((version) => [
    store.get('patient-1', version).ciphertext,
    store.wrappedKeyFor('patient-1', version, custodian.publicKey),
    store.wrappedKeyFor('patient-1', version, patient.publicKey),
  ]);
  // The check can fail: before the shred every byte is on disk.
  for (const secret of secrets) assert.equal(fractionOnDisk(dir.path, secret), 1);
  const commitments = [1, 2].map((version) => store.get('patient-1', version).commitment);

  const receipt = vault.shred({ recordId: 'patient-1' });
  assert.deepEqual(receipt.recordIds, ['patient-1']);
  assert.deepEqual(receipt.versions, [
    { recordId: 'patient-1', version: 1 },
    { recordId: 'patient-1', version: 2 },
  ]);
  assert.deepEqual(receipt.commitments, commitments);
  assert.equal(typeof receipt.shreddedAtMs, 'number');

  for (const secret of secrets) assert.equal(fractionOnDisk(dir.path, secret), 0);
  const refusedOnceShredded = [
    ...[1, 2].flatMap((version) =>
      [patient, custodian].map((who) => () => vault.open('patient-1', version, who)),
    ),
    () => vault.reencryptFor('patient-1', 1, custodian, requester.publicKey),
    () => vault.seal(sealInput({ version: 3 })),
    () => vault.shred({ recordId: 'patient-1' }),
  ];
  for (const fn of refusedOnceShredded) assert.equal(codeOf(fn), 'vault.shredded', String(fn));
  // The other record of the same patient is untouched.
  assert.deepEqual(vault.open('obs-1', 1, patient), OBSERVATION);
  store.close();
});

void test('shredding a patient erases all their records, large ones too, and survives a reopen', () => {
  let { store, vault } = openVault();
  vault.seal(sealInput({ recordId: 'binary-1', resourceType: 'Binary', resource: BINARY }));
  vault.seal(sealInput({ recordId: 'binary-1', version: 2, resourceType: 'Binary', resource: BINARY }));
  vault.seal(
    sealInput({
      recordId: 'obs-other',
      resourceType: 'Observation',
      resource: OBSERVATION,
      patientPseudonym: 'pseudo-b',
      recipients: [custodian.publicKey, otherPatient.publicKey],
    }),
  );
  const listed = vault.listByPatient('pseudo-a');
  assert.deepEqual(
    listed.map((v) => `${v.recordId}@${v.version}`),
    ['binary-1@1', 'binary-1@2', 'obs-1@1'],
  );
  const secrets = listed.flatMap((v) => [
    store.get(v.recordId, v.version).ciphertext,
    store.wrappedKeyFor(v.recordId, v.version, patient.publicKey),
  ]);
  for (const secret of secrets) assert.ok(fractionOnDisk(dir.path, secret) > 0.9);
  store.close();

  ({ store, vault } = openVault());
  const receipt = vault.shred({ patientPseudonym: 'pseudo-a' });
  assert.deepEqual(receipt.recordIds, ['binary-1', 'obs-1']);
  assert.deepEqual(
    receipt.commitments,
    listed.map((v) => v.commitment),
  );
  for (const secret of secrets) assert.equal(fractionOnDisk(dir.path, secret), 0);
  assert.deepEqual(vault.listByPatient('pseudo-a'), []);
  store.close();

  ({ store, vault } = openVault());
  assert.equal(
    codeOf(() => vault.open('binary-1', 2, patient)),
    'vault.shredded',
  );
  assert.equal(
    codeOf(() => vault.shred({ patientPseudonym: 'pseudo-a' })),
    'vault.not_found',
  );
  assert.deepEqual(vault.open('obs-other', 1, otherPatient), OBSERVATION);
  store.close();
});
