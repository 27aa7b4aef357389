import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LARGE_TX_BYTES_MAX } from '../../core/limits.ts';
import { checkTxStateless, encodeTx, signTx } from '../../core/tx.ts';
import { chainId, GENESIS_TIME_MS } from '../test-support.ts';
import { record, recordsOfPatient } from './queries.ts';
import {
  alice,
  bobPseudonym,
  clinicNode,
  commitment,
  consentId,
  doctor,
  hex,
  hospitalAdmin,
  hospitalNode,
  nurse,
  recordId,
  batchPayload,
  grantPayload,
  privacyOfficer,
  registerPayload,
  setup,
} from './test-fixtures.ts';
import { REGISTRATIONS_PER_BATCH_MAX, VERSIONS_PER_RECORD_MAX } from './types.ts';

const register = (
  chain: ReturnType<typeof setup>,
  signer = hospitalNode,
  n = 1,
  version = 1,
  o: object = {},
) => chain.submit(signer, 'records.register', registerPayload(n, version, o));

test('the custodian’s node registers a record version, kept with its height, time and signer', () => {
  const chain = setup();
  assert.equal(register(chain), 'ok');
  const found = record(chain.state, recordId(1));
  assert.equal(found?.resourceType, 'Observation');
  assert.equal(found?.custodianOrgId, 'st-mary');
  assert.equal(found?.latestVersion, 1);
  assert.equal(found?.erasedAtHeight, null);
  assert.deepEqual(found?.history, [
    {
      version: 1,
      commitment: commitment(1, 1),
      registeredBy: hospitalNode.key,
      practitioner: doctor.key,
      height: 2,
      timeMs: GENESIS_TIME_MS + 2000,
      txHash: chain.lastTxHash,
    },
  ]);
  assert.equal(record(chain.state, recordId(2)), undefined);
  const listed = recordsOfPatient(chain.state, found.patientPseudonym, { offset: 0, limit: 10 });
  assert.equal(listed.total, 1);
  assert.equal(listed.items[0]?.recordId, recordId(1));
});

test('an active practitioner of the custodian may register; nobody else may', () => {
  const chain = setup();
  assert.equal(register(chain, doctor), 'ok');
  assert.equal(record(chain.state, recordId(1))?.history[0]?.registeredBy, doctor.key);
  // Another organisation's node or practitioner, an admin key, the patient, a stranger.
  for (const signer of [clinicNode, nurse, hospitalAdmin, alice]) {
    assert.equal(register(chain, signer, 2), 'tx.rejected:records.not_custodian');
  }
  // Signing for one's own organisation does not let one name another as custodian.
  assert.equal(
    register(chain, clinicNode, 2, 1, { custodianOrgId: 'st-mary' }),
    'tx.rejected:records.not_custodian',
  );
  assert.equal(
    chain.submit(hospitalAdmin, 'membership.suspendPractitioner', { practitionerKey: doctor.key }),
    'ok',
  );
  assert.equal(register(chain, doctor, 2), 'tx.rejected:records.practitioner_suspended');
});

test('the patient must be registered', () => {
  const chain = setup();
  assert.equal(
    register(chain, hospitalNode, 1, 1, { patientPseudonym: hex(77) }),
    'tx.rejected:records.unknown_patient',
  );
});

test('versions start at 1 and go up by exactly one', () => {
  const chain = setup();
  assert.equal(register(chain, hospitalNode, 1, 2), 'tx.rejected:records.version_order');
  assert.equal(register(chain), 'ok');
  assert.equal(register(chain), 'tx.rejected:records.version_order'); // a version is never replaced
  assert.equal(register(chain, hospitalNode, 1, 3), 'tx.rejected:records.version_order'); // nor skipped
  chain.commit();
  assert.equal(register(chain, hospitalNode, 1, 2), 'ok');
  const found = record(chain.state, recordId(1))!;
  assert.equal(found.latestVersion, 2);
  assert.equal(found.createdAtHeight, 2);
  assert.equal(found.updatedAtHeight, 3);
  assert.deepEqual(
    found.history.map((v) => [v.version, v.commitment]),
    [
      [1, commitment(1, 1)],
      [2, commitment(1, 2)],
    ],
  );
  // An update does not add the record to the patient's list a second time.
  assert.equal(recordsOfPatient(chain.state, found.patientPseudonym, { offset: 0, limit: 10 }).total, 1);
});

test('an update keeps the record’s custodian, patient and resource type', () => {
  const chain = setup();
  assert.equal(register(chain), 'ok');
  assert.equal(
    register(chain, clinicNode, 1, 2, { custodianOrgId: 'riverside' }),
    'tx.rejected:records.other_custodian',
  );
  assert.equal(
    register(chain, hospitalNode, 1, 2, { patientPseudonym: bobPseudonym }),
    'tx.rejected:records.other_patient',
  );
  assert.equal(
    register(chain, hospitalNode, 1, 2, { resourceType: 'Condition' }),
    'tx.rejected:records.resource_type_changed',
  );
});

test('malformed registrations are invalid payloads: no free text, names or codes reach the chain', () => {
  const chain = setup();
  const cases: object[] = [
    { recordId: 'Observation/123' },
    { recordId: hex(0xab).toUpperCase() },
    { version: 0 },
    { version: '1' },
    { version: VERSIONS_PER_RECORD_MAX + 1 },
    { resourceType: 'observation' },
    { resourceType: 'Resource' },
    { patientPseudonym: 'alice' },
    { custodianOrgId: 'St Mary' },
    { commitment: 'sha256:abc' },
    { name: 'Alice Smith' },
    { code: 'http://loinc.org|2339-0' },
    { note: 'glucose high' },
  ];
  for (const overrides of cases) {
    assert.equal(
      register(chain, hospitalNode, 1, 1, overrides),
      'tx.invalid_payload',
      JSON.stringify(overrides),
    );
  }
  assert.equal(chain.submit(hospitalNode, 'records.register', 'not an object'), 'tx.invalid_payload');
  assert.equal(record(chain.state, recordId(1)), undefined);
});

test('registerBatch commits a whole FHIR transaction in one tx, in order', () => {
  const chain = setup();
  const registrations = [registerPayload(1), registerPayload(2), registerPayload(1, 2)];
  assert.equal(chain.submit(hospitalNode, 'records.registerBatch', batchPayload(registrations)), 'ok');
  assert.equal(record(chain.state, recordId(1))?.latestVersion, 2);
  assert.equal(record(chain.state, recordId(2))?.latestVersion, 1);
});

test('registerBatch is all or nothing: one refused registration leaves no record of the batch', () => {
  const chain = setup();
  const registrations = [
    registerPayload(1),
    registerPayload(2),
    registerPayload(3, 1, { patientPseudonym: hex(0x77) }),
  ];
  assert.equal(
    chain.submit(hospitalNode, 'records.registerBatch', batchPayload(registrations)),
    'tx.rejected:records.unknown_patient',
  );
  assert.equal(record(chain.state, recordId(1)), undefined);
  assert.equal(record(chain.state, recordId(2)), undefined);
  assert.equal(
    chain.submit(clinicNode, 'records.registerBatch', batchPayload([registerPayload(4)])),
    'tx.rejected:records.not_custodian',
  );
  for (const registrations of [
    [],
    'x',
    Array.from({ length: REGISTRATIONS_PER_BATCH_MAX + 1 }, (_, i) => registerPayload(i + 1)),
  ]) {
    assert.equal(
      chain.submit(hospitalNode, 'records.registerBatch', { practitioner: doctor.key, registrations }),
      'tx.invalid_payload',
    );
  }
  // A batch names its writer once, not per registration, and must name one.
  assert.equal(
    chain.submit(hospitalNode, 'records.registerBatch', { registrations: [registerPayload(5)] }),
    'tx.invalid_payload',
  );
});

test('a batch of the most registrations allowed fits in one tx', () => {
  const registrations = Array.from({ length: REGISTRATIONS_PER_BATCH_MAX }, (_, i) =>
    registerPayload(i + 1, 1, { resourceType: 'ExplanationOfBenefit' }),
  );
  const tx = signTx(hospitalNode.seed, {
    chainId,
    type: 'records.registerBatch',
    payload: batchPayload(registrations) as never,
    nonce: 1,
  });
  assert.ok(encodeTx(tx).length <= LARGE_TX_BYTES_MAX, `${encodeTx(tx).length} bytes`);
  assert.doesNotThrow(() => checkTxStateless(tx, chainId));
});

test('only the custodian’s active clinical staff write, named in the registration (findings 3, 12)', () => {
  const chain = setup();
  // A privacy officer of the custodian is staff, but not clinical.
  const byOfficer = { practitioner: privacyOfficer.key };
  assert.equal(register(chain, hospitalNode, 1, 1, byOfficer), 'tx.rejected:records.not_clinical');
  assert.equal(register(chain, privacyOfficer, 1, 1, byOfficer), 'tx.rejected:records.not_clinical');
  // The custodian's node cannot name another organisation's clinician as its writer.
  const byNurse = { practitioner: nurse.key };
  assert.equal(register(chain, hospitalNode, 1, 1, byNurse), 'tx.rejected:records.not_custodian');
  // Nor the practitioner named sign for someone else's custodian.
  assert.equal(register(chain, nurse, 1, 1, byNurse), 'tx.rejected:records.not_custodian');
  assert.equal(record(chain.state, recordId(1)), undefined);
  // A junk next version of a real record by non-clinical staff is refused too.
  assert.equal(register(chain), 'ok');
  assert.equal(register(chain, privacyOfficer, 1, 2, byOfficer), 'tx.rejected:records.not_clinical');
  assert.equal(record(chain.state, recordId(1))?.latestVersion, 1);
});

test('another custodian writes about a patient only under the patient’s write consent (finding 12)', () => {
  const chain = setup();
  const atRiverside = { practitioner: nurse.key, custodianOrgId: 'riverside' };
  assert.equal(register(chain, clinicNode, 1, 1, atRiverside), 'tx.rejected:records.no_write_consent');
  // A read consent is not a write consent.
  assert.equal(chain.submit(alice, 'consent.grant', grantPayload(1)), 'ok');
  assert.equal(register(chain, clinicNode, 1, 1, atRiverside), 'tx.rejected:records.no_write_consent');
  const write = grantPayload(2, { actions: ['write'], purposes: ['TREAT'] });
  assert.equal(chain.submit(alice, 'consent.grant', write), 'ok');
  assert.equal(register(chain, clinicNode, 1, 1, atRiverside), 'ok');
  // The consent names Observations only, and Alice alone.
  const condition = { ...atRiverside, resourceType: 'Condition' };
  assert.equal(register(chain, clinicNode, 2, 1, condition), 'tx.rejected:records.no_write_consent');
  const aboutBob = { ...atRiverside, patientPseudonym: bobPseudonym };
  assert.equal(register(chain, clinicNode, 3, 1, aboutBob), 'tx.rejected:records.no_write_consent');
  // Once revoked, not even the next version of the record it wrote.
  assert.equal(chain.submit(alice, 'consent.revoke', { consentId: consentId(2) }), 'ok');
  assert.equal(register(chain, clinicNode, 1, 2, atRiverside), 'tx.rejected:records.no_write_consent');
});
